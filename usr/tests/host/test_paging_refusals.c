/* Every refused map, unmap and modify_flags: the exact error, and proof that nothing changed. */
#include "paging_support.h"

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)
#define LARGE (fmt.levels - 2) /* the level above the leaf: x86-64 2 MiB pages, ARMv7 sections */
#define UNKNOWN_FLAG (1u << 7)

/* One map request, spelled out so that a failure can name it. */
struct map_request {
    capaddr_t table;
    cslot_t slot;
    capaddr_t src;
    vregion_flags_t flags;
    gensize_t offset_bytes;
    size_t pte_count;
};

/* What a refused request must leave as it was: a table's entries and the maintenance log. */
struct watch {
    struct table_snapshot table;
    size_t maintenance;
};

static void watch_begin(struct watch *w, capaddr_t table)
{
    snapshot_take(table, &w->table);
    w->maintenance = host_maintenance_count();
}

static void watch_assert_unchanged(const struct watch *w)
{
    ck_assert_msg(snapshot_unchanged(&w->table), "a refused request changed the table at 0x%llx",
                  (unsigned long long)w->table.base);
    ck_assert_msg(host_maintenance_count() == w->maintenance,
                  "a refused request flushed or cleaned (%zu maintenance events, %zu before)",
                  host_maintenance_count(), w->maintenance);
}

static void assert_code(errval_t err, enum err_code expected, const char *what)
{
    ck_assert_msg(err_no(err) == expected, "%s: expected %s, got %s", what, err_getcode(expected),
                  err_getcode(err));
}

/* A copy of src with the given rights, in a fresh slot. */
static capaddr_t mint(capaddr_t src, caprights_t rights)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(slot)),
                                   capaddr_l2_slot(slot), src, rights));
    return slot;
}

static capaddr_t copy_of(capaddr_t src)
{
    return mint(src, identify(src).rights);
}

static capaddr_t new_frame(size_t pages)
{
    return new_object(ObjType_Frame, pages * BASE_PAGE_BYTES);
}

static capaddr_t new_table(int level)
{
    return new_object(fmt.table[level], objtype_info[fmt.table[level]].fixed_bytes);
}

/* A 4 KiB object of type carved from the device window (PhysAddr, DevFrame). */
static capaddr_t new_device_object(enum objtype type, gensize_t offset_bytes)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, offset_bytes, type,
                                     BASE_PAGE_BYTES, 1, capaddr_l1_slot(capaddr_l1_index(slot)),
                                     capaddr_l2_slot(slot)));
    return slot;
}

/* Something a table of this level really takes: the next level's table, or a page at the leaf. */
static capaddr_t fitting_source(int level)
{
    return level == LEAF ? new_frame(1) : new_table(level + 1);
}

static struct map_request one_entry(capaddr_t table, cslot_t slot, capaddr_t src)
{
    return (struct map_request){
        .table = table,
        .slot = slot,
        .src = src,
        .flags = VREGION_FLAGS_READ,
        .offset_bytes = 0,
        .pte_count = 1,
    };
}

static errval_t map(struct map_request r)
{
    return invoke_vnode_map(r.table, r.slot, r.src, r.flags, r.offset_bytes, r.pte_count);
}

/* Asserts that r is refused with expected, leaving its table and the maintenance log alone. */
static void refuse_map(struct map_request r, enum err_code expected)
{
    struct watch w;
    watch_begin(&w, r.table);
    errval_t err = map(r);
    ck_assert_msg(err_no(err) == expected,
                  "map(slot %u, offset 0x%llx, pte_count %zu, flags 0x%x): expected %s, got %s",
                  (unsigned)r.slot, (unsigned long long)r.offset_bytes, r.pte_count,
                  (unsigned)r.flags, err_getcode(expected), err_getcode(err));
    watch_assert_unchanged(&w);
}

/* refuse_map, and the source copy is still unmapped afterwards. */
static void refuse_map_unmapped(struct map_request r, enum err_code expected)
{
    refuse_map(r, expected);
    ck_assert_msg(copy_is_unmapped(root_table, r.src), "a refused map left its source mapped");
}

