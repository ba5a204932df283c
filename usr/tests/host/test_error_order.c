/* The order of each invocation's refusals, as doc/capabilities.md and doc/paging.md state it. */
#include "paging_support.h"

/*
 * Each row asks for something wrong in two ways at once; the invocation
 * must name the one its documented order checks first. The set-up makes
 * WORK_SLOT(0) a 4-page frame, WORK_SLOT(1) a read-only copy of it,
 * WORK_SLOT(2) a read-only copy of the root CNode, and WORK_SLOT(3) a RAM
 * piece, WORK_SLOT(4) a leaf page table and WORK_SLOT(5) a read-only copy of
 * it, WORK_SLOT(6) a dispatcher and WORK_SLOT(7) a read-only copy of it, WORK_SLOT(8) a root
 * table; WORK_SLOT(200) stays empty.
 */
#define FRAME WORK_SLOT(0)
#define FRAME_RO WORK_SLOT(1)
#define ROOT_RO WORK_SLOT(2)
#define RAM_PIECE WORK_SLOT(3)
#define TABLE WORK_SLOT(4)
#define TABLE_RO WORK_SLOT(5)
#define DISP WORK_SLOT(6)
#define DISP_RO WORK_SLOT(7)
#define VROOT WORK_SLOT(8)
#define EMPTY WORK_SLOT(200)

static void order_setup(void)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, 4 * BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 1, FRAME, CAPRIGHTS_READ));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 2, CAPADDR_ROOTCN, CAPRIGHTS_READ));
    ck_assert_ok(retype_from_ram(64 * BASE_PAGE_BYTES, ObjType_RAM, 16 * BASE_PAGE_BYTES, 1, 3));
    enum objtype leaf = fmt.table[fmt.levels - 1];
    ck_assert_ok(
        retype_from_ram(128 * BASE_PAGE_BYTES, leaf, objtype_info[leaf].fixed_bytes, 1, 4));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 5, TABLE, CAPRIGHTS_READ));
    ck_assert_ok(
        retype_from_ram(256 * BASE_PAGE_BYTES, ObjType_Dispatcher, DISPATCHER_BYTES, 1, 6));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 7, DISP, CAPRIGHTS_READ));
    enum objtype root = fmt.table[0];
    ck_assert_ok(
        retype_from_ram(192 * BASE_PAGE_BYTES, root, objtype_info[root].fixed_bytes, 1, 8));
}

static errval_t retype(capaddr_t root, capaddr_t src, gensize_t offset, uint64_t type,
                       gensize_t bytes, uint64_t count, capaddr_t cnode, cslot_t slot)
{
    return invoke_cnode_retype(root, src, offset, (enum objtype)type, bytes, count, cnode, slot);
}

