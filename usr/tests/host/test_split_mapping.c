/* CMD_FRAME_SPLIT_MAPPING: one record becomes two without an entry changing or a flush. */
#include "paging_support.h"

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)
#define PAGE BASE_PAGE_BYTES

/* A fresh copy of cap in a slot of its own, with rights (all of cap's when rights is 0). */
static capaddr_t copy_of(capaddr_t cap, caprights_t rights)
{
    capaddr_t copy = new_slot();
    capaddr_t cnode = capaddr_l1_slot(capaddr_l1_index(copy));
    ck_assert_ok(
        rights == 0 ? invoke_cnode_copy(CAPADDR_ROOTCN, cnode, capaddr_l2_slot(copy), cap)
                    : invoke_cnode_mint(CAPADDR_ROOTCN, cnode, capaddr_l2_slot(copy), cap, rights));
    return copy;
}

static void assert_record(capaddr_t cap, cslot_t slot, size_t count, gensize_t offset)
{
    struct cap_mapping m;
    ck_assert_ok(invoke_cap_identify_mapping(cap, &m));
    ck_assert_uint_eq(m.slot, slot);
    ck_assert_uint_eq(m.pte_count, count);
    ck_assert_uint_eq(m.offset_bytes, offset);
}

static void assert_unmapped(capaddr_t cap)
{
    struct cap_mapping m;
    ck_assert_err(invoke_cap_identify_mapping(cap, &m), SYS_ERR_VM_NOT_MAPPED);
}

/* 6 pages of an 8-page frame from its second page on, at VA, read-write; the frame's slot. */
static capaddr_t mapped_run(void)
{
    capaddr_t frame = new_object(ObjType_Frame, 8 * PAGE);
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, PAGE, 6));
    return frame;
}

START_TEST(a_split_changes_no_entry_and_gives_the_tail_to_the_copy)
{
    capaddr_t frame = mapped_run();
    capaddr_t copy = copy_of(frame, 0);
    genpaddr_t base = identify(frame).base;
    struct table_snapshot snap;
    snapshot_take(table_for(VA, LEAF), &snap);
    host_maintenance_reset();
    ck_assert_ok(invoke_frame_split_mapping(frame, 2, copy));
    ck_assert(snapshot_unchanged(&snap));
    ck_assert_uint_eq(host_maintenance_count(), 0); /* no translation changed: nothing to flush */
    assert_record(frame, slot_of(VA, LEAF), 2, PAGE);
    assert_record(copy, slot_of(VA, LEAF) + 2, 4, 3 * PAGE);
    for (int i = 0; i < 6; i++) {
        struct walk_result w = walk_translate(root_base(), VA + i * PAGE);
        ck_assert(w.present && w.writable);
        ck_assert_uint_eq(w.paddr, base + (1 + i) * PAGE);
    }
}
END_TEST

/* Each part is a mapping of its own: unmapped, deleted and split again on its own. */
START_TEST(each_part_goes_on_its_own)
{
    capaddr_t frame = mapped_run();
    capaddr_t tail = copy_of(frame, 0);
    capaddr_t last = copy_of(frame, 0);
    capaddr_t leaf = table_for(VA, LEAF);
    cslot_t slot = slot_of(VA, LEAF);
    ck_assert_ok(invoke_frame_split_mapping(frame, 2, tail));
    ck_assert_ok(invoke_frame_split_mapping(tail, 3, last));
    assert_record(last, slot + 5, 1, 6 * PAGE);
    ck_assert_err(invoke_vnode_unmap(leaf, frame, slot, 6), SYS_ERR_VM_RANGE_MISMATCH);
    ck_assert_ok(invoke_vnode_unmap(leaf, tail, slot + 2, 3));
    ck_assert(walk_translate(root_base(), VA + PAGE).present);
    ck_assert(!walk_translate(root_base(), VA + 2 * PAGE).present);
    ck_assert(!walk_translate(root_base(), VA + 4 * PAGE).present);
    ck_assert(walk_translate(root_base(), VA + 5 * PAGE).present);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, frame));
    ck_assert(!walk_translate(root_base(), VA).present);
    ck_assert(walk_translate(root_base(), VA + 5 * PAGE).present);
    ck_assert_ok(invoke_frame_modify_flags(last, 0, 1, VREGION_FLAGS_READ, 0));
    ck_assert(!walk_translate(root_base(), VA + 5 * PAGE).writable);
}
END_TEST