static void assert_translates(uint64_t vaddr, genpaddr_t paddr)
{
    struct walk_result w = walk_translate(root_base(), vaddr);
    ck_assert_msg(w.present, "0x%llx no longer translates", (unsigned long long)vaddr);
    ck_assert_uint_eq(w.paddr, paddr);
}

/* Maps a new frame of pages read-write at vaddr in its leaf table; returns the frame. */
static capaddr_t map_new_frame(uint64_t vaddr, size_t pages)
{
    capaddr_t frame = new_frame(pages);
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, LEAF), slot_of(vaddr, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, 0, pages));
    return frame;
}

/* Asserts that the pages of frame at vaddr still translate, and still allow writing. */
static void assert_still_mapped(uint64_t vaddr, capaddr_t frame, size_t pages)
{
    genpaddr_t base = identify(frame).base;
    for (size_t page = 0; page < pages; page++) {
        assert_translates(vaddr + page * BASE_PAGE_BYTES, base + page * BASE_PAGE_BYTES);
        ck_assert(walk_translate(root_base(), vaddr + page * BASE_PAGE_BYTES).writable);
    }
}

START_TEST(a_read_only_table_refuses_map)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t read_only = mint(leaf, CAPRIGHTS_READ);
    refuse_map_unmapped(one_entry(read_only, slot_of(VA, LEAF), new_frame(1)),
                        SYS_ERR_VNODE_NOT_WRITABLE);
    ck_assert(!walk_translate(root_base(), VA).present);
}
END_TEST

START_TEST(a_read_only_table_refuses_unmap)
{
    capaddr_t frame = map_new_frame(VA, 1);
    capaddr_t read_only = mint(table_for(VA, LEAF), CAPRIGHTS_READ);
    struct watch w;
    watch_begin(&w, read_only);
    ck_assert_err(invoke_vnode_unmap(read_only, frame, slot_of(VA, LEAF), 1),
                  SYS_ERR_VNODE_NOT_WRITABLE);
    watch_assert_unchanged(&w);
    assert_still_mapped(VA, frame, 1);
}
END_TEST

START_TEST(a_slot_beyond_the_table_is_invalid)
{
    for (int level = 0; level < fmt.levels; level++) {
        refuse_map_unmapped(
            one_entry(table_for(VA, level), fmt.entries[level], fitting_source(level)),
            SYS_ERR_VNODE_SLOT_INVALID);
    }
}
END_TEST

START_TEST(a_pte_count_of_zero_is_invalid)
{
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), new_frame(1));
    r.pte_count = 0;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_COUNT_INVALID);
}
END_TEST

START_TEST(a_page_table_takes_exactly_one_entry)
{
    int level = LEAF - 1;
    struct map_request r = one_entry(table_for(VA, level), slot_of(VA, level), new_table(LEAF));
    r.pte_count = 2;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_COUNT_INVALID);
}
END_TEST

START_TEST(a_run_past_the_table_end_is_refused)
{
    struct map_request r = one_entry(table_for(VA, LEAF), fmt.entries[LEAF] - 1, new_frame(2));
    r.pte_count = 2;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_PAST_TABLE_END);
}
END_TEST

START_TEST(the_kernel_slots_of_the_root_are_reserved)
{
    refuse_map_unmapped(one_entry(root_table, fmt.root_user_slots, fitting_source(0)),
                        SYS_ERR_VNODE_SLOT_RESERVED);
    refuse_map_unmapped(one_entry(root_table, fmt.entries[0] - 1, fitting_source(0)),
                        SYS_ERR_VNODE_SLOT_RESERVED);
}
END_TEST

START_TEST(a_run_into_the_kernel_slots_is_reserved)
{
    struct map_request r = one_entry(root_table, fmt.root_user_slots - 1, fitting_source(0));
    r.pte_count = 2;
    refuse_map_unmapped(r, SYS_ERR_VNODE_SLOT_RESERVED);
}
END_TEST

START_TEST(an_empty_source_slot_is_not_found)
{
    capaddr_t empty = new_slot();
    refuse_map(one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), empty), SYS_ERR_CAP_NOT_FOUND);
    ck_assert(slot_is_empty(empty));
}
END_TEST

