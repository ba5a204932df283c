/* CMD_IDENTIFY_MAPPING: the mapping a capability copy holds, read back as the kernel records it. */
#include "paging_support.h"

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)
#define PAGE BASE_PAGE_BYTES

/* A fresh copy of cap in a slot of its own. */
static capaddr_t copy_of(capaddr_t cap)
{
    capaddr_t copy = new_slot();
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(copy)),
                                   capaddr_l2_slot(copy), cap));
    return copy;
}

/* Asserts that the copy at cap holds exactly this mapping, entries' flags included. */
static void assert_mapping(capaddr_t cap, capaddr_t table, cslot_t slot, size_t count,
                           gensize_t offset, vregion_flags_t flags, bool mixed)
{
    struct cap_identity t = identify(table);
    struct cap_mapping m;
    ck_assert_ok(invoke_cap_identify_mapping(cap, &m));
    ck_assert_uint_eq(m.table_base, t.base);
    ck_assert_int_eq(m.table_type, t.type);
    ck_assert_uint_eq(m.slot, slot);
    ck_assert_uint_eq(m.pte_count, count);
    ck_assert_uint_eq(m.offset_bytes, offset);
    ck_assert_uint_eq(m.flags, flags);
    ck_assert_int_eq(m.flags_mixed, mixed);
}

static void assert_not_mapped(capaddr_t cap)
{
    struct cap_mapping m = {.pte_count = 77};
    ck_assert_err(invoke_cap_identify_mapping(cap, &m), SYS_ERR_VM_NOT_MAPPED);
    ck_assert_uint_eq(m.pte_count, 77); /* nothing written on a refusal */
}

START_TEST(a_mapped_run_reports_its_table_entries_offset_and_flags)
{
    capaddr_t frame = new_object(ObjType_Frame, 8 * PAGE);
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert_ok(
        invoke_vnode_map(leaf, slot_of(VA, LEAF), frame, VREGION_FLAGS_READ_WRITE, 2 * PAGE, 5));
    assert_mapping(frame, leaf, slot_of(VA, LEAF), 5, 2 * PAGE, VREGION_FLAGS_READ_WRITE, false);
    /* Identify needs no right: a read-only copy holding a mapping reports it too. */
    capaddr_t ro = new_slot();
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(ro)),
                                   capaddr_l2_slot(ro), frame, CAPRIGHTS_READ));
    uint64_t other = VA + 16 * PAGE;
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(other, LEAF), ro,
                                  VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, 7 * PAGE, 1));
    assert_mapping(ro, leaf, slot_of(other, LEAF), 1, 7 * PAGE,
                   VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, false);
}
END_TEST

/* A table reports its entry in its parent, without flags; a root is never mapped. */
START_TEST(a_table_reports_its_entry_in_the_parent)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t parent = table_for(VA, LEAF - 1);
    assert_mapping(leaf, parent, slot_of(VA, LEAF - 1), 1, 0, 0, false);
    assert_not_mapped(root_table);
    capaddr_t loose = new_object(fmt.table[LEAF], objtype_info[fmt.table[LEAF]].fixed_bytes);
    assert_not_mapped(loose);
}
END_TEST

START_TEST(a_large_page_reports_the_level_it_is_mapped_at)
{
    int level = LEAF - 1;
    gensize_t bytes = fmt.span_bytes[level];
    uint64_t vaddr = 16 * bytes;
    capaddr_t frame = new_aligned_object(ObjType_Frame, 2 * bytes, bytes);
    capaddr_t table = table_for(vaddr, level);
    vregion_flags_t flags = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    ck_assert_ok(invoke_vnode_map(table, slot_of(vaddr, level), frame, flags, bytes, 1));
    assert_mapping(frame, table, slot_of(vaddr, level), 1, bytes, flags, false);
}
END_TEST

