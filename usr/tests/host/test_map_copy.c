/* CMD_VNODE_MAP_COPY: a copy of the source made and mapped in one call, or neither. */
#include "paging_support.h"
#include <mdb.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)
#define PAGE BASE_PAGE_BYTES

static errval_t map_copy_through(capaddr_t root, capaddr_t table, cslot_t slot, capaddr_t src,
                                 vregion_flags_t flags, gensize_t offset_bytes, size_t pte_count,
                                 capaddr_t dest)
{
    return invoke_vnode_map_copy(table, slot, src, flags, offset_bytes, pte_count, root,
                                 capaddr_l1_slot(capaddr_l1_index(dest)), capaddr_l2_slot(dest));
}

static errval_t map_copy(capaddr_t table, cslot_t slot, capaddr_t src, vregion_flags_t flags,
                         gensize_t offset_bytes, size_t pte_count, capaddr_t dest)
{
    return map_copy_through(CAPADDR_ROOTCN, table, slot, src, flags, offset_bytes, pte_count, dest);
}

/* A copy of src with the given rights, in a fresh slot. */
static capaddr_t mint(capaddr_t src, caprights_t rights)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(slot)),
                                   capaddr_l2_slot(slot), src, rights));
    return slot;
}

START_TEST(map_copy_maps_a_new_copy_and_leaves_the_source_unmapped)
{
    capaddr_t frame = new_object(ObjType_Frame, 2 * PAGE);
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t dest = new_slot();
    size_t live = mdb_count();
    ck_assert_ok(map_copy(leaf, slot_of(VA, LEAF), frame, VREGION_FLAGS_READ_WRITE, PAGE, 1, dest));
    ck_assert_uint_eq(mdb_count(), live + 1);
    struct cap_identity a = identify(frame);
    struct cap_identity b = identify(dest);
    ck_assert(a.type == b.type && a.base == b.base && a.bytes == b.bytes && a.rights == b.rights);
    struct walk_result w = walk_translate(root_base(), VA + 8);
    ck_assert(w.present && w.writable);
    ck_assert_uint_eq(w.paddr, a.base + PAGE + 8);
    ck_assert(copy_is_unmapped(root_table, frame)); /* the copy holds the mapping, not frame */
    ck_assert_ok(invoke_vnode_unmap(leaf, dest, slot_of(VA, LEAF), 1));
    ck_assert(!walk_translate(root_base(), VA).present);
}
END_TEST

/* Deleting the copy takes its mapping down; the source stays. */
START_TEST(deleting_the_copy_unmaps_it)
{
    capaddr_t frame = new_object(ObjType_Frame, PAGE);
    capaddr_t dest = new_slot();
    ck_assert_ok(
        map_copy(table_for(VA, LEAF), slot_of(VA, LEAF), frame, VREGION_FLAGS_READ, 0, 1, dest));
    ck_assert(walk_translate(root_base(), VA).present);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, dest));
    ck_assert(!walk_translate(root_base(), VA).present);
    ck_assert_uint_eq(identify(frame).bytes, PAGE);
}
END_TEST

/* One refused MAP_COPY: what it asks, and the error it must get. */
struct refusal {
    const char *what;
    enum err_code expected;
    capaddr_t table;
    capaddr_t src;
    vregion_flags_t flags;
    gensize_t offset_bytes;
    capaddr_t dest;
    capaddr_t root; /* the L1 CNode COPY goes through */
};

enum refusal_case {
    R_ENTRY_PRESENT,
    R_OFFSET_BEYOND,
    R_RIGHTS_EXCEED,
    R_NOT_MAPPABLE,
    R_TABLE_READ_ONLY,
    R_SOURCE_EMPTY,
    R_DEST_IN_USE,
    R_ROOT_READ_ONLY,
    R_ROOT_NOT_A_CNODE,
    R_CASES
};