START_TEST(memory_and_cnodes_are_not_mappable)
{
    capaddr_t leaf = table_for(VA, LEAF);
    const capaddr_t sources[] = {
        new_object(ObjType_RAM, BASE_PAGE_BYTES),
        new_object(ObjType_L2CNode, L2_CNODE_BYTES),
        new_device_object(ObjType_PhysAddr, 0),
    };
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
        refuse_map_unmapped(one_entry(leaf, slot_of(VA, LEAF), sources[i]),
                            SYS_ERR_VM_MAP_NOT_MAPPABLE);
    }
}
END_TEST

/* x86-64's PML4 holds only PDPTs; an ARMv7 L1 holds sections, so there take a wrong table. */
START_TEST(the_root_refuses_what_is_not_its_next_level)
{
    capaddr_t src = fmt.levels > 2 ? new_frame(1) : new_table(0);
    refuse_map_unmapped(one_entry(root_table, slot_of(VA, 0), src), SYS_ERR_VM_MAP_WRONG_LEVEL);
}
END_TEST

START_TEST(a_leaf_table_is_not_a_page)
{
    refuse_map_unmapped(one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), new_table(LEAF)),
                        SYS_ERR_VM_MAP_WRONG_LEVEL);
}
END_TEST

START_TEST(the_root_type_does_not_go_into_the_root)
{
    refuse_map_unmapped(one_entry(root_table, slot_of(VA, 0), new_table(0)),
                        SYS_ERR_VM_MAP_WRONG_LEVEL);
}
END_TEST

START_TEST(a_present_entry_is_not_overwritten)
{
    const uint64_t at = VA + 4 * BASE_PAGE_BYTES;
    capaddr_t first = map_new_frame(at, 1);
    capaddr_t leaf = table_for(at, LEAF);
    refuse_map_unmapped(one_entry(leaf, slot_of(at, LEAF), new_frame(1)), SYS_ERR_VM_ENTRY_PRESENT);
    assert_still_mapped(at, first, 1);
}
END_TEST

START_TEST(a_run_overlapping_a_present_entry_at_its_end_is_refused)
{
    const uint64_t at = VA + 4 * BASE_PAGE_BYTES;
    capaddr_t first = map_new_frame(at, 1);
    struct map_request r = one_entry(table_for(at, LEAF), slot_of(at, LEAF) - 2, new_frame(3));
    r.pte_count = 3;
    refuse_map_unmapped(r, SYS_ERR_VM_ENTRY_PRESENT);
    assert_still_mapped(at, first, 1);
    ck_assert(!walk_translate(root_base(), at - 2 * BASE_PAGE_BYTES).present);
}
END_TEST

START_TEST(an_offset_must_be_page_aligned_and_inside_the_frame)
{
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), new_frame(2));
    r.offset_bytes = 100;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_OFFSET_INVALID);
    r.offset_bytes = 2 * BASE_PAGE_BYTES;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_OFFSET_INVALID);
}
END_TEST

START_TEST(pages_past_the_frame_end_are_refused)
{
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), new_frame(2));
    r.offset_bytes = BASE_PAGE_BYTES;
    r.pte_count = 2;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_SIZE_INVALID);
    r.offset_bytes = 0;
    r.pte_count = 3;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_SIZE_INVALID);
}
END_TEST

START_TEST(a_page_table_has_no_offset)
{
    int level = LEAF - 1;
    struct map_request r = one_entry(table_for(VA, level), slot_of(VA, level), new_table(LEAF));
    r.offset_bytes = BASE_PAGE_BYTES;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_OFFSET_INVALID);
}
END_TEST

/* A request for one large page at 16 large pages into the address space. */
static struct map_request large_page(capaddr_t frame)
{
    uint64_t vaddr = 16 * fmt.span_bytes[LARGE];
    return one_entry(table_for(vaddr, LARGE), slot_of(vaddr, LARGE), frame);
}

START_TEST(a_frame_smaller_than_a_large_page_is_too_small)
{
    gensize_t large = fmt.span_bytes[LARGE];
    refuse_map_unmapped(large_page(new_aligned_object(ObjType_Frame, large / 2, large)),
                        SYS_ERR_VM_FRAME_TOO_SMALL);
}
END_TEST

