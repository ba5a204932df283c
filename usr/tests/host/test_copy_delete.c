/* Copy, mint, delete and revoke: copies and descendants really gone, memory retypeable only then.
 */
#include "fixture.h"
#include <mdb.h>
#include <paging_arch.h>

START_TEST(copy_names_the_same_object_with_the_same_rights)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)));
    struct cap_identity a = identify(WORK_SLOT(0));
    struct cap_identity b = identify(WORK_SLOT(1));
    ck_assert_int_eq(a.type, b.type);
    ck_assert_uint_eq(a.base, b.base);
    ck_assert_uint_eq(a.bytes, b.bytes);
    ck_assert_uint_eq(a.rights, b.rights);
}
END_TEST

START_TEST(copy_refuses_occupied_empty_and_non_cnode_slots)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 2, 0));
    size_t before = mdb_count();
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)),
                  SYS_ERR_SLOT_IN_USE);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 3, WORK_SLOT(9)),
                  SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_SLOT(0), 3, WORK_SLOT(1)),
                  SYS_ERR_NOT_A_CNODE);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, L2_CNODE_SLOTS, WORK_SLOT(1)),
                  SYS_ERR_SLOT_OUT_OF_RANGE);
    ck_assert_uint_eq(mdb_count(), before);
    ck_assert_uint_eq(identify(WORK_SLOT(1)).base, identify(WORK_SLOT(0)).base + BASE_PAGE_BYTES);
}
END_TEST

START_TEST(mint_reduces_rights_and_never_adds_any)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0), CAPRIGHTS_READ));
    ck_assert_uint_eq(identify(WORK_SLOT(1)).rights, CAPRIGHTS_READ);
    ck_assert_err(
        invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 2, WORK_SLOT(1), CAPRIGHTS_READ_WRITE),
        SYS_ERR_MINT_RIGHTS_EXCEED);
    ck_assert_err(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 2, WORK_SLOT(0), 0x80),
                  SYS_ERR_INVALID_RIGHTS);
    ck_assert(slot_is_empty(WORK_SLOT(2)));
    /* A copy of the read-only cap stays read-only. */
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 3, WORK_SLOT(1)));
    ck_assert_uint_eq(identify(WORK_SLOT(3)).rights, CAPRIGHTS_READ);
}
END_TEST

START_TEST(delete_empties_the_slot_and_refuses_an_empty_one)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    ck_assert_err(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)), SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

START_TEST(memory_is_retypeable_again_only_when_the_last_copy_is_gone)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 2, WORK_SLOT(0), CAPRIGHTS_READ));

    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
    ck_assert_int_eq(identify(WORK_SLOT(1)).type, ObjType_Frame);
    ck_assert(!ram_has_no_descendants());
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(1)));
    ck_assert(!ram_has_no_descendants());
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(2)));
    ck_assert(ram_has_no_descendants());
}
END_TEST

START_TEST(deleting_the_last_copy_of_a_cnode_deletes_its_contents)
{
    /* An L2 CNode installed at a free L1 slot, holding frames and a copy of RAM. */
    const uint32_t l1 = ROOTCN_SLOTS_USER;
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1,
                                     CAPADDR_ROOTCN, l1));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, L2_CNODE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 8, capaddr_l1_slot(l1), 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(l1), 100, RAM_CAP));
    size_t boot_count = mdb_count() - 10;

    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_l1_slot(l1)));
    ck_assert_uint_eq(mdb_count(), boot_count);
    ck_assert(ram_has_no_descendants());
    ck_assert_int_eq(identify(RAM_CAP).type, ObjType_RAM);
    ck_assert(mdb_check_invariants());
}
END_TEST

START_TEST(deleting_one_copy_of_a_cnode_keeps_its_contents)
{
    ck_assert_ok(retype_from_ram(0, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, L2_CNODE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_SLOT(0), 7));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
    ck_assert_ok(
        invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, ROOTCN_SLOTS_USER, WORK_SLOT(1)));
    ck_assert_int_eq(identify(capaddr_make(ROOTCN_SLOTS_USER, 7)).type, ObjType_Frame);
}
END_TEST

/* Builds a chain: WORK_SLOT(0) -> CNode 0 whose slot 0 holds the only cap to CNode 1 -> ... */
static void build_cnode_chain(unsigned length)
{
    ck_assert_ok(retype_from_ram(0, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0));
    /* Each step: install the chain's tail at a scratch L1 slot to name it as a destination. */
    const uint32_t scratch = ROOTCN_SLOTS_USER;
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, scratch, WORK_SLOT(0)));
    for (unsigned i = 1; i < length; i++) {
        ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, i * L2_CNODE_BYTES,
                                         ObjType_L2CNode, L2_CNODE_BYTES, 1,
                                         capaddr_l1_slot(scratch), 0));
        ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, capaddr_make(scratch, 0)));
        ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_l1_slot(scratch)));
        ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, scratch, WORK_SLOT(1)));
        ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(1)));
    }
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_l1_slot(scratch)));
}

