/* Retype: every source/destination type pair, object placement, zeroing and each refusal. */
#include "paging_support.h"
#include <mdb.h>
#include <string.h>

#define MiB (1024ull * 1024)

/* The retype pairs the ABI allows, stated independently of the type table. */
static bool allowed(enum objtype src, enum objtype dst)
{
    switch (src) {
    case ObjType_PhysAddr: /* may be device memory: never RAM, so never kernel objects */
        return dst == ObjType_PhysAddr || dst == ObjType_DevFrame;
    case ObjType_RAM:
        return dst == ObjType_RAM || dst == ObjType_Frame || dst == ObjType_L1CNode ||
               dst == ObjType_L2CNode || objtype_is_vnode(dst) || dst == ObjType_Dispatcher;
    case ObjType_Frame:
    case ObjType_DevFrame:
        return dst == src;
    case ObjType_Dispatcher:
        return dst == ObjType_Endpoint;
    default:
        return false;
    }
}

static gensize_t smallest_bytes(enum objtype type)
{
    const struct objtype_info *info = &objtype_info[type];
    return info->fixed_bytes != 0 ? info->fixed_bytes : info->granule_bytes;
}

/*
 * The page-table types this target creates, stated apart from the kernel: the tables of the
 * format whose walker the build chose (paging_support.c); every other page-table type belongs to
 * the other architecture.
 */
static bool native_vnode[ObjType_Num];

static void expect_native_vnodes(void)
{
    paging_learn_format();
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        native_vnode[t] = false;
    }
    for (int level = 0; level < fmt.levels; level++) {
        native_vnode[fmt.table[level]] = true;
    }
}

START_TEST(exactly_one_architectures_page_tables_can_be_created)
{
    expect_native_vnodes();
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        if (!objtype_is_vnode(t)) {
            continue;
        }
        errval_t err = retype_from_ram(0, t, smallest_bytes(t), 1, 0);
        enum err_code want = native_vnode[t] ? SYS_ERR_OK : SYS_ERR_VNODE_TYPE_UNSUPPORTED;
        ck_assert_msg(err_no(err) == want, "%s: expected %s, got %s", objtype_name(t),
                      err_getcode(want), err_getcode(err));
        if (err_is_ok(err)) {
            ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
        }
    }
}
END_TEST

/*
 * Makes a source capability of type src in WORK_SLOT(100); false only for the types no
 * capability can have here (Null, the other architecture's tables). A failed set-up fails.
 */
static bool make_source(enum objtype src)
{
    const cslot_t slot = 100;
    const gensize_t at = 16 * MiB;
    switch (src) {
    case ObjType_PhysAddr:
        ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, slot, PHYSADDR_CAP));
        return true;
    case ObjType_RAM:
        ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, slot, RAM_CAP));
        return true;
    case ObjType_DevFrame:
        ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, 0, ObjType_DevFrame,
                                         64 * 1024, 1, WORK_CNODE, slot));
        return true;
    case ObjType_Endpoint: /* from a Dispatcher, the one type it comes from */
        ck_assert_ok(retype_from_ram(at, ObjType_Dispatcher, DISPATCHER_BYTES, 1, slot + 1));
        ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(slot + 1), 0, ObjType_Endpoint,
                                         DISPATCHER_BYTES, 1, WORK_CNODE, slot));
        return true;
    case ObjType_Null:
        return false;
    default:
        if (objtype_is_vnode(src) && !native_vnode[src]) {
            return false;
        }
        gensize_t bytes = src == ObjType_Frame ? 64 * 1024 : smallest_bytes(src);
        ck_assert_ok(retype_from_ram(at, src, bytes, 1, slot));
        return true;
    }
}

static enum err_code expected_result(enum objtype src, uint64_t dst)
{
    if (dst == ObjType_Null || dst >= ObjType_Num) {
        return SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!allowed(src, (enum objtype)dst)) {
        return SYS_ERR_RETYPE_FORBIDDEN;
    }
    if (objtype_is_vnode((enum objtype)dst) && !native_vnode[dst]) {
        return SYS_ERR_VNODE_TYPE_UNSUPPORTED;
    }
    return SYS_ERR_OK;
}

