/* libvspace in booted domains (doc/selfpaging.md): lazy memory, protect, execute, guards, stack
   overflow, copy-on-write, RAM run out in the handler, malloc on it, a write barrier. */
#include "children.h"
#include <disp.h>
#include <vspace/vspace.h>

#define PAGE BASE_PAGE_BYTES
#define EXCEPTION_STACK_BYTES (16 * 1024)

static struct vspace vs;

static const char *install(void)
{
    FAIL_IF_ERR(vspace_init(&vs, &self_pmap));
    FAIL_IF_ERR(vspace_install(&vs, EXCEPTION_STACK_BYTES));
    return NULL;
}

/* Everything vspace made goes, and the handler with it. */
static const char *uninstall(void)
{
    vspace_uninstall(&vs);
    FAIL_IF_ERR(vspace_destroy(&vs));
    struct vspace_stats s;
    vspace_get_stats(&vs, &s);
    FAIL_IF(s.regions != 0 || s.frames_owned != 0);
    return NULL;
}

static volatile uint32_t *word_at(genvaddr_t va)
{
    return (volatile uint32_t *)(uintptr_t)va;
}

static const char *lazy_pages_fill_once_each_zeroed(void)
{
    RUN(install());
    genvaddr_t va;
    FAIL_IF_ERR(vspace_map_anon(&vs, 16 * PAGE, VREGION_FLAGS_READ_WRITE, &va));
    RUN(hw_unmapped(va, 16 * PAGE));
    dispatcher_word_t faults = disp_frame()->faults;
    for (uint32_t i = 0; i < 16; i++) {
        FAIL_IF(*word_at(va + i * PAGE + 0x44) != 0); /* the read fills it, zeroed */
        *word_at(va + i * PAGE + 0x44) = 0xbeef0000u + i;
    }
    struct vspace_stats s;
    vspace_get_stats(&vs, &s);
    FAIL_IF(disp_frame()->faults - faults != 16 || s.zero_fills != 16 || s.faults != 16);
    for (uint32_t i = 0; i < 16; i++) {
        FAIL_IF(*word_at(va + i * PAGE + 0x44) != 0xbeef0000u + i);
        struct debug_translation t;
        RUN(hw_translate(va + i * PAGE, &t));
        FAIL_IF(!t.present || t.flags != VREGION_FLAGS_READ_WRITE);
    }
    RUN(uninstall());
    return hw_unmapped(va, 16 * PAGE);
}

/* ---- protect: a write barrier is told the exact address, unprotects, the store completes ---- */

/* Written by the handler behind the compiler's back, as a signal handler's would be. */
static volatile genvaddr_t trapped_at;
static volatile unsigned trapped_kind;
static volatile size_t traps;

static bool unprotect_page(struct vspace *v, genvaddr_t vaddr, unsigned kind)
{
    trapped_at = vaddr;
    trapped_kind = kind;
    traps++;
    genvaddr_t page = vaddr & ~(genvaddr_t)(PAGE - 1);
    vregion_flags_t rights = DISPATCHER_FAULT_ACCESS(kind) == DISPATCHER_FAULT_EXECUTE
                                 ? VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE
                                 : VREGION_FLAGS_READ_WRITE;
    return err_is_ok(vspace_protect(v, page, PAGE, rights));
}

static const char *a_protected_write_traps_exactly_and_resumes(void)
{
    RUN(install());
    genvaddr_t va;
    FAIL_IF_ERR(vspace_map_anon(&vs, 4 * PAGE, VREGION_FLAGS_READ_WRITE, &va));
    for (uint32_t i = 0; i < 4; i++) {
        *word_at(va + i * PAGE) = i + 1;
    }
    FAIL_IF_ERR(vspace_protect(&vs, va, 4 * PAGE, VREGION_FLAGS_READ));
    vspace_set_protection_handler(&vs, unprotect_page);
    traps = 0;
    volatile uint8_t *byte = (volatile uint8_t *)(uintptr_t)(va + 2 * PAGE + 0x123);
    *byte = 0x5a;
    FAIL_IF(traps != 1 || *byte != 0x5a || trapped_at != va + 2 * PAGE + 0x123);
    FAIL_IF(trapped_kind != (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE)); /* permission */
    struct debug_translation t;
    RUN(hw_translate(va + PAGE, &t));
    FAIL_IF(t.flags != VREGION_FLAGS_READ); /* the neighbours stay protected */
    RUN(hw_translate(va + 2 * PAGE, &t));
    FAIL_IF(t.flags != VREGION_FLAGS_READ_WRITE);
    FAIL_IF(*word_at(va + PAGE) != 2 || traps != 1); /* reads do not trap */
    return uninstall();
}

