/* Deleting and revoking capabilities that are mapped, or that are page tables with entries. */
#include "paging_support.h"
#include <mdb.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)

/* A frame of one page and a copy of it; the first is mapped at VA. */
static void map_frame_with_copy(capaddr_t *frame, capaddr_t *copy)
{
    *frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    *copy = new_slot();
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(*copy)),
                                   capaddr_l2_slot(*copy), *frame));
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), *frame,
                                  VREGION_FLAGS_READ_WRITE, 0, 1));
    ck_assert(walk_translate(root_base(), VA).present);
}

static bool flush_recorded_since(size_t before, uint64_t vaddr)
{
    for (size_t i = before; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        if (e->kind == HOST_TLB_FLUSH_ALL ||
            (e->kind == HOST_TLB_FLUSH_RANGE && e->addr <= vaddr && vaddr < e->addr + e->bytes)) {
            return true;
        }
    }
    return false;
}

START_TEST(deleting_the_mapped_copy_unmaps_and_flushes)
{
    capaddr_t frame, copy;
    map_frame_with_copy(&frame, &copy);
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, frame));
    ck_assert(!walk_translate(root_base(), VA).present);
    ck_assert(flush_recorded_since(before, VA));
    ck_assert(copy_is_unmapped(table_for(VA, LEAF), copy));
}
END_TEST

START_TEST(deleting_another_copy_keeps_the_mapping)
{
    capaddr_t frame, copy;
    map_frame_with_copy(&frame, &copy);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, copy));
    ck_assert(walk_translate(root_base(), VA).present);
    ck_assert(!copy_is_unmapped(table_for(VA, LEAF), frame));
}
END_TEST

START_TEST(revoking_the_ram_ancestor_removes_every_mapping_made_from_it)
{
    /* Tables come from init's RAM directly; the frames from a RAM child that is revoked. */
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t ram = new_object(ObjType_RAM, 64 * BASE_PAGE_BYTES);
    capaddr_t frames[4];
    for (int i = 0; i < 4; i++) {
        frames[i] = new_slot();
        ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, ram, (gensize_t)i * 4 * BASE_PAGE_BYTES,
                                         ObjType_Frame, 4 * BASE_PAGE_BYTES, 1,
                                         capaddr_l1_slot(capaddr_l1_index(frames[i])),
                                         capaddr_l2_slot(frames[i])));
        ck_assert_ok(
            invoke_vnode_map(leaf, slot_of(VA, LEAF) + 4 * i, frames[i], VREGION_FLAGS_READ, 0, 4));
    }
    ck_assert(walk_translate(root_base(), VA + 15 * BASE_PAGE_BYTES).present);
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, ram));
    for (uint64_t page = 0; page < 16; page++) {
        ck_assert(!walk_translate(root_base(), VA + page * BASE_PAGE_BYTES).present);
    }
    /* The memory is free again: a frame over all of it can be made and mapped. */
    capaddr_t again = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Frame, 64 * BASE_PAGE_BYTES, 1,
                                     capaddr_l1_slot(capaddr_l1_index(again)),
                                     capaddr_l2_slot(again)));
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), again, VREGION_FLAGS_READ, 0, 16));
}
END_TEST

/* Deletes every copy of a table. */
static void delete_table(capaddr_t table)
{
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, table));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, table));
}

START_TEST(deleting_a_table_with_entries_leaves_no_record_pointing_into_it)
{
    capaddr_t frame, copy;
    map_frame_with_copy(&frame, &copy);
    capaddr_t leaf = table_for(VA, LEAF);
    size_t boot_entries = mdb_count();
    delete_table(leaf);
    ck_assert_uint_eq(mdb_count(), boot_entries - 1);
    ck_assert(!walk_translate(root_base(), VA).present);
    /* The frame's record is gone with the table: it maps again into a new table. */
    capaddr_t leaf2 = new_object(fmt.table[LEAF], objtype_info[fmt.table[LEAF]].fixed_bytes);
    ck_assert_ok(invoke_vnode_map(leaf2, 0, frame, VREGION_FLAGS_READ, 0, 1));
    ck_assert_ok(invoke_vnode_unmap(leaf2, frame, 0, 1));
    ck_assert(copy_is_unmapped(leaf2, frame));
}
END_TEST