START_TEST(the_full_source_destination_matrix)
{
    expect_native_vnodes();
    const capaddr_t src = WORK_SLOT(100);
    const gensize_t at = 32 * MiB; /* away from the source objects made from RAM */
    int rows = 0, foreign = 0;
    for (enum objtype s = 0; s < ObjType_Num; s++) {
        foreign += objtype_is_vnode(s) && !native_vnode[s];
        if (!make_source(s)) {
            continue;
        }
        rows++;
        gensize_t offset = s == ObjType_RAM ? at : 0;
        for (uint64_t d = 0; d <= ObjType_Num; d++) {
            gensize_t bytes = d < ObjType_Num ? smallest_bytes((enum objtype)d) : BASE_PAGE_BYTES;
            errval_t err = invoke_cnode_retype(CAPADDR_ROOTCN, src, offset, (enum objtype)d, bytes,
                                               1, WORK_CNODE, 0);
            enum err_code want = expected_result(s, d);
            ck_assert_msg(err_no(err) == want, "%s -> %s: expected %s, got %s", objtype_name(s),
                          objtype_name((enum objtype)d), err_getcode(want), err_getcode(err));
            if (err_is_ok(err)) {
                struct cap_identity id = identify(WORK_SLOT(0));
                ck_assert_int_eq(id.type, d);
                ck_assert_uint_eq(id.bytes, bytes);
                ck_assert_uint_eq(id.base, identify(src).base + offset);
                ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(0)));
            } else {
                ck_assert(slot_is_empty(WORK_SLOT(0)));
            }
        }
        ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, RAM_CAP));
        ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, PHYSADDR_CAP));
        ck_assert(slot_is_empty(src));
    }
    ck_assert_int_eq(rows, ObjType_Num - 1 - foreign); /* every type but Null and foreign tables */
}
END_TEST

START_TEST(objects_are_placed_back_to_back_from_the_offset)
{
    const gensize_t offset = 5 * BASE_PAGE_BYTES;
    ck_assert_ok(retype_from_ram(offset, ObjType_Frame, 2 * BASE_PAGE_BYTES, 3, 10));
    genpaddr_t ram_base = identify(RAM_CAP).base;
    for (cslot_t i = 0; i < 3; i++) {
        struct cap_identity id = identify(WORK_SLOT(10 + i));
        ck_assert_int_eq(id.type, ObjType_Frame);
        ck_assert_uint_eq(id.base, ram_base + offset + i * 2 * BASE_PAGE_BYTES);
        ck_assert_uint_eq(id.bytes, 2 * BASE_PAGE_BYTES);
    }
    ck_assert(slot_is_empty(WORK_SLOT(13)));
}
END_TEST

static void assert_zero(const uint8_t *mem, gensize_t bytes)
{
    for (gensize_t i = 0; i < bytes; i++) {
        ck_assert_msg(mem[i] == 0, "byte %llu is 0x%x", (unsigned long long)i, mem[i]);
    }
}

START_TEST(new_frames_cnodes_and_page_tables_are_zeroed)
{
    expect_native_vnodes();
    genpaddr_t base = identify(RAM_CAP).base;
    uint8_t *mem = host_machine_phys_ptr(base);
    const gensize_t table_area = 2 * L2_CNODE_BYTES;
    memset(mem, 0xa5, 4 * L2_CNODE_BYTES);

    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    assert_zero(mem, BASE_PAGE_BYTES);
    ck_assert_uint_eq(mem[BASE_PAGE_BYTES], 0xa5);
    ck_assert_ok(retype_from_ram(L2_CNODE_BYTES, ObjType_L2CNode, L2_CNODE_BYTES, 1, 1));
    assert_zero(mem + L2_CNODE_BYTES, L2_CNODE_BYTES);

    cslot_t slot = 2;
    gensize_t offset = table_area;
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        if (native_vnode[t]) {
            gensize_t bytes = objtype_info[t].fixed_bytes;
            ck_assert_ok(retype_from_ram(offset, t, bytes, 1, slot++));
            assert_zero(mem + offset, bytes);
            offset += 16 * 1024;
        }
    }
}
END_TEST