static const char *executing_a_non_executable_page_traps_as_execute(void)
{
    RUN(install());
    genvaddr_t va;
    FAIL_IF_ERR(vspace_map_anon(&vs, PAGE, VREGION_FLAGS_READ_WRITE, &va));
    captest_arch_return_code((uint8_t *)(uintptr_t)va);
    vspace_set_protection_handler(&vs, unprotect_page);
    traps = 0;
    void (*fn)(void) = (void (*)(void))(uintptr_t)va;
    fn();
    FAIL_IF(traps != 1 || trapped_at != va);
    FAIL_IF(trapped_kind != (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_EXECUTE));
    struct debug_translation t;
    RUN(hw_translate(va, &t));
    FAIL_IF(t.flags != (VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE));
    fn(); /* executable now: no trap */
    FAIL_IF(traps != 1);
    return uninstall();
}

/* ---- copy-on-write: each side sees the contents of the copy's time, then only its own ---- */

static const char *copy_on_write_keeps_both_sides_apart(void)
{
    RUN(install());
    genvaddr_t src, dst;
    FAIL_IF_ERR(vspace_map_anon(&vs, 8 * PAGE, VREGION_FLAGS_READ_WRITE, &src));
    for (uint32_t i = 0; i < 8; i++) {
        *word_at(src + i * PAGE + 8) = 0xc0de0000u + i;
    }
    struct vspace_stats before, s;
    vspace_get_stats(&vs, &before);
    FAIL_IF_ERR(vspace_copy_on_write(&vs, src, &dst));
    struct debug_translation t;
    RUN(hw_translate(dst, &t));
    FAIL_IF(t.flags != VREGION_FLAGS_READ); /* shared, no write */
    for (uint32_t i = 0; i < 8; i++) {
        FAIL_IF(*word_at(dst + i * PAGE + 8) != 0xc0de0000u + i);
    }
    for (uint32_t i = 0; i < 8; i += 2) { /* the copy writes the even pages, the source the odd */
        *word_at(dst + i * PAGE + 8) = 0xd0000000u + i;
        *word_at(src + (i + 1) * PAGE + 8) = 0xe0000000u + i;
    }
    for (uint32_t i = 0; i < 8; i += 2) {
        FAIL_IF(*word_at(src + i * PAGE + 8) != 0xc0de0000u + i);
        FAIL_IF(*word_at(dst + i * PAGE + 8) != 0xd0000000u + i);
        FAIL_IF(*word_at(src + (i + 1) * PAGE + 8) != 0xe0000000u + i);
        FAIL_IF(*word_at(dst + (i + 1) * PAGE + 8) != 0xc0de0001u + i);
    }
    vspace_get_stats(&vs, &s);
    FAIL_IF(s.cow_copies != 8 || s.frames_owned - before.frames_owned != 8);
    return uninstall();
}

/* ---- a write barrier over many pages (a collector's dirty set): one trap per page ---------- */

#define BARRIER_PAGES 32
static genvaddr_t heap_base;
static volatile bool dirty[BARRIER_PAGES];

static bool mark_dirty(struct vspace *v, genvaddr_t vaddr, unsigned kind)
{
    (void)kind;
    size_t page = (size_t)((vaddr - heap_base) / PAGE);
    if (page >= BARRIER_PAGES || dirty[page]) {
        return false;
    }
    dirty[page] = true;
    return err_is_ok(vspace_protect(v, heap_base + page * PAGE, PAGE, VREGION_FLAGS_READ_WRITE));
}