START_TEST(a_long_chain_of_cnodes_dies_with_its_head)
{
    const unsigned length = 1000;
    size_t boot_count = mdb_count();
    build_cnode_chain(length);
    ck_assert_uint_eq(mdb_count(), boot_count + length);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
    ck_assert_uint_eq(mdb_count(), boot_count);
    ck_assert(ram_has_no_descendants());
}
END_TEST

START_TEST(revoke_removes_copies_and_descendants_but_not_the_cap)
{
    size_t boot_count = mdb_count();
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(0), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 4, WORK_CNODE, 2));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(1), 64 * 1024, ObjType_RAM,
                                     64 * 1024, 1, WORK_CNODE, 6));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(6), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 7));
    /* Something outside the revoked range survives. */
    ck_assert_ok(retype_from_ram(2 * 1024 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 1, 8));

    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(0)));
    ck_assert_int_eq(identify(WORK_SLOT(0)).type, ObjType_RAM);
    for (cslot_t slot = 1; slot < 8; slot++) {
        ck_assert_msg(slot_is_empty(WORK_SLOT(slot)), "slot %u survived the revoke", slot);
    }
    ck_assert_int_eq(identify(WORK_SLOT(8)).type, ObjType_Frame);
    ck_assert_uint_eq(mdb_count(), boot_count + 2);
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(0), 0, ObjType_Frame, 1024 * 1024, 1,
                                     WORK_CNODE, 1));
}
END_TEST

START_TEST(revoke_of_the_boot_ram_frees_everything_made_from_it)
{
    ck_assert_ok(retype_from_ram(0, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, L2_CNODE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 16, WORK_SLOT(0), 0));
    ck_assert_ok(retype_from_ram(1024 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 16, 1));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, RAM_CAP));
    ck_assert(ram_has_no_descendants());
    for (cslot_t slot = 0; slot < 17; slot++) {
        ck_assert(slot_is_empty(WORK_SLOT(slot)));
    }
    ck_assert(mdb_check_invariants());
}
END_TEST

/* The root table the machine runs on is the kernel's too: revoking the RAM under it spares that. */
START_TEST(revoke_of_the_boot_ram_spares_the_kernels_copy_of_the_loaded_root)
{
    enum objtype root = paging_root_type();
    gensize_t root_bytes = objtype_info[root].fixed_bytes;
    ck_assert_ok(retype_from_ram(0, root, root_bytes, 1, 0)); /* the lowest descendant */
    ck_assert_ok(retype_from_ram(1024 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 1, 1));
    ck_assert_ok(host_machine_load_root(WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, RAM_CAP));
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    ck_assert(slot_is_empty(WORK_SLOT(1)));
    ck_assert_err(retype_from_ram(0, ObjType_Frame, root_bytes, 1, 2), SYS_ERR_RETYPE_OVERLAP);
    ck_assert_ok(retype_from_ram(1024 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 1, 3));
    ck_assert(mdb_check_invariants());
}
END_TEST

START_TEST(revoke_survives_its_own_slot_dying)
{
    /* R1 from RAM; CNode C from R1 installed in L1; a copy of R1 lives in C. */
    const uint32_t l1 = ROOTCN_SLOTS_USER;
    size_t boot_count = mdb_count();
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(0), 0, ObjType_L2CNode,
                                     L2_CNODE_BYTES, 1, CAPADDR_ROOTCN, l1));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(l1), 0, WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, capaddr_make(l1, 0)));
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    ck_assert(slot_is_empty(capaddr_l1_slot(l1)));
    ck_assert_uint_eq(mdb_count(), boot_count);
    ck_assert(ram_has_no_descendants());
    ck_assert(mdb_check_invariants());
}
END_TEST

START_TEST(revoke_refuses_an_empty_slot)
{
    ck_assert_err(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(5)), SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

/* A copy minted without grant (what a parent hands a child) cannot take the others' copies; what
   its holder retypes from it is its own, with grant. */
START_TEST(revoke_without_grant_is_refused_and_takes_nothing)
{
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(
        invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0), CAPRIGHTS_READ_WRITE));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 2, WORK_SLOT(1)));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(1), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 3));
    size_t count = mdb_count();
    ck_assert_err(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(1)), SYS_ERR_REVOKE_NEEDS_GRANT);
    ck_assert_err(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(2)), SYS_ERR_REVOKE_NEEDS_GRANT);
    ck_assert_uint_eq(mdb_count(), count);
    ck_assert_uint_eq(identify(WORK_SLOT(3)).rights, CAPRIGHTS_READ_WRITE | CAPRIGHTS_GRANT);
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(3))); /* its own frame */
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(2))); /* its own copy: fine */
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(0))); /* the grant holder's */
    for (cslot_t slot = 1; slot <= 3; slot++) {
        ck_assert(slot_is_empty(WORK_SLOT(slot)));
    }
    ck_assert(mdb_check_invariants());
}
END_TEST

static errval_t reclaim(capaddr_t target, struct cap_identity *id)
{
    return invoke_cnode_reclaim(CAPADDR_ROOTCN, target, id);
}

