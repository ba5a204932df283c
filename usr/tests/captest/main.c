/* Runs the capability test suite in init on real hardware tables and reports each test. */
#include "captest.h"
#include <domain_layout.h>
#include <stdio.h>
#include <stdlib.h>

struct pmap self_pmap;
struct capref self_root;

const char *captest_reason(const char *what, int line, errval_t err)
{
    static char reason[320];
    char chain[200] = "";
    if (err_is_fail(err)) {
        err_format(err, chain, sizeof(chain));
    }
    snprintf(reason, sizeof(reason), "%s (line %d)%s%s", what, line, chain[0] ? ": " : "", chain);
    return reason;
}

static char skip_reason[200];

const char *captest_skip(const char *why)
{
    snprintf(skip_reason, sizeof(skip_reason), "%s", why);
    return skip_reason;
}

bool captest_is_skip(const char *reason)
{
    return reason == skip_reason;
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

struct tally {
    int passed, failed, skipped;
};

static void run_table(const struct captest *tests, struct tally *tally)
{
    for (const struct captest *t = tests; t->run != NULL; t++) {
        const char *reason = t->run();
        if (reason == NULL) {
            printf("PASS %s %s\n", t->id, t->name);
            tally->passed++;
        } else if (captest_is_skip(reason)) {
            printf("SKIP %s %s: %s\n", t->id, t->name, reason);
            tally->skipped++;
        } else {
            printf("FAIL %s %s: %s\n", t->id, t->name, reason);
            tally->failed++;
        }
    }
}

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
    struct tally tally = {0, 0, 0};
    run_table(captest_caps, &tally);
    run_table(captest_paging, &tally);
    run_table(captest_pmap, &tally);
    run_table(captest_pmap_life, &tally);
    run_table(captest_pmap_adopt, &tally);
    run_table(captest_retype, &tally);
    run_table(captest_refusals, &tally);
    run_table(captest_arch, &tally);
    run_table(captest_arch_huge, &tally);
    if (captest_has_device_window()) {
        run_table(captest_arch_device, &tally);
    }
    if (captest_has_small_tables()) {
        run_table(captest_arch_small_tables, &tally);
    }
    heap_init(&self_pmap);
    run_table(captest_malloc, &tally);
    run_table(captest_domains, &tally); /* the twins' stacks come from malloc */
    run_table(captest_spawn, &tally);
    run_table(captest_children, &tally); /* late: they keep init's Endpoint */
    run_table(captest_children_isolation, &tally);
    run_table(captest_selfpaging, &tally);
    run_table(captest_vspace, &tally);
    run_table(captest_pager, &tally);
    printf("%d passed, %d failed, %d skipped\n", tally.passed, tally.failed, tally.skipped);
    return tally.failed == 0 ? 0 : 1;
}