static const char *a_write_barrier_sees_each_dirtied_page_once(void)
{
    RUN(install());
    FAIL_IF_ERR(vspace_map_anon(&vs, BARRIER_PAGES * PAGE, VREGION_FLAGS_READ_WRITE, &heap_base));
    for (size_t i = 0; i < BARRIER_PAGES; i++) {
        *word_at(heap_base + i * PAGE) = 1;
        dirty[i] = false;
    }
    FAIL_IF_ERR(vspace_protect(&vs, heap_base, BARRIER_PAGES * PAGE, VREGION_FLAGS_READ));
    vspace_set_protection_handler(&vs, mark_dirty);
    dispatcher_word_t faults = disp_frame()->faults;
    size_t written = 0;
    for (size_t k = 0; k < 3 * BARRIER_PAGES; k++) { /* a permuted order, most pages twice */
        size_t page = (k * 13 + 5) % BARRIER_PAGES;
        if (page % 4 == 3) {
            continue; /* never written: stays clean */
        }
        *word_at(heap_base + page * PAGE + 4 * (k % 16)) = (uint32_t)k;
        written++;
    }
    FAIL_IF(written == 0 || disp_frame()->faults - faults != BARRIER_PAGES - BARRIER_PAGES / 4);
    for (size_t i = 0; i < BARRIER_PAGES; i++) {
        FAIL_IF(dirty[i] != (i % 4 != 3));
    }
    return uninstall();
}

/* ---- in children: what ends a domain, and what it can still say ---------------------------- */

static const char *child_scenario_ends(uintptr_t scenario, enum dispatcher_state want,
                                       uint64_t want_status, struct lmp_msg *reply)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    uintptr_t tag = send_command(&kids[0], CHILD_VSPACE, scenario, 0, 0, NULL_CAP);
    FAIL_IF(tag == 0);
    if (reply != NULL) {
        RUN(await_reply(&kids[0], CHILD_VSPACE, tag, reply));
    }
    uint64_t status = 0;
    RUN(wait_ended(&kids[0], want, &status));
    FAIL_IF(want == DISPATCHER_EXITED && status != want_status);
    FAIL_IF_ERR(spawn_free(&kids[0]));
    return counts_back(&before);
}

static const char *a_guard_read_ends_the_child(void)
{
    return child_scenario_ends(CHILD_VSPACE_GUARD_READ, DISPATCHER_FAULTED, 0, NULL);
}

static const char *a_stack_overflow_ends_the_child(void)
{
    return child_scenario_ends(CHILD_VSPACE_STACK_OVERFLOW, DISPATCHER_FAULTED, 0, NULL);
}

static const char *ram_run_out_in_the_handler_reaches_the_error_path(void)
{
    struct lmp_msg m;
    RUN(child_scenario_ends(CHILD_VSPACE_EXHAUST, DISPATCHER_EXITED, CHILD_VSPACE_EXHAUSTED, &m));
    /* The child filled pages until its 1 MiB ran out, then said why. */
    FAIL_IF(m.words[2] == 0 || m.words[2] >= SPAWN_RAM_BYTES_DEFAULT / PAGE);
    FAIL_IF(m.words[3] != LIB_ERR_VSPACE_FILL);
    return NULL;
}

static const char *malloc_memory_fills_as_it_is_touched(void)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    struct lmp_msg m;
    RUN(ask(&kids[0], CHILD_VSPACE, CHILD_VSPACE_MALLOC, 0, &m));
    FAIL_IF(m.words[3] != SYS_ERR_OK || m.words[2] != 16);
    RUN(kid_exit(&kids[0], 0));
    FAIL_IF_ERR(spawn_free(&kids[0]));
    return counts_back(&before);
}

const struct booted_test captest_vspace[] = {
    {"CT1005", "vspace: lazy anonymous memory fills each page once, zeroed, at its first touch",
     lazy_pages_fill_once_each_zeroed},
    {"CT1006", "vspace: a write to a protected page traps at its exact address and resumes",
     a_protected_write_traps_exactly_and_resumes},
    {"CT1007", "vspace: executing a non-executable page traps as an execute, then runs",
     executing_a_non_executable_page_traps_as_execute},
    {"CT1008", "vspace: a read of a guard page ends the child with the kernel's report",
     a_guard_read_ends_the_child},
    {"CT1009", "vspace: a stack overflow into the guard page ends the child",
     a_stack_overflow_ends_the_child},
    {"CT1010", "vspace: copy-on-write keeps both sides' writes apart",
     copy_on_write_keeps_both_sides_apart},
    {"CT1011", "vspace: RAM run out in the handler reaches the domain's error path",
     ram_run_out_in_the_handler_reaches_the_error_path},
    {"CT1012", "vspace: malloc's memory fills page by page as it is touched",
     malloc_memory_fills_as_it_is_touched},
    {"CT1013", "vspace: a write barrier traps once per dirtied page, in any order",
     a_write_barrier_sees_each_dirtied_page_once},
    {NULL, NULL, NULL},
};
