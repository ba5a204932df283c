/* Runs the capability test suite in init on real hardware tables and reports each test. */
#include "captest.h"
#include <domain_layout.h>
#include <stdio.h>
#include <stdlib.h>

struct pmap self_pmap;
struct capref self_root;

const char *captest_reason(const char *what, const char *file, int line, errval_t err)
{
    static char reason[320];
    char chain[200] = "";
    if (err_is_fail(err)) {
        err_format(err, chain, sizeof(chain));
    }
    const char *base = file; /* the file's name without its folders */
    for (const char *c = file; *c != '\0'; c++) {
        base = *c == '/' ? c + 1 : base;
    }
    snprintf(reason, sizeof(reason), "%s (%s:%d)%s%s", what, base, line, chain[0] ? ": " : "",
             chain);
    return reason;
}

bool ram_is_whole(struct capref ram)
{
    struct cap_identity id;
    struct capref probe;
    if (err_is_fail(cap_identify(ram, &id)) || err_is_fail(slot_alloc(&probe))) {
        return false;
    }
    errval_t err = cap_retype(probe, ram, 0, ObjType_Frame, id.bytes, 1);
    if (err_is_ok(err)) {
        return err_is_ok(cap_destroy(probe));
    }
    slot_free(probe);
    return false;
}

/* Every table, in the order they run: malloc's and later ones need the heap (main). */
static const struct booted_test *const tables[] = {
    captest_caps,       captest_paging,
    captest_pmap,       captest_pmap_life,
    captest_pmap_adopt, captest_retype,
    captest_refusals,   captest_arch,
    captest_arch_huge,  captest_malloc,
    captest_domains,    captest_spawn,
    captest_children,   captest_children_isolation,
    captest_selfpaging, captest_vspace,
    captest_pager,      NULL,
};

int main(void)
{
    printf("captest: the capability test suite, in init\n");
    errval_t err = libcap_init();
    self_root =
        (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = PAGECN_SLOT_VROOT};
    if (err_is_ok(err)) {
        err = pmap_init_self(&self_pmap);
    }
    if (err_is_fail(err)) {
        char text[200];
        err_format(err, text, sizeof(text));
        printf("captest: set-up failed: %s\n", text);
        return 1;
    }
    struct booted_run run;
    booted_run_begin(&run, "captest", &self_pmap, tables);
    for (size_t i = 0; tables[i] != NULL; i++) {
        if (tables[i] == captest_malloc) {
            heap_init(&self_pmap);
        }
        /* The domains' twins' stacks come from malloc; the children keep init's Endpoint. */
        booted_run_table(&run, tables[i]);
    }
    return booted_run_end(&run);
}
