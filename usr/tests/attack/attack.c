/* The attack suite's shared frame: verdict lines, the kernel check, set-up and a private table
 * path. */
#include "attack.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct pmap attack_pmap;

/* Every verdict of the domain, whichever way it was reached, for the one closing line. */
static int attack_passed;
static int attack_failed;

struct capref attack_vroot(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = PAGECN_SLOT_VROOT};
}

const char *attack_reason(const char *file, int line, const char *what, errval_t err)
{
    static char reason[400];
    char chain[240] = "";
    if (err_is_fail(err)) {
        err_format(err, chain, sizeof(chain));
    }
    snprintf(reason, sizeof(reason), "%s:%d: %s%s%s", file, line, what, chain[0] ? ": got " : "",
             chain);
    return reason;
}

const char *attack_refusal_reason(const char *file, int line, const char *what, errval_t err)
{
    static char reason[400];
    char chain[240] = "SYS_ERR_OK (accepted)";
    if (err_is_fail(err)) {
        err_format(err, chain, sizeof(chain));
    }
    snprintf(reason, sizeof(reason), "%s:%d: %s: got %s", file, line, what, chain);
    return reason;
}

const char *attack_kernel_check(void)
{
    uintptr_t detail = 0;
    errval_t err = sys_debug_check_kernel(&detail);
    if (err_is_fail(err)) {
        static char reason[300];
        char text[200];
        err_format(err, text, sizeof(text));
        snprintf(reason, sizeof(reason), "kernel check: %s (detail %llu)", text,
                 (unsigned long long)detail);
        return reason;
    }
    return NULL;
}

void attack_setup(const char *id, const char *name)
{
    errval_t err = libcap_init();
    if (err_is_ok(err)) {
        err = pmap_init_self(&attack_pmap);
    }
    if (err_is_fail(err)) {
        char text[200];
        err_format(err, text, sizeof(text));
        printf("FAIL %s %s: set-up: %s\n", id, name, text);
        exit(1);
    }
    /* The highest L1 slots stay free for the attacks that install CNodes there. */
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS - 16);
}

void attack_verdict(const char *id, const char *name, const char *why)
{
    if (why == NULL) {
        printf("PASS %s %s\n", id, name);
        attack_passed++;
    } else {
        printf("FAIL %s %s: %s\n", id, name, why);
        attack_failed++;
    }
}

void attack_check_kernel_after(const char *id)
{
    const char *why = attack_kernel_check();
    if (why != NULL) {
        printf("FAIL %s the kernel's self-check afterwards: %s\n", id, why);
        attack_failed++;
    }
}

void attack_run_table(const struct attack *table)
{
    for (const struct attack *t = table; t->run != NULL; t++) {
        const char *reason = t->run();
        if (reason == NULL) {
            reason = attack_kernel_check();
        }
        attack_verdict(t->id, t->name, reason);
    }
}

int attack_finish(void)
{
    printf("%d passed, %d failed\n", attack_passed, attack_failed);
    return 0; /* the verdicts are the lines; a non-zero status means the domain broke */
}

void attack_expect_fault(const char *id, const char *name_fmt, ...)
{
    va_list ap;
    va_start(ap, name_fmt);
    printf("EXPECT-FAULT %s ", id);
    vprintf(name_fmt, ap);
    printf("\n");
    va_end(ap);
}

int attack_survived(const char *id, const char *what_fmt, ...)
{
    va_list ap;
    va_start(ap, what_fmt);
    printf("%s survived: ", id);
    vprintf(what_fmt, ap);
    printf("\n");
    va_end(ap);
    return 1;
}

const char *attack_cspace_works(void)
{
    struct capref ram, frame;
    struct cap_identity id;
    ATTACK_OK(ram_alloc(&ram, BASE_PAGE_BYTES));
    ATTACK_OK(slot_alloc(&frame));
    ATTACK_OK(cap_retype(frame, ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1));
    ATTACK_OK(cap_identify(frame, &id));
    ATTACK_FAIL_IF(id.type != ObjType_Frame || id.bytes != BASE_PAGE_BYTES);
    ATTACK_OK(cap_destroy(frame));
    ATTACK_OK(ram_free(ram));
    return NULL;
}

int attack_main(const struct attack *only)
{
    const struct attack table[] = {*only, {NULL, NULL, NULL}};
    attack_setup(only->id, only->name);
    attack_run_table(table);
    return attack_finish();
}

int attack_fault_main(const char *id, const char *name, const char *(*prepare)(uintptr_t *at),
                      uintptr_t (*touch)(uintptr_t at))
{
    uintptr_t at = 0;
    attack_setup(id, name);
    const char *why = prepare(&at);
    if (why != NULL) {
        printf("FAIL %s %s: set-up: %s\n", id, name, why);
        return 1;
    }
    attack_expect_fault(id, "%s", name);
    uintptr_t value = touch(at);
    return attack_survived(id, "touched and got 0x%llx", (unsigned long long)value);
}

uintptr_t attack_touch_read(uintptr_t at)
{
    return *(volatile uint32_t *)at;
}

enum objtype attack_leaf_type(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    return l->table_type[l->levels - 1];
}

errval_t attack_path_make(struct attack_path *path)
{
    const struct pmap_layout *l = pmap_arch_layout();
    int parent_level = l->levels - 2;
    gensize_t leaf_span = l->span_bytes[parent_level];
    genvaddr_t va = (l->user_end - 4 * leaf_span) & ~(l->span_bytes[0] - 1);
    struct capref parent = attack_vroot();
    for (int level = 1; level <= parent_level; level++) {
        struct capref table;
        errval_t err = vnode_create(&table, l->table_type[level]);
        cslot_t slot = (cslot_t)((va / l->span_bytes[level - 1]) % l->entries[level - 1]);
        if (err_is_ok(err)) {
            err = vnode_map(parent, slot, table, VREGION_FLAGS_READ_WRITE, 0, 1);
        }
        if (err_is_fail(err)) {
            return err;
        }
        parent = table;
    }
    *path = (struct attack_path){
        .va = va,
        .parent = parent,
        .first_slot = (cslot_t)((va / leaf_span) % l->entries[parent_level]),
        .leaf_span = leaf_span,
    };
    return SYS_ERR_OK;
}

void attack_fill(volatile uint32_t *p, size_t words, uint32_t seed)
{
    for (size_t i = 0; i < words; i++) {
        p[i] = seed ^ (uint32_t)(i * 2654435761u);
    }
}

bool attack_pattern_intact(const volatile uint32_t *p, size_t words, uint32_t seed)
{
    for (size_t i = 0; i < words; i++) {
        if (p[i] != (seed ^ (uint32_t)(i * 2654435761u))) {
            return false;
        }
    }
    return true;
}

void attack_expect_kernel_line(const char *text)
{
    printf("EXPECT-KERNEL-LINE %s\n", text);
}