/* RECLAIM: revoke and delete in one call, telling what the capability was. */
START_TEST(reclaim_takes_copies_descendants_and_the_cap_and_says_what_it_was)
{
    size_t boot_count = mdb_count();
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0)));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(1), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 4, WORK_CNODE, 2));
    ck_assert_ok(retype_from_ram(2 * 1024 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 1, 8));
    struct cap_identity before = identify(WORK_SLOT(0));
    struct cap_identity got;
    ck_assert_ok(reclaim(WORK_SLOT(0), &got));
    ck_assert(got.type == before.type && got.base == before.base && got.bytes == before.bytes &&
              got.rights == before.rights && got.type_word == before.type_word);
    for (cslot_t slot = 0; slot < 6; slot++) {
        ck_assert_msg(slot_is_empty(WORK_SLOT(slot)), "slot %u survived the reclaim", slot);
    }
    ck_assert_int_eq(identify(WORK_SLOT(8)).type, ObjType_Frame); /* outside: untouched */
    ck_assert_uint_eq(mdb_count(), boot_count + 1);
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, 1024 * 1024, 1, 0)); /* the memory is free */
    ck_assert(mdb_check_invariants());
}
END_TEST

/* The capability may sit in a CNode made from its own memory: the revoke empties its slot. */
START_TEST(reclaim_survives_its_own_slot_dying)
{
    const uint32_t l1 = ROOTCN_SLOTS_USER;
    size_t boot_count = mdb_count();
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(0), 0, ObjType_L2CNode,
                                     L2_CNODE_BYTES, 1, CAPADDR_ROOTCN, l1));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(l1), 0, WORK_SLOT(0)));
    struct cap_identity got;
    ck_assert_ok(reclaim(capaddr_make(l1, 0), &got));
    ck_assert_int_eq(got.type, ObjType_RAM);
    ck_assert_uint_eq(got.bytes, 1024 * 1024);
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    ck_assert(slot_is_empty(capaddr_l1_slot(l1)));
    ck_assert_uint_eq(mdb_count(), boot_count);
    ck_assert(ram_has_no_descendants());
    ck_assert(mdb_check_invariants());
}
END_TEST

/* Every refusal comes first: nothing is revoked, nothing deleted. */
START_TEST(a_refused_reclaim_takes_nothing)
{
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 1024 * 1024, 1, 0));
    ck_assert_ok(
        invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0), CAPRIGHTS_READ_WRITE));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(0), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 2));
    size_t count = mdb_count();
    struct cap_identity got = {.bytes = 7};
    ck_assert_err(reclaim(WORK_SLOT(1), &got), SYS_ERR_REVOKE_NEEDS_GRANT);
    ck_assert_err(reclaim(WORK_SLOT(5), &got), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(reclaim(CAPADDR_ROOTCN, &got), SYS_ERR_DELETE_ROOT_CNODE);
    ck_assert_uint_eq(got.bytes, 7); /* no values on a refusal */
    ck_assert_uint_eq(mdb_count(), count);
    ck_assert_int_eq(identify(WORK_SLOT(2)).type, ObjType_Frame);
    ck_assert(mdb_check_invariants());
}
END_TEST

Suite *copy_delete_suite(void)
{
    Suite *s = suite_create("copy, mint, delete, revoke");
    TCase *copy = fixture_tcase(s, "copy and mint");
    tcase_add_test(copy, copy_names_the_same_object_with_the_same_rights);
    tcase_add_test(copy, copy_refuses_occupied_empty_and_non_cnode_slots);
    tcase_add_test(copy, mint_reduces_rights_and_never_adds_any);

    TCase *del = fixture_tcase(s, "delete");
    tcase_add_test(del, delete_empties_the_slot_and_refuses_an_empty_one);
    tcase_add_test(del, memory_is_retypeable_again_only_when_the_last_copy_is_gone);
    tcase_add_test(del, deleting_the_last_copy_of_a_cnode_deletes_its_contents);
    tcase_add_test(del, deleting_one_copy_of_a_cnode_keeps_its_contents);
    tcase_add_test(del, a_long_chain_of_cnodes_dies_with_its_head);

    TCase *revoke = fixture_tcase(s, "revoke");
    tcase_add_test(revoke, revoke_removes_copies_and_descendants_but_not_the_cap);
    tcase_add_test(revoke, revoke_of_the_boot_ram_frees_everything_made_from_it);
    tcase_add_test(revoke, revoke_survives_its_own_slot_dying);
    tcase_add_test(revoke, revoke_of_the_boot_ram_spares_the_kernels_copy_of_the_loaded_root);
    tcase_add_test(revoke, revoke_refuses_an_empty_slot);
    tcase_add_test(revoke, revoke_without_grant_is_refused_and_takes_nothing);
    tcase_add_test(revoke, reclaim_takes_copies_descendants_and_the_cap_and_says_what_it_was);
    tcase_add_test(revoke, reclaim_survives_its_own_slot_dying);
    tcase_add_test(revoke, a_refused_reclaim_takes_nothing);
    return s;
}