static errval_t root_ro_and_src_empty(void)
{
    return retype(ROOT_RO, EMPTY, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 100);
}
static errval_t src_empty_and_dest_not_cnode(void)
{
    return retype(CAPADDR_ROOTCN, EMPTY, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, FRAME, 0);
}
static errval_t src_read_only_and_type_illegal(void)
{
    return retype(CAPADDR_ROOTCN, FRAME_RO, 0, ObjType_Num + 3, BASE_PAGE_BYTES, 1, WORK_CNODE,
                  100);
}
static errval_t type_illegal_and_count_zero(void)
{
    return retype(CAPADDR_ROOTCN, RAM_PIECE, 0, ObjType_Null, BASE_PAGE_BYTES, 0, WORK_CNODE, 100);
}
static errval_t forbidden_and_count_zero(void)
{
    return retype(CAPADDR_ROOTCN, FRAME, 0, ObjType_L2CNode, L2_CNODE_BYTES, 0, WORK_CNODE, 100);
}
static errval_t count_zero_and_size_bad(void)
{
    return retype(CAPADDR_ROOTCN, RAM_PIECE, 0, ObjType_Frame, 100, 0, WORK_CNODE, 100);
}
static errval_t size_bad_and_out_of_bounds(void)
{
    return retype(CAPADDR_ROOTCN, RAM_PIECE, 1ull << 40, ObjType_Frame, 100, 1, WORK_CNODE, 100);
}
static errval_t out_of_bounds_and_misaligned(void)
{
    return retype(CAPADDR_ROOTCN, RAM_PIECE, 1ull << 40, ObjType_L2CNode, L2_CNODE_BYTES, 1,
                  WORK_CNODE, 100);
}
static errval_t misaligned_and_overlapping(void)
{
    return retype(CAPADDR_ROOTCN, RAM_CAP, 100, ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 100);
}
static errval_t overlap_and_slot_in_use(void)
{
    return retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 0);
}
static errval_t dest_read_only_and_slot_in_use(void)
{
    return retype(CAPADDR_ROOTCN, RAM_PIECE, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, ROOT_RO,
                  ROOTCN_SLOT_TASKCN);
}
static errval_t copy_src_empty_and_slot_in_use(void)
{
    return invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 0, EMPTY);
}
static errval_t copy_slot_in_use_and_rights_bad(void)
{
    return invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 0, FRAME, 0x10);
}
static errval_t mint_rights_unknown_and_exceeding(void)
{
    return invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 100, FRAME_RO, 0x10 | CAPRIGHTS_WRITE);
}
static errval_t delete_root_ro_and_target_null(void)
{
    return invoke_cnode_delete(ROOT_RO, 0);
}
static errval_t delete_null_and_itself(void)
{
    return invoke_cnode_delete(CAPADDR_ROOTCN, 0);
}
static errval_t revoke_root_ro_and_target_without_grant(void)
{
    return invoke_cnode_revoke(ROOT_RO, FRAME_RO);
}
static errval_t map_src_empty_and_table_read_only(void)
{
    return invoke_vnode_map(TABLE_RO, 0, EMPTY, VREGION_FLAGS_READ, 0, 1);
}
static errval_t map_table_read_only_and_slot_bad(void)
{
    return invoke_vnode_map(TABLE_RO, 100000, FRAME, VREGION_FLAGS_READ, 0, 1);
}
static errval_t map_slot_bad_and_count_zero(void)
{
    return invoke_vnode_map(TABLE, 100000, FRAME, VREGION_FLAGS_READ, 0, 0);
}
static errval_t map_rights_and_range(void)
{
    return invoke_vnode_map(TABLE, 0, FRAME_RO, VREGION_FLAGS_READ_WRITE, 0, 100);
}

/* SETUP of a dispatcher with these capabilities and frame address, a good entry and stack. */
static errval_t setup(capaddr_t disp, capaddr_t cspace, capaddr_t vroot, capaddr_t frame,
                      uint64_t frame_vaddr)
{
    return invoke_dispatcher_setup(disp, cspace, vroot, frame, frame_vaddr, 0x401000, 0x7f0000);
}
static errval_t setup_read_only_and_set_up(void)
{
    ck_assert_ok(setup(DISP, CAPADDR_ROOTCN, VROOT, FRAME, 0x600000));
    return setup(DISP_RO, CAPADDR_ROOTCN, VROOT, FRAME, 0x600000);
}
static errval_t setup_set_up_and_cspace_empty(void)
{
    ck_assert_ok(setup(DISP, CAPADDR_ROOTCN, VROOT, FRAME, 0x600000));
    return setup(DISP, EMPTY, VROOT, FRAME, 0x600000);
}
static errval_t setup_cspace_empty_and_vroot_null(void)
{
    return setup(DISP, EMPTY, 0, FRAME, 0x600000);
}
static errval_t setup_vroot_empty_and_frame_null(void)
{
    return setup(DISP, CAPADDR_ROOTCN, EMPTY, 0, 0x600000);
}
static errval_t setup_cspace_type_and_frame_empty(void)
{
    return setup(DISP, FRAME, VROOT, EMPTY, 0x600000);
}
static errval_t setup_cspace_type_and_vroot_type(void)
{
    return setup(DISP, FRAME, TABLE, FRAME, 0x600000);
}
static errval_t setup_vroot_type_and_frame_read_only(void)
{
    return setup(DISP, CAPADDR_ROOTCN, TABLE, FRAME_RO, 0x600000);
}
static errval_t setup_frame_read_only_and_unaligned(void)
{
    return setup(DISP, CAPADDR_ROOTCN, VROOT, FRAME_RO, 0x600008);
}
static errval_t setup_frame_read_only_and_cspace_without_grant(void)
{
    return setup(DISP, ROOT_RO, VROOT, FRAME_RO, 0x600000);
}
static errval_t setup_cspace_without_grant_and_unaligned(void)
{
    return setup(DISP, ROOT_RO, VROOT, FRAME, 0x600008);
}
static errval_t run_read_only_and_not_set_up(void)
{
    return invoke_dispatcher_run(DISP_RO);
}
static errval_t stop_read_only_and_not_set_up(void)
{
    return invoke_dispatcher_stop(DISP_RO);
}