START_TEST(a_large_page_at_an_unaligned_offset_is_misaligned)
{
    gensize_t large = fmt.span_bytes[LARGE];
    struct map_request r = large_page(new_aligned_object(ObjType_Frame, 2 * large, large));
    r.offset_bytes = BASE_PAGE_BYTES;
    refuse_map_unmapped(r, SYS_ERR_VM_MAP_LARGE_MISALIGNED);
}
END_TEST

START_TEST(a_large_page_from_an_unaligned_frame_is_misaligned)
{
    gensize_t large = fmt.span_bytes[LARGE];
    new_aligned_object(ObjType_Frame, BASE_PAGE_BYTES, large); /* pushes the next base off */
    capaddr_t frame = new_object(ObjType_Frame, 2 * large);
    ck_assert_uint_ne(identify(frame).base % large, 0);
    refuse_map_unmapped(large_page(frame), SYS_ERR_VM_MAP_LARGE_MISALIGNED);
}
END_TEST

START_TEST(unknown_flags_and_flags_without_read_are_invalid)
{
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), new_frame(1));
    r.flags = VREGION_FLAGS_READ | UNKNOWN_FLAG;
    refuse_map_unmapped(r, SYS_ERR_VM_FLAGS_INVALID);
    r.flags = VREGION_FLAGS_WRITE;
    refuse_map_unmapped(r, SYS_ERR_VM_FLAGS_INVALID);
    r.flags = 0;
    refuse_map_unmapped(r, SYS_ERR_VM_FLAGS_INVALID);
}
END_TEST

START_TEST(writing_needs_the_write_right)
{
    capaddr_t read_only = mint(new_frame(1), CAPRIGHTS_READ);
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), read_only);
    r.flags = VREGION_FLAGS_READ_WRITE;
    refuse_map_unmapped(r, SYS_ERR_VM_RIGHTS_EXCEED);
}
END_TEST

START_TEST(executing_needs_the_execute_right)
{
    capaddr_t no_exec = mint(new_frame(1), CAPRIGHTS_READ_WRITE);
    struct map_request r = one_entry(table_for(VA, LEAF), slot_of(VA, LEAF), no_exec);
    r.flags = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    refuse_map_unmapped(r, SYS_ERR_VM_RIGHTS_EXCEED);
}
END_TEST

START_TEST(a_copy_is_mapped_only_once)
{
    capaddr_t frame = map_new_frame(VA, 1);
    capaddr_t leaf = table_for(VA, LEAF);
    const uint64_t other = VA + BASE_PAGE_BYTES;
    refuse_map(one_entry(leaf, slot_of(other, LEAF), frame), SYS_ERR_VM_ALREADY_MAPPED);
    assert_still_mapped(VA, frame, 1);
    ck_assert(!walk_translate(root_base(), other).present);
    ck_assert_ok(
        invoke_vnode_map(leaf, slot_of(other, LEAF), copy_of(frame), VREGION_FLAGS_READ, 0, 1));
    assert_translates(other, identify(frame).base);
}
END_TEST

/* Asserts that an unmap of frame is refused with expected, leaving its mapping of 2 pages at VA. */
static void refuse_unmap(capaddr_t table, capaddr_t src, cslot_t slot, size_t pte_count,
                         capaddr_t frame, enum err_code expected)
{
    struct watch leaf;
    struct watch target;
    watch_begin(&leaf, table_for(VA, LEAF));
    watch_begin(&target, table);
    assert_code(invoke_vnode_unmap(table, src, slot, pte_count), expected, "unmap");
    watch_assert_unchanged(&leaf);
    watch_assert_unchanged(&target);
    assert_still_mapped(VA, frame, 2);
}

START_TEST(unmap_of_an_unmapped_copy_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 2);
    refuse_unmap(table_for(VA, LEAF), copy_of(frame), slot_of(VA, LEAF), 2, frame,
                 SYS_ERR_VM_NOT_MAPPED);
}
END_TEST

START_TEST(unmap_through_another_table_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 2);
    refuse_unmap(new_table(LEAF), frame, slot_of(VA, LEAF), 2, frame, SYS_ERR_VM_WRONG_TABLE);
    refuse_unmap(table_for(VA + fmt.span_bytes[LEAF - 1], LEAF), frame, slot_of(VA, LEAF), 2, frame,
                 SYS_ERR_VM_WRONG_TABLE);
}
END_TEST