START_TEST(ram_and_device_frames_keep_their_contents)
{
    genpaddr_t base = identify(RAM_CAP).base;
    uint8_t *mem = host_machine_phys_ptr(base);
    memset(mem, 0x5a, BASE_PAGE_BYTES);
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, BASE_PAGE_BYTES, 1, 0));
    ck_assert_uint_eq(mem[0], 0x5a);
    ck_assert_uint_eq(mem[BASE_PAGE_BYTES - 1], 0x5a);

    uint8_t *dev = host_machine_phys_ptr(host_machine_device_base());
    dev[0] = 0x77;
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, 0, ObjType_DevFrame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 1));
    ck_assert_uint_eq(dev[0], 0x77);
}
END_TEST

START_TEST(l1_cnodes_come_in_multiples_of_an_l2_cnode)
{
    ck_assert_ok(retype_from_ram(0, ObjType_L1CNode, 2 * L2_CNODE_BYTES, 1, 0));
    ck_assert_uint_eq(identify(WORK_SLOT(0)).bytes, 2 * L2_CNODE_BYTES);
    ck_assert_err(retype_from_ram(4 * L2_CNODE_BYTES, ObjType_L1CNode, L2_CNODE_BYTES / 2, 1, 1),
                  SYS_ERR_RETYPE_INVALID_SIZE);
}
END_TEST

/* New objects carry the source's rights, and grant: their maker may revoke what it makes of them.
   (An object equal to its source would be a copy gaining grant: refused.) */
START_TEST(new_objects_inherit_the_source_rights)
{
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 50, RAM_CAP, CAPRIGHTS_READ_WRITE));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(50), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 0));
    ck_assert_uint_eq(identify(WORK_SLOT(0)).rights, CAPRIGHTS_READ_WRITE | CAPRIGHTS_GRANT);
    ck_assert_ok(
        invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 51, WORK_SLOT(0), CAPRIGHTS_READ_WRITE));
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(51), 0, ObjType_Frame,
                                      BASE_PAGE_BYTES, 1, WORK_CNODE, 52),
                  SYS_ERR_RETYPE_WOULD_COPY);
}
END_TEST

/* Every new object is checked for overlap, not only the first: here only the third overlaps. */
START_TEST(the_overlap_check_covers_every_new_object)
{
    ck_assert_ok(retype_from_ram(2 * BASE_PAGE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_err(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 3, 1), SYS_ERR_RETYPE_OVERLAP);
    ck_assert(slot_is_empty(WORK_SLOT(1)) && slot_is_empty(WORK_SLOT(2)) &&
              slot_is_empty(WORK_SLOT(3)));
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 2, 1));
}
END_TEST

/* Retype zeroes what it makes: through a copy without write it would destroy the owner's data. */
START_TEST(retype_needs_the_write_right_and_leaves_the_data)
{
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_Frame, 2 * BASE_PAGE_BYTES,
                                     1, WORK_CNODE, 0));
    struct cap_identity frame = identify(WORK_SLOT(0));
    uint8_t *bytes = host_machine_phys_ptr(frame.base);
    bytes[BASE_PAGE_BYTES] = 0x5a;
    const caprights_t weak[] = {CAPRIGHTS_READ, 0, CAPRIGHTS_READ | CAPRIGHTS_EXECUTE};
    for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
        ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 10 + i, WORK_SLOT(0), weak[i]));
        ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(10 + i), BASE_PAGE_BYTES,
                                          ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 1),
                      SYS_ERR_RETYPE_NEEDS_WRITE);
        ck_assert(slot_is_empty(WORK_SLOT(1)));
    }
    ck_assert_uint_eq(bytes[BASE_PAGE_BYTES], 0x5a);
}
END_TEST