struct order_row {
    const char *name;
    errval_t (*call)(void);
    enum err_code first;
};

static errval_t identify_mapping_of_ram(void)
{
    struct cap_mapping m;
    return invoke_cap_identify_mapping(RAM_PIECE, &m);
}
static errval_t identify_mapping_of_nothing(void)
{
    struct cap_mapping m;
    return invoke_cap_identify_mapping(EMPTY, &m);
}

/* FRAME mapped in the loose leaf TABLE, for the split rows. */
static void map_frame(void)
{
    ck_assert_ok(invoke_vnode_map(TABLE, 0, FRAME, VREGION_FLAGS_READ, 0, 4));
}
static errval_t split_dest_empty_and_not_mapped(void)
{
    return invoke_frame_split_mapping(FRAME, 0, EMPTY);
}
static errval_t split_not_mapped_and_at_zero(void)
{
    return invoke_frame_split_mapping(FRAME, 0, RAM_PIECE);
}
static errval_t split_at_zero_and_not_a_copy(void)
{
    map_frame();
    return invoke_frame_split_mapping(FRAME, 0, RAM_PIECE);
}
static errval_t split_not_a_copy_and_rights(void)
{
    map_frame();
    return invoke_frame_split_mapping(FRAME, 1, TABLE_RO);
}
static errval_t split_rights_and_dest_mapped(void)
{
    map_frame();
    ck_assert_ok(invoke_vnode_map(TABLE, 8, FRAME_RO, VREGION_FLAGS_READ, 0, 1));
    return invoke_frame_split_mapping(FRAME, 1, FRAME_RO);
}