/* Large pages split the same way, by whole entries. */
START_TEST(a_run_of_large_pages_splits_by_entries)
{
    int level = LEAF - 1;
    gensize_t bytes = fmt.span_bytes[level];
    uint64_t vaddr = 16 * bytes;
    capaddr_t frame = new_aligned_object(ObjType_Frame, 3 * bytes, bytes);
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, level), slot_of(vaddr, level), frame,
                                  VREGION_FLAGS_READ, 0, 3));
    capaddr_t copy = copy_of(frame, 0);
    ck_assert_ok(invoke_frame_split_mapping(frame, 1, copy));
    assert_record(copy, slot_of(vaddr, level) + 1, 2, bytes);
    struct walk_result w = walk_translate(root_base(), vaddr + 2 * bytes + 8);
    ck_assert(w.present && w.page_bytes == bytes);
    ck_assert_uint_eq(w.paddr, identify(frame).base + 2 * bytes + 8);
}
END_TEST

/* Every refusal names its reason and leaves both records and the entries as they were. */
START_TEST(split_refusals_change_nothing)
{
    capaddr_t frame = mapped_run();
    capaddr_t unmapped = copy_of(frame, 0);
    capaddr_t read_only = copy_of(frame, CAPRIGHTS_READ);
    capaddr_t mapped_too = copy_of(frame, 0);
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF) + 10, mapped_too,
                                  VREGION_FLAGS_READ, 0, 1));
    capaddr_t other = new_object(ObjType_Frame, 8 * PAGE);
    struct table_snapshot snap;
    snapshot_take(table_for(VA, LEAF), &snap);
    ck_assert_err(invoke_frame_split_mapping(unmapped, 1, copy_of(frame, 0)),
                  SYS_ERR_VM_NOT_MAPPED);
    ck_assert_err(invoke_frame_split_mapping(frame, 0, unmapped), SYS_ERR_VM_BEYOND_MAPPING);
    ck_assert_err(invoke_frame_split_mapping(frame, 6, unmapped), SYS_ERR_VM_BEYOND_MAPPING);
    ck_assert_err(invoke_frame_split_mapping(frame, UINT32_MAX + 2ull, unmapped),
                  SYS_ERR_VM_BEYOND_MAPPING);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, other), SYS_ERR_VM_SPLIT_NOT_A_COPY);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, RAM_CAP), SYS_ERR_VM_SPLIT_NOT_A_COPY);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, read_only), SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, mapped_too), SYS_ERR_VM_ALREADY_MAPPED);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, frame), SYS_ERR_VM_ALREADY_MAPPED);
    ck_assert_err(invoke_frame_split_mapping(frame, 1, WORK_SLOT(250)), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_frame_split_mapping(table_for(VA, LEAF), 1, unmapped),
                  SYS_ERR_ILLEGAL_INVOCATION);
    ck_assert_err(invoke_frame_split_mapping(RAM_CAP, 1, unmapped), SYS_ERR_ILLEGAL_INVOCATION);
    ck_assert(snapshot_unchanged(&snap));
    assert_record(frame, slot_of(VA, LEAF), 6, PAGE);
    assert_record(mapped_too, slot_of(VA, LEAF) + 10, 1, 0);
    assert_unmapped(unmapped);
    assert_unmapped(read_only);
    /* A copy with more rights than the mapped one may take its entries. */
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 6, VREGION_FLAGS_READ, 0));
    capaddr_t narrow = copy_of(frame, CAPRIGHTS_READ);
    ck_assert_ok(invoke_vnode_unmap(table_for(VA, LEAF), frame, slot_of(VA, LEAF), 6));
    ck_assert_ok(
        invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), narrow, VREGION_FLAGS_READ, 0, 4));
    ck_assert_ok(invoke_frame_split_mapping(narrow, 1, unmapped));
    assert_record(unmapped, slot_of(VA, LEAF) + 1, 3, PAGE);
}
END_TEST

Suite *split_mapping_suite(void)
{
    Suite *s = suite_create("split mapping");
    TCase *tc = paging_tcase(s, "split");
    tcase_add_test(tc, a_split_changes_no_entry_and_gives_the_tail_to_the_copy);
    tcase_add_test(tc, each_part_goes_on_its_own);
    tcase_add_test(tc, a_run_of_large_pages_splits_by_entries);
    tcase_add_test(tc, split_refusals_change_nothing);
    return s;
}