/* Each refusal: the exact error, and nothing created anywhere. */
static void assert_refused(errval_t err, enum err_code expected)
{
    size_t before = mdb_count();
    ck_assert_err(err, expected);
    ck_assert_uint_eq(mdb_count(), before);
    for (cslot_t slot = 0; slot < 16; slot++) {
        ck_assert(slot_is_empty(WORK_SLOT(slot)));
    }
    ck_assert(ram_has_no_descendants());
}

START_TEST(refuses_unknown_and_null_types)
{
    assert_refused(retype_from_ram(0, ObjType_Num, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_refused(retype_from_ram(0, (enum objtype)1000, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_ILLEGAL_DEST_TYPE);
    assert_refused(retype_from_ram(0, ObjType_Null, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_ILLEGAL_DEST_TYPE);
}
END_TEST

START_TEST(refuses_forbidden_pairs)
{
    assert_refused(retype_from_ram(0, ObjType_PhysAddr, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_FORBIDDEN);
    assert_refused(retype_from_ram(0, ObjType_DevFrame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_FORBIDDEN);
}
END_TEST

START_TEST(refuses_zero_count)
{
    assert_refused(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 0, 0),
                   SYS_ERR_RETYPE_INVALID_COUNT);
}
END_TEST

START_TEST(refuses_sizes_the_type_does_not_have)
{
    assert_refused(retype_from_ram(0, ObjType_Frame, 0, 1, 0), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_refused(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES + 1, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE);
    assert_refused(retype_from_ram(0, ObjType_RAM, 100, 1, 0), SYS_ERR_RETYPE_INVALID_SIZE);
    assert_refused(retype_from_ram(0, ObjType_L2CNode, 2 * L2_CNODE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE);
    expect_native_vnodes();
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        if (native_vnode[t]) {
            assert_refused(retype_from_ram(0, t, 2 * objtype_info[t].fixed_bytes, 1, 0),
                           SYS_ERR_RETYPE_INVALID_SIZE);
        }
    }
}
END_TEST

START_TEST(refuses_misaligned_offsets)
{
    assert_refused(retype_from_ram(BASE_PAGE_BYTES / 2, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_MISALIGNED);
    assert_refused(retype_from_ram(100, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_MISALIGNED);
}
END_TEST

START_TEST(refuses_ranges_beyond_the_source)
{
    gensize_t ram_bytes = identify(RAM_CAP).bytes;
    assert_refused(retype_from_ram(ram_bytes, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_OUT_OF_BOUNDS);
    assert_refused(
        retype_from_ram(ram_bytes - BASE_PAGE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 2, 0),
        SYS_ERR_RETYPE_OUT_OF_BOUNDS);
    assert_refused(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, (size_t)1 << 40, 0),
                   SYS_ERR_RETYPE_OUT_OF_BOUNDS);
    /* An offset that would wrap the physical address space. */
    assert_refused(
        retype_from_ram(~(gensize_t)0 - BASE_PAGE_BYTES + 1, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
        SYS_ERR_RETYPE_OUT_OF_BOUNDS);
}
END_TEST

START_TEST(refuses_overlap_with_live_descendants)
{
    ck_assert_ok(retype_from_ram(4 * BASE_PAGE_BYTES, ObjType_Frame, 4 * BASE_PAGE_BYTES, 1, 20));
    size_t before = mdb_count();
    /* Ending inside, starting inside, covering, and exactly equal. */
    ck_assert_err(retype_from_ram(0, ObjType_Frame, 5 * BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    ck_assert_err(retype_from_ram(7 * BASE_PAGE_BYTES, ObjType_Frame, 4 * BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    ck_assert_err(retype_from_ram(0, ObjType_Frame, 16 * BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    ck_assert_err(retype_from_ram(4 * BASE_PAGE_BYTES, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    ck_assert_uint_eq(mdb_count(), before);
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    /* Neighbours on both sides are fine. */
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, 4 * BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(retype_from_ram(8 * BASE_PAGE_BYTES, ObjType_Frame, 4 * BASE_PAGE_BYTES, 1, 1));
}
END_TEST

START_TEST(overlap_counts_grandchildren_and_children_of_copies)
{
    /* RAM child R1 at [64K, 128K); a frame inside R1 made through a copy of R1. */
    ck_assert_ok(retype_from_ram(64 * 1024, ObjType_RAM, 64 * 1024, 1, 30));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 31, WORK_SLOT(30)));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(31), 32 * 1024, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 32));
    /* From the original R1, over the frame only. */
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(30), 32 * 1024, ObjType_Frame,
                                      BASE_PAGE_BYTES, 1, WORK_CNODE, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    /* From the top RAM, over a part of R1 that holds nothing but R1 itself. */
    ck_assert_err(retype_from_ram(64 * 1024, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    /* Within R1, beside the frame. */
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(30), 0, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, WORK_CNODE, 0));
}
END_TEST

START_TEST(refuses_a_retype_that_would_only_copy)
{
    ck_assert_ok(retype_from_ram(0, ObjType_RAM, 16 * BASE_PAGE_BYTES, 1, 40));
    size_t before = mdb_count();
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(40), 0, ObjType_RAM,
                                      16 * BASE_PAGE_BYTES, 1, WORK_CNODE, 0),
                  SYS_ERR_RETYPE_WOULD_COPY);
    ck_assert_uint_eq(mdb_count(), before);
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(40), 0, ObjType_Frame,
                                     16 * BASE_PAGE_BYTES, 1, WORK_CNODE, 0));
}
END_TEST

START_TEST(refuses_occupied_destinations_and_creates_none)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 5));
    size_t before = mdb_count();
    ck_assert_err(retype_from_ram(BASE_PAGE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 8, 0),
                  SYS_ERR_SLOT_IN_USE);
    ck_assert_uint_eq(mdb_count(), before);
    for (cslot_t slot = 0; slot < 8; slot++) {
        ck_assert(slot == 5 || slot_is_empty(WORK_SLOT(slot)));
    }
}
END_TEST

START_TEST(refuses_a_source_that_is_empty)
{
    assert_refused(invoke_cnode_retype(CAPADDR_ROOTCN, WORK_SLOT(99), 0, ObjType_Frame,
                                       BASE_PAGE_BYTES, 1, WORK_CNODE, 0),
                   SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

Suite *retype_suite(void)
{
    Suite *s = suite_create("retype");
    TCase *types = fixture_tcase(s, "types");
    tcase_add_test(types, exactly_one_architectures_page_tables_can_be_created);
    tcase_add_test(types, the_full_source_destination_matrix);
    tcase_add_test(types, objects_are_placed_back_to_back_from_the_offset);
    tcase_add_test(types, new_frames_cnodes_and_page_tables_are_zeroed);
    tcase_add_test(types, ram_and_device_frames_keep_their_contents);
    tcase_add_test(types, l1_cnodes_come_in_multiples_of_an_l2_cnode);
    tcase_add_test(types, new_objects_inherit_the_source_rights);
    tcase_add_test(types, retype_needs_the_write_right_and_leaves_the_data);
    tcase_add_test(types, the_overlap_check_covers_every_new_object);

    TCase *refusals = fixture_tcase(s, "refusals");
    tcase_add_test(refusals, refuses_unknown_and_null_types);
    tcase_add_test(refusals, refuses_forbidden_pairs);
    tcase_add_test(refusals, refuses_zero_count);
    tcase_add_test(refusals, refuses_sizes_the_type_does_not_have);
    tcase_add_test(refusals, refuses_misaligned_offsets);
    tcase_add_test(refusals, refuses_ranges_beyond_the_source);
    tcase_add_test(refusals, refuses_overlap_with_live_descendants);
    tcase_add_test(refusals, overlap_counts_grandchildren_and_children_of_copies);
    tcase_add_test(refusals, refuses_a_retype_that_would_only_copy);
    tcase_add_test(refusals, refuses_occupied_destinations_and_creates_none);
    tcase_add_test(refusals, refuses_a_source_that_is_empty);
    return s;
}