static const struct order_row order_rows[] = {
    {"retype: root read-only before src lookup", root_ro_and_src_empty, SYS_ERR_CNODE_NOT_WRITABLE},
    {"retype: src lookup before dest CNode", src_empty_and_dest_not_cnode, SYS_ERR_CAP_NOT_FOUND},
    {"retype: src write before type", src_read_only_and_type_illegal, SYS_ERR_RETYPE_NEEDS_WRITE},
    {"retype: type before count", type_illegal_and_count_zero, SYS_ERR_ILLEGAL_DEST_TYPE},
    {"retype: forbidden before count", forbidden_and_count_zero, SYS_ERR_RETYPE_FORBIDDEN},
    {"retype: count before size", count_zero_and_size_bad, SYS_ERR_RETYPE_INVALID_COUNT},
    {"retype: size before bounds", size_bad_and_out_of_bounds, SYS_ERR_RETYPE_INVALID_SIZE},
    {"retype: bounds before alignment", out_of_bounds_and_misaligned, SYS_ERR_RETYPE_OUT_OF_BOUNDS},
    {"retype: alignment before overlap", misaligned_and_overlapping, SYS_ERR_RETYPE_MISALIGNED},
    {"retype: overlap before slot", overlap_and_slot_in_use, SYS_ERR_RETYPE_OVERLAP},
    {"retype: dest write before slot", dest_read_only_and_slot_in_use, SYS_ERR_CNODE_NOT_WRITABLE},
    {"copy: src lookup before slot", copy_src_empty_and_slot_in_use, SYS_ERR_CAP_NOT_FOUND},
    {"mint: slot before rights", copy_slot_in_use_and_rights_bad, SYS_ERR_SLOT_IN_USE},
    {"mint: unknown rights before excess", mint_rights_unknown_and_exceeding,
     SYS_ERR_INVALID_RIGHTS},
    {"delete: root write before lookup", delete_root_ro_and_target_null,
     SYS_ERR_CNODE_NOT_WRITABLE},
    {"delete: the null address is no slot", delete_null_and_itself, SYS_ERR_CAPADDR_NULL},
    {"revoke: root write before grant", revoke_root_ro_and_target_without_grant,
     SYS_ERR_CNODE_NOT_WRITABLE},
    {"map: src lookup before table", map_src_empty_and_table_read_only, SYS_ERR_CAP_NOT_FOUND},
    {"map: table write before slot", map_table_read_only_and_slot_bad, SYS_ERR_VNODE_NOT_WRITABLE},
    {"map: slot before count", map_slot_bad_and_count_zero, SYS_ERR_VNODE_SLOT_INVALID},
    {"map: rights before size", map_rights_and_range, SYS_ERR_VM_RIGHTS_EXCEED},
    {"setup: write right before state", setup_read_only_and_set_up,
     SYS_ERR_DISPATCHER_NOT_WRITABLE},
    {"setup: state before lookups", setup_set_up_and_cspace_empty, SYS_ERR_DISPATCHER_SET_UP},
    {"setup: cspace lookup before vroot's", setup_cspace_empty_and_vroot_null,
     SYS_ERR_CAP_NOT_FOUND},
    {"setup: vroot lookup before frame's", setup_vroot_empty_and_frame_null, SYS_ERR_CAP_NOT_FOUND},
    {"setup: every lookup before types", setup_cspace_type_and_frame_empty, SYS_ERR_CAP_NOT_FOUND},
    {"setup: cspace type before vroot type", setup_cspace_type_and_vroot_type,
     SYS_ERR_DISPATCHER_CSPACE_TYPE},
    {"setup: vroot type before frame", setup_vroot_type_and_frame_read_only,
     SYS_ERR_DISPATCHER_VROOT_TYPE},
    {"setup: frame before addresses", setup_frame_read_only_and_unaligned,
     SYS_ERR_DISPATCHER_FRAME_INVALID},
    {"setup: frame before grant", setup_frame_read_only_and_cspace_without_grant,
     SYS_ERR_DISPATCHER_FRAME_INVALID},
    {"setup: grant before addresses", setup_cspace_without_grant_and_unaligned,
     SYS_ERR_DISPATCHER_NEEDS_GRANT},
    {"run: write right before state", run_read_only_and_not_set_up,
     SYS_ERR_DISPATCHER_NOT_WRITABLE},
    {"stop: write right before state", stop_read_only_and_not_set_up,
     SYS_ERR_DISPATCHER_NOT_WRITABLE},
    {"identify_mapping: type before mapping", identify_mapping_of_ram, SYS_ERR_ILLEGAL_INVOCATION},
    {"identify_mapping: lookup before type", identify_mapping_of_nothing, SYS_ERR_CAP_NOT_FOUND},
    {"split: dest lookup before mapping", split_dest_empty_and_not_mapped, SYS_ERR_CAP_NOT_FOUND},
    {"split: mapping before range", split_not_mapped_and_at_zero, SYS_ERR_VM_NOT_MAPPED},
    {"split: range before copy", split_at_zero_and_not_a_copy, SYS_ERR_VM_BEYOND_MAPPING},
    {"split: copy before rights", split_not_a_copy_and_rights, SYS_ERR_VM_SPLIT_NOT_A_COPY},
    {"split: rights before dest mapped", split_rights_and_dest_mapped, SYS_ERR_VM_RIGHTS_EXCEED},
};

START_TEST(each_invocation_names_its_first_refusal)
{
    order_setup();
    const struct order_row *row = &order_rows[_i];
    errval_t err = row->call();
    ck_assert_msg(err_no(err) == row->first, "%s: expected %s, got %s", row->name,
                  err_getcode(row->first), err_getcode(err));
}
END_TEST

Suite *error_order_suite(void)
{
    Suite *s = suite_create("error order");
    TCase *tc = paging_tcase(s, "two faults at once");
    tcase_add_loop_test(tc, each_invocation_names_its_first_refusal, 0,
                        (int)(sizeof(order_rows) / sizeof(order_rows[0])));
    return s;
}
