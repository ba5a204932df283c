/* Identify: what a capability reports about its object, for every kind of capability. */
#include "fixture.h"

START_TEST(identify_reports_type_base_size_and_rights)
{
    genpaddr_t ram_base = identify(RAM_CAP).base;
    ck_assert_ok(retype_from_ram(3 * BASE_PAGE_BYTES, ObjType_Frame, 2 * BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 1, WORK_SLOT(0),
                                   CAPRIGHTS_READ | CAPRIGHTS_EXECUTE));
    struct cap_identity id;
    ck_assert_ok(invoke_cap_identify(WORK_SLOT(1), &id));
    ck_assert_int_eq(id.type, ObjType_Frame);
    ck_assert_uint_eq(id.base, ram_base + 3 * BASE_PAGE_BYTES);
    ck_assert_uint_eq(id.bytes, 2 * BASE_PAGE_BYTES);
    ck_assert_uint_eq(id.rights, CAPRIGHTS_READ | CAPRIGHTS_EXECUTE);
}
END_TEST

START_TEST(identify_reports_cnodes_and_device_frames)
{
    ck_assert_ok(retype_from_ram(0, ObjType_L1CNode, 4 * L2_CNODE_BYTES, 1, 0));
    struct cap_identity cn = identify(WORK_SLOT(0));
    ck_assert_int_eq(cn.type, ObjType_L1CNode);
    ck_assert_uint_eq(cn.bytes / CTE_BYTES, 4 * L2_CNODE_SLOTS);

    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, 2 * BASE_PAGE_BYTES,
                                     ObjType_DevFrame, BASE_PAGE_BYTES, 1, WORK_CNODE, 1));
    struct cap_identity dev = identify(WORK_SLOT(1));
    ck_assert_int_eq(dev.type, ObjType_DevFrame);
    ck_assert_uint_eq(dev.base, host_machine_device_base() + 2 * BASE_PAGE_BYTES);
}
END_TEST

START_TEST(identify_of_an_empty_slot_changes_nothing_in_the_result)
{
    struct cap_identity id = {.type = ObjType_RAM, .base = 1, .bytes = 2, .rights = 3};
    ck_assert_err(invoke_cap_identify(WORK_SLOT(4), &id), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_int_eq(id.type, ObjType_RAM);
    ck_assert_uint_eq(id.base, 1);
}
END_TEST

Suite *identify_suite(void)
{
    Suite *s = suite_create("identify");
    TCase *tc = fixture_tcase(s, "identify");
    tcase_add_test(tc, identify_reports_type_base_size_and_rights);
    tcase_add_test(tc, identify_reports_cnodes_and_device_frames);
    tcase_add_test(tc, identify_of_an_empty_slot_changes_nothing_in_the_result);
    return s;
}