START_TEST(unmap_of_another_range_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 2);
    capaddr_t leaf = table_for(VA, LEAF);
    cslot_t slot = slot_of(VA, LEAF);
    refuse_unmap(leaf, frame, slot + 1, 2, frame, SYS_ERR_VM_RANGE_MISMATCH);
    refuse_unmap(leaf, frame, slot, 1, frame, SYS_ERR_VM_RANGE_MISMATCH);
    refuse_unmap(leaf, frame, slot, 3, frame, SYS_ERR_VM_RANGE_MISMATCH);
}
END_TEST

/* Asserts that modify_flags is refused with expected, leaving the leaf at VA and the log alone. */
static void refuse_modify(capaddr_t frame, size_t first_page, size_t pages, vregion_flags_t flags,
                          enum err_code expected)
{
    struct watch w;
    watch_begin(&w, table_for(VA, LEAF));
    errval_t err = invoke_frame_modify_flags(frame, first_page, pages, flags, 0);
    ck_assert_msg(err_no(err) == expected, "modify_flags(%zu, %zu, 0x%x): expected %s, got %s",
                  first_page, pages, (unsigned)flags, err_getcode(expected), err_getcode(err));
    watch_assert_unchanged(&w);
}

START_TEST(modify_flags_of_an_unmapped_copy_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 4);
    refuse_modify(copy_of(frame), 0, 1, VREGION_FLAGS_READ, SYS_ERR_VM_NOT_MAPPED);
    assert_still_mapped(VA, frame, 4);
}
END_TEST

START_TEST(modify_flags_beyond_the_mapping_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 4);
    refuse_modify(frame, 2, 3, VREGION_FLAGS_READ, SYS_ERR_VM_BEYOND_MAPPING);
    refuse_modify(frame, 0, 5, VREGION_FLAGS_READ, SYS_ERR_VM_BEYOND_MAPPING);
    refuse_modify(frame, 0, 0, VREGION_FLAGS_READ, SYS_ERR_VM_BEYOND_MAPPING);
    refuse_modify(frame, 4, 1, VREGION_FLAGS_READ, SYS_ERR_VM_BEYOND_MAPPING);
    refuse_modify(frame, 9, 1, VREGION_FLAGS_READ, SYS_ERR_VM_BEYOND_MAPPING);
    assert_still_mapped(VA, frame, 4);
}
END_TEST

START_TEST(modify_flags_beyond_the_rights_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 4);
    capaddr_t read_only = mint(frame, CAPRIGHTS_READ);
    capaddr_t no_exec = mint(frame, CAPRIGHTS_READ_WRITE);
    const uint64_t ro_at = VA + 4 * BASE_PAGE_BYTES;
    const uint64_t rw_at = VA + 5 * BASE_PAGE_BYTES;
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(ro_at, LEAF), read_only, VREGION_FLAGS_READ, 0, 1));
    ck_assert_ok(
        invoke_vnode_map(leaf, slot_of(rw_at, LEAF), no_exec, VREGION_FLAGS_READ_WRITE, 0, 1));
    refuse_modify(read_only, 0, 1, VREGION_FLAGS_READ_WRITE, SYS_ERR_VM_RIGHTS_EXCEED);
    refuse_modify(no_exec, 0, 1, VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_EXECUTE,
                  SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert(!walk_translate(root_base(), ro_at).writable);
    ck_assert(!walk_translate(root_base(), rw_at).executable);
}
END_TEST

START_TEST(modify_flags_with_invalid_flags_is_refused)
{
    capaddr_t frame = map_new_frame(VA, 4);
    refuse_modify(frame, 0, 1, VREGION_FLAGS_READ | UNKNOWN_FLAG, SYS_ERR_VM_FLAGS_INVALID);
    refuse_modify(frame, 0, 1, VREGION_FLAGS_WRITE, SYS_ERR_VM_FLAGS_INVALID);
    refuse_modify(frame, 0, 4, 0, SYS_ERR_VM_FLAGS_INVALID);
    assert_still_mapped(VA, frame, 4);
}
END_TEST