/* One copy, one record: other copies of a mapped object have nothing to report. */
START_TEST(only_the_copy_holding_the_mapping_reports_it)
{
    capaddr_t frame = new_object(ObjType_Frame, 2 * PAGE);
    capaddr_t copy = copy_of(frame);
    assert_not_mapped(frame);
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), frame, VREGION_FLAGS_READ_WRITE, 0, 2));
    capaddr_t later = copy_of(frame); /* a copy of a mapped copy does not take its record */
    assert_mapping(frame, leaf, slot_of(VA, LEAF), 2, 0, VREGION_FLAGS_READ_WRITE, false);
    assert_not_mapped(copy);
    assert_not_mapped(later);
    ck_assert_ok(invoke_vnode_unmap(leaf, frame, slot_of(VA, LEAF), 2));
    assert_not_mapped(frame);
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF) + 4, later, VREGION_FLAGS_READ, PAGE, 1));
    assert_mapping(later, leaf, slot_of(VA, LEAF) + 4, 1, PAGE, VREGION_FLAGS_READ, false);
    assert_not_mapped(frame);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, later));
    assert_not_mapped(copy);
}
END_TEST

/* modify_flags of part of a run leaves entries that differ: said, with the first one's flags. */
START_TEST(entries_with_different_flags_are_reported_mixed)
{
    capaddr_t frame = new_object(ObjType_Frame, 4 * PAGE);
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), frame, VREGION_FLAGS_READ_WRITE, 0, 4));
    ck_assert_ok(invoke_frame_modify_flags(frame, 3, 1, VREGION_FLAGS_READ, 0));
    assert_mapping(frame, leaf, slot_of(VA, LEAF), 4, 0, VREGION_FLAGS_READ_WRITE, true);
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 1, VREGION_FLAGS_READ, 0));
    assert_mapping(frame, leaf, slot_of(VA, LEAF), 4, 0, VREGION_FLAGS_READ, true);
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 4, VREGION_FLAGS_READ, 0));
    assert_mapping(frame, leaf, slot_of(VA, LEAF), 4, 0, VREGION_FLAGS_READ, false);
}
END_TEST

START_TEST(device_frames_report_their_mapping)
{
    capaddr_t dev = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, 0, ObjType_DevFrame, PAGE, 1,
                                     capaddr_l1_slot(capaddr_l1_index(dev)), capaddr_l2_slot(dev)));
    capaddr_t leaf = table_for(VA, LEAF);
    vregion_flags_t flags = VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_NOCACHE;
    ck_assert_ok(invoke_vnode_map(leaf, 9, dev, flags, 0, 1));
    assert_mapping(dev, leaf, 9, 1, 0, flags, false);
}
END_TEST

/* Only what can be mapped answers; lookups fail first, as for every invocation. */
START_TEST(other_types_have_no_mapping_to_ask_for)
{
    struct cap_mapping m = {.pte_count = 77};
    ck_assert_err(invoke_cap_identify_mapping(RAM_CAP, &m), SYS_ERR_ILLEGAL_INVOCATION);
    ck_assert_err(invoke_cap_identify_mapping(CAPADDR_ROOTCN, &m), SYS_ERR_ILLEGAL_INVOCATION);
    ck_assert_err(invoke_cap_identify_mapping(WORK_SLOT(250), &m), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_cap_identify_mapping(0, &m), SYS_ERR_CAPADDR_NULL);
    ck_assert_uint_eq(m.pte_count, 77);
}
END_TEST

Suite *identify_mapping_suite(void)
{
    Suite *s = suite_create("identify mapping");
    TCase *tc = paging_tcase(s, "records");
    tcase_add_test(tc, a_mapped_run_reports_its_table_entries_offset_and_flags);
    tcase_add_test(tc, a_table_reports_its_entry_in_the_parent);
    tcase_add_test(tc, a_large_page_reports_the_level_it_is_mapped_at);
    tcase_add_test(tc, only_the_copy_holding_the_mapping_reports_it);
    tcase_add_test(tc, entries_with_different_flags_are_reported_mixed);
    tcase_add_test(tc, device_frames_report_their_mapping);
    tcase_add_test(tc, other_types_have_no_mapping_to_ask_for);
    return s;
}
