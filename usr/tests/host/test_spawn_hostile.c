/* libspawn against a hostile child: whatever the child does to its own CSpace, spawn_free gives
 * the parent everything back. The test acts as the child through the child's root copy. */
#include "spawn_check.h"
#include <kcheck.h>

#define PAGE BASE_PAGE_BYTES

static struct spawninfo si;

/* The child's own root copy (without grant): the CSpace root its invocations name. */
static capaddr_t child_root(void)
{
    return get_cap_addr(spawn_child_slot(&si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN));
}

static capaddr_t child_addr(uint32_t l1, cslot_t slot)
{
    return capaddr_make(l1, slot);
}

/* How a hostile child changes a slot of its PAGECN before its parent frees it. */
enum tamper {
    TAMPER_DELETE,        /* deletes the capability */
    TAMPER_REPLACE,       /* deletes it and retypes two pages of its own RAM into the slot */
    TAMPER_COPY_AWAY,     /* keeps a copy in its SLOT_ALLOC0 and deletes the one in PAGECN */
    TAMPER_WITHOUT_GRANT, /* puts a copy without the grant right in its place */
    TAMPERS
};

static void tamper_slot(enum tamper how, cslot_t slot)
{
    capaddr_t root = child_root(), at = child_addr(ROOTCN_SLOT_PAGECN, slot);
    capaddr_t pagecn = capaddr_l1_slot(ROOTCN_SLOT_PAGECN);
    capaddr_t aside = capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0);
    struct cap_identity id;
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, slot), &id));
    if (how == TAMPER_COPY_AWAY) {
        ck_assert_ok(invoke_cnode_copy(root, aside, slot, at));
    }
    if (how == TAMPER_WITHOUT_GRANT) {
        ck_assert_ok(invoke_cnode_mint(root, aside, slot, at, id.rights & ~CAPRIGHTS_GRANT));
    }
    ck_assert_ok(invoke_cnode_delete(root, at));
    if (how == TAMPER_REPLACE) {
        ck_assert_ok(invoke_cnode_retype(root, child_addr(ROOTCN_SLOT_SUPERCN, 0),
                                         (gensize_t)slot * 2 * PAGE, ObjType_Frame, 2 * PAGE, 1,
                                         pagecn, slot));
    }
    if (how == TAMPER_WITHOUT_GRANT) {
        ck_assert_ok(
            invoke_cnode_copy(root, pagecn, slot, child_addr(ROOTCN_SLOT_SLOT_ALLOC0, slot)));
        ck_assert_ok(invoke_cnode_delete(root, child_addr(ROOTCN_SLOT_SLOT_ALLOC0, slot)));
    }
}

/*
 * Every table and frame in the child's PAGECN, its root table first, changed one way while the
 * child runs: the parent's spawn_free still succeeds and gives back every byte of RAM (the tables
 * it retyped for the child included), every slot and shared table page, and the kernel holds
 * nothing more than before.
 */
START_TEST(a_child_changing_its_pagecn_costs_the_parent_nothing)
{
    enum tamper how = (enum tamper)_i;
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_ok(spawn_start(&si, NULL_CAP));
    cslot_t slots = 0;
    struct cap_identity id;
    while (err_is_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, slots), &id))) {
        slots++;
    }
    ck_assert_uint_gt(slots, 3);
    for (cslot_t slot = 0; slot < slots; slot++) {
        tamper_slot(how, slot);
    }
    ck_assert_ok(spawn_free(&si));
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
    ck_assert_int_eq(kcheck_state(NULL, NULL), KCHECK_OK);
}
END_TEST

Suite *spawn_hostile_suite(void)
{
    Suite *s = suite_create("libspawn and a hostile child");
    TCase *tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, spawn_boot, pmap_shutdown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, a_child_changing_its_pagecn_costs_the_parent_nothing, 0, TAMPERS);
    suite_add_tcase(s, tc);
    return s;
}