START_TEST(paging_invocations_on_the_wrong_type_are_illegal)
{
    capaddr_t frame = map_new_frame(VA, 1);
    capaddr_t other = new_frame(1);
    struct watch w;
    watch_begin(&w, table_for(VA, LEAF));
    assert_code(invoke_vnode_map(frame, 0, other, VREGION_FLAGS_READ, 0, 1),
                SYS_ERR_ILLEGAL_INVOCATION, "map invoked on a Frame");
    assert_code(invoke_vnode_map(RAM_CAP, 0, other, VREGION_FLAGS_READ, 0, 1),
                SYS_ERR_ILLEGAL_INVOCATION, "map invoked on RAM");
    assert_code(invoke_vnode_unmap(CAPADDR_ROOTCN, frame, slot_of(VA, LEAF), 1),
                SYS_ERR_ILLEGAL_INVOCATION, "unmap invoked on a CNode");
    assert_code(invoke_frame_modify_flags(table_for(VA, LEAF), 0, 1, VREGION_FLAGS_READ, 0),
                SYS_ERR_ILLEGAL_INVOCATION, "modify_flags invoked on a VNode");
    watch_assert_unchanged(&w);
    ck_assert(copy_is_unmapped(root_table, other));
    assert_still_mapped(VA, frame, 1);
}
END_TEST

/*
 * The source/destination matrix, from the hardware formats rather than the
 * kernel: x86-64 PML4 <- PDPT; PDPT <- PDIR or a 1 GiB page; PDIR <- PTABLE
 * or a 2 MiB page; PTABLE <- 4 KiB page. ARMv7 L1 <- L2 or a 1 MiB section;
 * L2 <- 4 KiB page. Sources are 4 KiB where sized, so a frame at a
 * large-page level is the right type but too small.
 */
#define MATRIX_FIXED_SOURCES 6
#define OK SYS_ERR_OK
#define NOMAP SYS_ERR_VM_MAP_NOT_MAPPABLE
#define WRONG SYS_ERR_VM_MAP_WRONG_LEVEL
#define SMALL SYS_ERR_VM_FRAME_TOO_SMALL

/* Columns: Frame, DevFrame, RAM, PhysAddr, L1CNode, L2CNode, then the format's tables by level. */
static const enum err_code x86_64_matrix[4][MATRIX_FIXED_SOURCES + 4] = {
    /* PML4 */ {WRONG, WRONG, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, OK, WRONG, WRONG},
    /* PDPT */ {SMALL, SMALL, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, WRONG, OK, WRONG},
    /* PDIR */ {SMALL, SMALL, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, WRONG, WRONG, OK},
    /* PTABLE */ {OK, OK, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, WRONG, WRONG, WRONG},
};
static const enum err_code armv7_matrix[2][MATRIX_FIXED_SOURCES + 2] = {
    /* L1 */ {SMALL, SMALL, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, OK},
    /* L2 */ {OK, OK, NOMAP, NOMAP, NOMAP, NOMAP, WRONG, WRONG},
};

#undef OK
#undef NOMAP
#undef WRONG
#undef SMALL

static enum err_code matrix_expected(int level, int source)
{
    return fmt.levels == 4 ? x86_64_matrix[level][source] : armv7_matrix[level][source];
}

/* One source of each type that can exist on this target, in the matrix's column order. */
static int matrix_sources(capaddr_t *sources)
{
    sources[0] = new_frame(1);
    sources[1] = new_device_object(ObjType_DevFrame, 0);
    sources[2] = new_object(ObjType_RAM, BASE_PAGE_BYTES);
    sources[3] = new_device_object(ObjType_PhysAddr, BASE_PAGE_BYTES);
    sources[4] = new_object(ObjType_L1CNode, L2_CNODE_BYTES);
    sources[5] = new_object(ObjType_L2CNode, L2_CNODE_BYTES);
    for (int level = 0; level < fmt.levels; level++) {
        sources[MATRIX_FIXED_SOURCES + level] = new_table(level);
    }
    return MATRIX_FIXED_SOURCES + fmt.levels;
}