static struct refusal refusal_for(int c)
{
    capaddr_t leaf = table_for(VA, LEAF);
    struct refusal r = {.table = leaf,
                        .src = new_object(ObjType_Frame, 2 * PAGE),
                        .flags = VREGION_FLAGS_READ_WRITE,
                        .dest = new_slot(),
                        .root = CAPADDR_ROOTCN};
    switch ((enum refusal_case)c) {
    case R_ENTRY_PRESENT:
        r.what = "an entry is already present";
        r.expected = SYS_ERR_VM_ENTRY_PRESENT;
        ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), new_object(ObjType_Frame, PAGE),
                                      VREGION_FLAGS_READ, 0, 1));
        break;
    case R_OFFSET_BEYOND:
        r.what = "the offset lies beyond the frame";
        r.expected = SYS_ERR_VM_MAP_OFFSET_INVALID;
        r.offset_bytes = 2 * PAGE;
        break;
    case R_RIGHTS_EXCEED:
        r.what = "writable pages of a read-only frame";
        r.expected = SYS_ERR_VM_RIGHTS_EXCEED;
        r.src = mint(r.src, CAPRIGHTS_READ);
        break;
    case R_NOT_MAPPABLE:
        r.what = "RAM is not mappable";
        r.expected = SYS_ERR_VM_MAP_NOT_MAPPABLE;
        r.src = new_object(ObjType_RAM, PAGE);
        break;
    case R_TABLE_READ_ONLY:
        r.what = "a read-only table";
        r.expected = SYS_ERR_VNODE_NOT_WRITABLE;
        r.table = mint(leaf, CAPRIGHTS_READ);
        break;
    case R_SOURCE_EMPTY:
        r.what = "an empty source slot";
        r.expected = SYS_ERR_CAP_NOT_FOUND;
        r.src = new_slot();
        break;
    case R_DEST_IN_USE:
        r.what = "the copy's slot is taken";
        r.expected = SYS_ERR_SLOT_IN_USE;
        r.dest = new_object(ObjType_Frame, PAGE);
        break;
    case R_ROOT_READ_ONLY: /* COPY through a read-only root is refused: so is MAP_COPY */
        r.what = "the copy goes through a read-only root";
        r.expected = SYS_ERR_CNODE_NOT_WRITABLE;
        r.root = mint(CAPADDR_ROOTCN, CAPRIGHTS_READ);
        break;
    case R_ROOT_NOT_A_CNODE:
        r.what = "the root is no L1 CNode";
        r.expected = SYS_ERR_ILLEGAL_INVOCATION;
        r.root = new_object(ObjType_Frame, PAGE);
        break;
    default:
        ck_abort();
    }
    return r;
}

/* Each refusal leaves the slot as it was (empty, or its capability untouched), the number of
   capabilities and the table's entries unchanged, and the source unmapped. */
START_TEST(a_refused_map_copy_leaves_nothing_behind)
{
    struct refusal r = refusal_for(_i);
    bool dest_was_empty = slot_is_empty(r.dest);
    struct cap_identity dest_before = {0};
    if (!dest_was_empty) {
        dest_before = identify(r.dest);
    }
    struct table_snapshot snap;
    snapshot_take(table_for(VA, LEAF), &snap);
    size_t live = mdb_count();
    errval_t err = map_copy_through(r.root, r.table, slot_of(VA, LEAF), r.src, r.flags,
                                    r.offset_bytes, 1, r.dest);
    ck_assert_msg(err_no(err) == r.expected, "%s: expected %s, got %s", r.what,
                  err_getcode(r.expected), err_getcode(err));
    ck_assert_msg(mdb_count() == live, "%s: %zu capabilities, %zu before", r.what, mdb_count(),
                  live);
    ck_assert_msg(snapshot_unchanged(&snap), "%s: the table changed", r.what);
    if (dest_was_empty) {
        ck_assert_msg(slot_is_empty(r.dest), "%s: the copy stayed", r.what);
    } else {
        struct cap_identity now = identify(r.dest);
        ck_assert(now.type == dest_before.type && now.base == dest_before.base);
        ck_assert(copy_is_unmapped(root_table, r.dest));
    }
    if (r.expected != SYS_ERR_CAP_NOT_FOUND) {
        ck_assert_msg(copy_is_unmapped(root_table, r.src), "%s: the source got mapped", r.what);
    }
}
END_TEST

Suite *map_copy_suite(void)
{
    Suite *s = suite_create("paging: map_copy");
    TCase *tc = paging_tcase(s, "map_copy");
    tcase_add_test(tc, map_copy_maps_a_new_copy_and_leaves_the_source_unmapped);
    tcase_add_test(tc, deleting_the_copy_unmaps_it);
    tcase_add_loop_test(tc, a_refused_map_copy_leaves_nothing_behind, 0, R_CASES);
    return s;
}