START_TEST(deleting_an_unmapped_table_records_no_flush)
{
    capaddr_t table = new_object(fmt.table[LEAF], objtype_info[fmt.table[LEAF]].fixed_bytes);
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_ok(invoke_vnode_map(table, 3, frame, VREGION_FLAGS_READ, 0, 1));
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_vnode_unmap(table, frame, 3, 1));
    for (size_t i = before; i < host_maintenance_count(); i++) {
        ck_assert_int_eq(host_maintenance_event(i)->kind, HOST_CACHE_CLEAN);
    }
    delete_table(table);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, frame));
}
END_TEST

START_TEST(tables_outlive_a_deleted_root_and_attach_to_a_new_one)
{
    capaddr_t frame, copy;
    map_frame_with_copy(&frame, &copy);
    capaddr_t below_root = table_for(VA, 1);
    delete_table(root_table);
    /* The record of the table below the root died with the root: it maps into a new root. */
    capaddr_t root2 = new_object(fmt.table[0], objtype_info[fmt.table[0]].fixed_bytes);
    ck_assert_ok(invoke_vnode_map(root2, slot_of(VA, 0), below_root, VREGION_FLAGS_READ, 0, 1));
    struct walk_result w = walk_translate(identify(root2).base, VA + 5);
    ck_assert(w.present);
    ck_assert_uint_eq(w.paddr, identify(frame).base + 5);
    ck_assert(mdb_check_invariants());
}
END_TEST

START_TEST(a_mapped_frame_inside_a_dying_cnode_is_unmapped)
{
    /* A CNode of its own at a free L1 slot, holding only the mapped frame. */
    const uint32_t l1 = 200;
    capaddr_t cnode_ram = new_object(ObjType_RAM, L2_CNODE_BYTES + BASE_PAGE_BYTES);
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, cnode_ram, 0, ObjType_L2CNode, L2_CNODE_BYTES,
                                     1, CAPADDR_ROOTCN, l1));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, cnode_ram, L2_CNODE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, capaddr_l1_slot(l1), 9));
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), capaddr_make(l1, 9),
                                  VREGION_FLAGS_READ, 0, 1));
    ck_assert(walk_translate(root_base(), VA).present);
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_l1_slot(l1)));
    ck_assert(!walk_translate(root_base(), VA).present);
    ck_assert(flush_recorded_since(before, VA));
    /* Nothing is left of the CNode or the frame: the RAM is whole again. */
    capaddr_t whole = new_slot();
    ck_assert_ok(invoke_cnode_retype(
        CAPADDR_ROOTCN, cnode_ram, 0, ObjType_Frame, L2_CNODE_BYTES + BASE_PAGE_BYTES, 1,
        capaddr_l1_slot(capaddr_l1_index(whole)), capaddr_l2_slot(whole)));
    ck_assert(mdb_check_invariants());
}
END_TEST

Suite *paging_delete_suite(void)
{
    Suite *s = suite_create("paging: delete and revoke");
    TCase *tc = paging_tcase(s, "delete and revoke");
    tcase_add_test(tc, deleting_the_mapped_copy_unmaps_and_flushes);
    tcase_add_test(tc, deleting_another_copy_keeps_the_mapping);
    tcase_add_test(tc, revoking_the_ram_ancestor_removes_every_mapping_made_from_it);
    tcase_add_test(tc, deleting_a_table_with_entries_leaves_no_record_pointing_into_it);
    tcase_add_test(tc, deleting_an_unmapped_table_records_no_flush);
    tcase_add_test(tc, tables_outlive_a_deleted_root_and_attach_to_a_new_one);
    tcase_add_test(tc, a_mapped_frame_inside_a_dying_cnode_is_unmapped);
    return s;
}