/* Maps src into a fresh table of level at slot 0; checks the outcome and undoes a success. */
static void matrix_case(int level, capaddr_t src, enum err_code expected)
{
    capaddr_t table = new_table(level);
    enum objtype table_type = fmt.table[level];
    enum objtype src_type = identify(src).type;
    struct watch w;
    watch_begin(&w, table);
    errval_t err = invoke_vnode_map(table, 0, src, VREGION_FLAGS_READ, 0, 1);
    ck_assert_msg(err_no(err) == expected, "%s <- %s: expected %s, got %s",
                  objtype_name(table_type), objtype_name(src_type), err_getcode(expected),
                  err_getcode(err));
    if (expected != SYS_ERR_OK) {
        watch_assert_unchanged(&w);
        ck_assert_msg(copy_is_unmapped(root_table, src), "%s <- %s: source left mapped",
                      objtype_name(table_type), objtype_name(src_type));
        return;
    }
    err = invoke_vnode_unmap(table, src, 0, 1);
    ck_assert_msg(err_is_ok(err), "%s <- %s: unmap gave %s", objtype_name(table_type),
                  objtype_name(src_type), err_getcode(err));
}

START_TEST(every_source_type_meets_every_table_level)
{
    capaddr_t sources[MATRIX_FIXED_SOURCES + 4];
    int count = matrix_sources(sources);
    for (int level = 0; level < fmt.levels; level++) {
        for (int source = 0; source < count; source++) {
            matrix_case(level, sources[source], matrix_expected(level, source));
        }
    }
}
END_TEST

Suite *paging_refusal_suite(void)
{
    Suite *s = suite_create("paging: refusals");
    TCase *table = paging_tcase(s, "table, slot and count");
    tcase_add_test(table, a_read_only_table_refuses_map);
    tcase_add_test(table, a_read_only_table_refuses_unmap);
    tcase_add_test(table, a_slot_beyond_the_table_is_invalid);
    tcase_add_test(table, a_pte_count_of_zero_is_invalid);
    tcase_add_test(table, a_page_table_takes_exactly_one_entry);
    tcase_add_test(table, a_run_past_the_table_end_is_refused);
    tcase_add_test(table, the_kernel_slots_of_the_root_are_reserved);
    tcase_add_test(table, a_run_into_the_kernel_slots_is_reserved);
    tcase_add_test(table, a_present_entry_is_not_overwritten);
    tcase_add_test(table, a_run_overlapping_a_present_entry_at_its_end_is_refused);

    TCase *source = paging_tcase(s, "source");
    tcase_add_test(source, an_empty_source_slot_is_not_found);
    tcase_add_test(source, memory_and_cnodes_are_not_mappable);
    tcase_add_test(source, the_root_refuses_what_is_not_its_next_level);
    tcase_add_test(source, a_leaf_table_is_not_a_page);
    tcase_add_test(source, the_root_type_does_not_go_into_the_root);
    tcase_add_test(source, an_offset_must_be_page_aligned_and_inside_the_frame);
    tcase_add_test(source, pages_past_the_frame_end_are_refused);
    tcase_add_test(source, a_page_table_has_no_offset);
    tcase_add_test(source, a_frame_smaller_than_a_large_page_is_too_small);
    tcase_add_test(source, a_large_page_at_an_unaligned_offset_is_misaligned);
    tcase_add_test(source, a_large_page_from_an_unaligned_frame_is_misaligned);
    tcase_add_test(source, a_copy_is_mapped_only_once);
    tcase_add_test(source, every_source_type_meets_every_table_level);

    TCase *flags = paging_tcase(s, "flags and rights");
    tcase_add_test(flags, unknown_flags_and_flags_without_read_are_invalid);
    tcase_add_test(flags, writing_needs_the_write_right);
    tcase_add_test(flags, executing_needs_the_execute_right);

    TCase *change = paging_tcase(s, "unmap, modify_flags and invocations");
    tcase_add_test(change, unmap_of_an_unmapped_copy_is_refused);
    tcase_add_test(change, unmap_through_another_table_is_refused);
    tcase_add_test(change, unmap_of_another_range_is_refused);
    tcase_add_test(change, modify_flags_of_an_unmapped_copy_is_refused);
    tcase_add_test(change, modify_flags_beyond_the_mapping_is_refused);
    tcase_add_test(change, modify_flags_beyond_the_rights_is_refused);
    tcase_add_test(change, modify_flags_with_invalid_flags_is_refused);
    tcase_add_test(change, paging_invocations_on_the_wrong_type_are_illegal);
    return s;
}
