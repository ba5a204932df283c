/* Every refused map, unmap and modify_flags on real tables, and what delete and revoke unmap. */
#include "captest.h"
#include <stdio.h>

#define UNKNOWN_FLAG (1u << 7)

/* An L1 slot of the root that the slot allocator does not reach, for a CNode of the test's own. */
#define OWN_L1 302

static int leaf_level(void)
{
    return pmap_arch_layout()->levels - 1;
}

/* The level above the leaf, where a frame maps as a large page (x86-64: 2 MiB). */
static int large_level(void)
{
    return pmap_arch_layout()->levels - 2;
}

static gensize_t large_bytes(void)
{
    return pmap_arch_layout()->span_bytes[large_level()];
}

/* Root entries below the kernel's reserved half. */
static cslot_t root_user_slots(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    return (cslot_t)(l->user_end / l->span_bytes[0]);
}

/* A fresh page table of level, connected to nothing. */
static errval_t new_table(int level, struct capref *ret)
{
    return vnode_create(ret, pmap_arch_layout()->table_type[level]);
}

static errval_t new_frame(size_t pages, struct capref *ret)
{
    return frame_alloc(ret, pages * BASE_PAGE_BYTES, NULL);
}

/* Something a table of level really takes: the next level's table, or a page at the leaf. */
static errval_t fitting_source(int level, struct capref *ret)
{
    return level == leaf_level() ? new_frame(1, ret) : new_table(level + 1, ret);
}

/* Frees what new_table, new_frame or ram_alloc made, by its type. */
static errval_t free_cap(struct capref cap)
{
    struct cap_identity id;
    errval_t err = cap_identify(cap, &id);
    if (err_is_fail(err)) {
        return err;
    }
    if (objtype_is_vnode(id.type)) {
        return vnode_destroy(cap);
    }
    return id.type == ObjType_RAM ? ram_free(cap) : frame_free(cap);
}

/* A copy of src with rights in a new slot (free it with cap_destroy). */
static errval_t copy_of(struct capref src, caprights_t rights, struct capref *ret)
{
    errval_t err = slot_alloc(ret);
    return err_is_ok(err) ? cap_mint(*ret, src, rights) : err;
}

/* A copy of src with the same rights in a new slot. */
static errval_t plain_copy(struct capref src, struct capref *ret)
{
    errval_t err = slot_alloc(ret);
    return err_is_ok(err) ? cap_copy(*ret, src) : err;
}

/* Is this copy of src mapped nowhere? (Unmap through any writable table says so.) */
static bool unmapped(struct capref table, struct capref src)
{
    return err_no(err_pop(vnode_unmap(table, src, 0, 1))) == SYS_ERR_VM_NOT_MAPPED;
}

/* A map refused with code, leaving the source copy unmapped. */
#define EXPECT_MAP_REFUSED(table, slot, src, flags, offset, count, code)                           \
    do {                                                                                           \
        EXPECT_ERR(err_pop(vnode_map((table), (slot), (src), (flags), (offset), (count))), code);  \
        FAIL_IF(!unmapped((table), (src)));                                                        \
    } while (0)

static const char *read_only_table_refuses_map_and_unmap(void)
{
    struct capref leaf;
    struct capref read_only;
    struct capref frame;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(copy_of(leaf, CAPRIGHTS_READ, &read_only));
    FAIL_IF_ERR(new_frame(1, &frame));
    EXPECT_ERR(err_pop(vnode_map(read_only, 3, frame, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VNODE_NOT_WRITABLE);
    FAIL_IF(!unmapped(leaf, frame));
    FAIL_IF_ERR(vnode_map(leaf, 3, frame, VREGION_FLAGS_READ, 0, 1));
    EXPECT_ERR(err_pop(vnode_unmap(read_only, frame, 3, 1)), SYS_ERR_VNODE_NOT_WRITABLE);
    FAIL_IF_ERR(vnode_unmap(leaf, frame, 3, 1)); /* it was still mapped */
    FAIL_IF_ERR(cap_destroy(read_only));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *slot_beyond_each_table_is_invalid(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        struct capref table;
        struct capref src;
        FAIL_IF_ERR(new_table(level, &table));
        FAIL_IF_ERR(fitting_source(level, &src));
        EXPECT_MAP_REFUSED(table, l->entries[level], src, VREGION_FLAGS_READ, 0, 1,
                           SYS_ERR_VNODE_SLOT_INVALID);
        EXPECT_MAP_REFUSED(table, 1u << 20, src, VREGION_FLAGS_READ, 0, 1,
                           SYS_ERR_VNODE_SLOT_INVALID);
        cslot_t last = level == 0 ? root_user_slots() - 1 : l->entries[level] - 1;
        FAIL_IF_ERR(vnode_map(table, last, src, VREGION_FLAGS_READ, 0, 1));
        FAIL_IF_ERR(free_cap(src));
        FAIL_IF_ERR(vnode_destroy(table));
    }
    return NULL;
}

static const char *counts_and_table_ends(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    struct capref leaf;
    struct capref above;
    struct capref frame;
    struct capref table;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_table(leaf_level() - 1, &above));
    FAIL_IF_ERR(new_frame(2, &frame));
    FAIL_IF_ERR(new_table(leaf_level(), &table));
    EXPECT_MAP_REFUSED(leaf, 0, frame, VREGION_FLAGS_READ, 0, 0, SYS_ERR_VM_MAP_COUNT_INVALID);
    EXPECT_MAP_REFUSED(above, 0, table, VREGION_FLAGS_READ, 0, 2, SYS_ERR_VM_MAP_COUNT_INVALID);
    EXPECT_MAP_REFUSED(leaf, l->entries[leaf_level()] - 1, frame, VREGION_FLAGS_READ, 0, 2,
                       SYS_ERR_VM_MAP_PAST_TABLE_END);
    FAIL_IF_ERR(vnode_map(leaf, l->entries[leaf_level()] - 2, frame, VREGION_FLAGS_READ, 0, 2));
    FAIL_IF_ERR(vnode_map(above, 0, table, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(table));
    FAIL_IF_ERR(vnode_destroy(above));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *kernel_slots_of_the_root_are_reserved(void)
{
    struct capref root;
    struct capref src;
    cslot_t user = root_user_slots();
    FAIL_IF_ERR(new_table(0, &root));
    FAIL_IF_ERR(fitting_source(0, &src));
    /* The domain's own root: a refusal changes nothing there. */
    EXPECT_MAP_REFUSED(self_root, user, src, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VNODE_SLOT_RESERVED);
    EXPECT_MAP_REFUSED(root, user, src, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VNODE_SLOT_RESERVED);
    EXPECT_MAP_REFUSED(root, pmap_arch_layout()->entries[0] - 1, src, VREGION_FLAGS_READ, 0, 1,
                       SYS_ERR_VNODE_SLOT_RESERVED);
    EXPECT_MAP_REFUSED(root, user - 1, src, VREGION_FLAGS_READ, 0, 2, SYS_ERR_VNODE_SLOT_RESERVED);
    FAIL_IF_ERR(vnode_map(root, user - 1, src, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(free_cap(src));
    FAIL_IF_ERR(vnode_destroy(root));
    return NULL;
}

static const char *empty_and_unmappable_sources(void)
{
    struct capref leaf;
    struct capref empty;
    struct capref ram;
    struct capref cnode;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(slot_alloc(&empty));
    EXPECT_ERR(err_pop(vnode_map(leaf, 0, empty, VREGION_FLAGS_READ, 0, 1)), SYS_ERR_CAP_NOT_FOUND);
    FAIL_IF_ERR(ram_alloc(&ram, 2 * L2_CNODE_BYTES));
    FAIL_IF_ERR(cap_retype(empty, ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    cnode = empty;
    EXPECT_MAP_REFUSED(leaf, 0, ram, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_NOT_MAPPABLE);
    EXPECT_MAP_REFUSED(leaf, 0, cnode, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_NOT_MAPPABLE);
    struct capref root_cnode = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN),
                                .slot = TASKCN_SLOT_ROOTCN};
    EXPECT_MAP_REFUSED(leaf, 0, root_cnode, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_NOT_MAPPABLE);
    FAIL_IF_ERR(cap_destroy(cnode));
    FAIL_IF_ERR(ram_free(ram));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *wrong_levels_are_refused(void)
{
    struct capref root;
    struct capref leaf;
    struct capref frame;
    struct capref other_root;
    struct capref other_leaf;
    FAIL_IF_ERR(new_table(0, &root));
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &frame));
    FAIL_IF_ERR(new_table(0, &other_root));
    FAIL_IF_ERR(new_table(leaf_level(), &other_leaf));
    /* Where the root takes frames (ARMv7 sections), a small one is too small instead. */
    EXPECT_MAP_REFUSED(root, 0, frame, VREGION_FLAGS_READ, 0, 1,
                       pmap_arch_layout()->frame_level[0] ? SYS_ERR_VM_FRAME_TOO_SMALL
                                                          : SYS_ERR_VM_MAP_WRONG_LEVEL);
    EXPECT_MAP_REFUSED(leaf, 0, other_leaf, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_WRONG_LEVEL);
    EXPECT_MAP_REFUSED(root, 0, other_root, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_WRONG_LEVEL);
    EXPECT_MAP_REFUSED(root, 0, root, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_WRONG_LEVEL);
    if (pmap_arch_layout()->levels > 2) {
        /* A leaf table two or more levels below the root (on ARMv7 it is the root's child). */
        EXPECT_MAP_REFUSED(root, 0, leaf, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_MAP_WRONG_LEVEL);
    }
    FAIL_IF_ERR(vnode_destroy(other_leaf));
    FAIL_IF_ERR(vnode_destroy(other_root));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    FAIL_IF_ERR(vnode_destroy(root));
    return NULL;
}

/*
 * The source/destination matrix, from the hardware formats rather than the
 * kernel: x86-64 PML4 <- PDPT; PDPT <- PDIR or a 1 GiB page; PDIR <- PTABLE
 * or a 2 MiB page; PTABLE <- 4 KiB page. ARMv7 L1 <- L2 or a 1 MiB section;
 * L2 <- 4 KiB page. The frame is 4 KiB, so at a large-page level it is the
 * right type but too small. (No DevFrame or PhysAddr: init has none on the PC.)
 */
#define MATRIX_FIXED_SOURCES 4
#define OK SYS_ERR_OK
#define NOMAP SYS_ERR_VM_MAP_NOT_MAPPABLE
#define WRONG SYS_ERR_VM_MAP_WRONG_LEVEL
#define SMALL SYS_ERR_VM_FRAME_TOO_SMALL

/* Columns: Frame, RAM, L1CNode, L2CNode, then the format's tables by level. */
static const enum err_code x86_64_matrix[4][MATRIX_FIXED_SOURCES + 4] = {
    /* PML4 */ {WRONG, NOMAP, NOMAP, NOMAP, WRONG, OK, WRONG, WRONG},
    /* PDPT */ {SMALL, NOMAP, NOMAP, NOMAP, WRONG, WRONG, OK, WRONG},
    /* PDIR */ {SMALL, NOMAP, NOMAP, NOMAP, WRONG, WRONG, WRONG, OK},
    /* PTABLE */ {OK, NOMAP, NOMAP, NOMAP, WRONG, WRONG, WRONG, WRONG},
};
static const enum err_code armv7_matrix[2][MATRIX_FIXED_SOURCES + 2] = {
    /* L1 */ {SMALL, NOMAP, NOMAP, NOMAP, WRONG, OK},
    /* L2 */ {OK, NOMAP, NOMAP, NOMAP, WRONG, WRONG},
};

#undef OK
#undef NOMAP
#undef WRONG
#undef SMALL

static enum err_code matrix_expected(int level, int source)
{
    enum err_code want = pmap_arch_layout()->levels == 4 ? x86_64_matrix[level][source]
                                                         : armv7_matrix[level][source];
    if (want == SYS_ERR_VM_FRAME_TOO_SMALL && !captest_arch_pages_at_level(level)) {
        return SYS_ERR_VM_MAP_WRONG_LEVEL; /* the CPU has no pages of that size at all */
    }
    return want;
}

/* One source of each kind, in the matrix's column order; the CNodes come from *ram. */
static const char *matrix_sources(struct capref *sources, struct capref *ram)
{
    FAIL_IF_ERR(new_frame(1, &sources[0]));
    FAIL_IF_ERR(ram_alloc(&sources[1], BASE_PAGE_BYTES));
    FAIL_IF_ERR(ram_alloc(ram, 2 * L2_CNODE_BYTES));
    FAIL_IF_ERR(slot_alloc(&sources[2]));
    FAIL_IF_ERR(slot_alloc(&sources[3]));
    FAIL_IF_ERR(cap_retype(sources[2], *ram, 0, ObjType_L1CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_retype(sources[3], *ram, L2_CNODE_BYTES, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    for (int level = 0; level < pmap_arch_layout()->levels; level++) {
        FAIL_IF_ERR(new_table(level, &sources[MATRIX_FIXED_SOURCES + level]));
    }
    return NULL;
}

static const char *free_matrix_sources(struct capref *sources, struct capref ram)
{
    FAIL_IF_ERR(frame_free(sources[0]));
    FAIL_IF_ERR(ram_free(sources[1]));
    FAIL_IF_ERR(cap_destroy(sources[2]));
    FAIL_IF_ERR(cap_destroy(sources[3]));
    FAIL_IF_ERR(ram_free(ram));
    for (int level = 0; level < pmap_arch_layout()->levels; level++) {
        FAIL_IF_ERR(vnode_destroy(sources[MATRIX_FIXED_SOURCES + level]));
    }
    return NULL;
}

/* Maps src into table (of level) at slot 0; checks the outcome and undoes a success. */
static const char *matrix_case(struct capref table, int level, struct capref src, int source)
{
    static char reason[200];
    enum err_code want = matrix_expected(level, source);
    errval_t err = err_pop(vnode_map(table, 0, src, VREGION_FLAGS_READ, 0, 1));
    if (err_no(err) != want) {
        struct cap_identity id = {0};
        cap_identify(src, &id);
        snprintf(reason, sizeof(reason), "%s <- %s: expected %s, got %s",
                 objtype_name(pmap_arch_layout()->table_type[level]), objtype_name(id.type),
                 err_getcode(want), err_getcode(err));
        return reason;
    }
    if (want == SYS_ERR_OK) {
        FAIL_IF_ERR(vnode_unmap(table, src, 0, 1));
    }
    FAIL_IF(!unmapped(table, src));
    return NULL;
}

static const char *every_source_meets_every_level(void)
{
    struct capref sources[MATRIX_FIXED_SOURCES + PMAP_MAX_LEVELS];
    struct capref ram;
    int levels = pmap_arch_layout()->levels;
    RUN(matrix_sources(sources, &ram));
    for (int level = 0; level < levels; level++) {
        struct capref table;
        FAIL_IF_ERR(new_table(level, &table));
        for (int source = 0; source < MATRIX_FIXED_SOURCES + levels; source++) {
            RUN(matrix_case(table, level, sources[source], source));
        }
        FAIL_IF_ERR(vnode_destroy(table));
    }
    return free_matrix_sources(sources, ram);
}

static const char *present_entries_are_not_overwritten(void)
{
    struct capref leaf;
    struct capref first;
    struct capref other;
    struct capref run;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &first));
    FAIL_IF_ERR(new_frame(1, &other));
    FAIL_IF_ERR(new_frame(3, &run));
    FAIL_IF_ERR(vnode_map(leaf, 4, first, VREGION_FLAGS_READ_WRITE, 0, 1));
    EXPECT_MAP_REFUSED(leaf, 4, other, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_ENTRY_PRESENT);
    /* A run whose last entry is present writes none of the others. */
    EXPECT_MAP_REFUSED(leaf, 2, run, VREGION_FLAGS_READ, 0, 3, SYS_ERR_VM_ENTRY_PRESENT);
    FAIL_IF_ERR(vnode_map(leaf, 1, run, VREGION_FLAGS_READ, 0, 3));
    FAIL_IF_ERR(vnode_unmap(leaf, first, 4, 1)); /* still mapped where it was */
    FAIL_IF_ERR(frame_free(run));
    FAIL_IF_ERR(frame_free(other));
    FAIL_IF_ERR(frame_free(first));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *offsets_and_sizes_are_checked(void)
{
    struct capref leaf;
    struct capref above;
    struct capref frame;
    struct capref table;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_table(leaf_level() - 1, &above));
    FAIL_IF_ERR(new_frame(2, &frame));
    FAIL_IF_ERR(new_table(leaf_level(), &table));
    const vregion_flags_t r = VREGION_FLAGS_READ;
    EXPECT_MAP_REFUSED(leaf, 0, frame, r, 100, 1, SYS_ERR_VM_MAP_OFFSET_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, r, 2 * BASE_PAGE_BYTES, 1, SYS_ERR_VM_MAP_OFFSET_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, r, ~(gensize_t)0 - BASE_PAGE_BYTES + 1, 1,
                       SYS_ERR_VM_MAP_OFFSET_INVALID); /* would wrap to below the frame */
    EXPECT_MAP_REFUSED(leaf, 0, frame, r, BASE_PAGE_BYTES, 2, SYS_ERR_VM_MAP_SIZE_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, r, 0, 3, SYS_ERR_VM_MAP_SIZE_INVALID);
    EXPECT_MAP_REFUSED(above, 0, table, r, BASE_PAGE_BYTES, 1, SYS_ERR_VM_MAP_OFFSET_INVALID);
    FAIL_IF_ERR(vnode_map(leaf, 0, frame, r, BASE_PAGE_BYTES, 1));
    FAIL_IF_ERR(vnode_destroy(table));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(above));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *large_pages_too_small_or_misaligned(void)
{
    gensize_t large = large_bytes();
    struct capref dir;
    struct capref small;
    struct capref big;
    struct capref shifted;
    FAIL_IF_ERR(new_table(large_level(), &dir));
    FAIL_IF_ERR(frame_alloc_aligned(&small, large / 2, large));
    FAIL_IF_ERR(frame_alloc_aligned(&big, 2 * large + BASE_PAGE_BYTES, large));
    FAIL_IF_ERR(slot_alloc(&shifted));
    /* A frame of two large pages whose base lies one page off the large-page alignment. */
    FAIL_IF_ERR(cap_retype(shifted, big, BASE_PAGE_BYTES, ObjType_Frame, 2 * large, 1));
    const vregion_flags_t r = VREGION_FLAGS_READ;
    EXPECT_MAP_REFUSED(dir, 16, small, r, 0, 1, SYS_ERR_VM_FRAME_TOO_SMALL);
    EXPECT_MAP_REFUSED(dir, 16, big, r, BASE_PAGE_BYTES, 1, SYS_ERR_VM_MAP_LARGE_MISALIGNED);
    EXPECT_MAP_REFUSED(dir, 16, shifted, r, 0, 1, SYS_ERR_VM_MAP_LARGE_MISALIGNED);
    EXPECT_MAP_REFUSED(dir, 16, big, r, large, 2, SYS_ERR_VM_MAP_SIZE_INVALID);
    FAIL_IF_ERR(vnode_map(dir, 16, big, r, 0, 2));
    FAIL_IF_ERR(cap_destroy(shifted));
    FAIL_IF_ERR(frame_free(big));
    FAIL_IF_ERR(frame_free(small));
    FAIL_IF_ERR(vnode_destroy(dir));
    return NULL;
}

static const char *invalid_flags_are_refused(void)
{
    struct capref leaf;
    struct capref frame;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &frame));
    EXPECT_MAP_REFUSED(leaf, 0, frame, VREGION_FLAGS_READ | UNKNOWN_FLAG, 0, 1,
                       SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, VREGION_FLAGS_READ | VREGION_FLAGS_LARGE, 0, 1,
                       SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, VREGION_FLAGS_WRITE, 0, 1, SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MAP_REFUSED(leaf, 0, frame, 0, 0, 1, SYS_ERR_VM_FLAGS_INVALID);
    FAIL_IF_ERR(vnode_map(leaf, 0, frame, VREGION_FLAGS_MASK, 0, 1));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *flags_beyond_the_rights_are_refused(void)
{
    struct capref leaf;
    struct capref frame;
    struct capref read_only;
    struct capref no_exec;
    struct capref write_only;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &frame));
    FAIL_IF_ERR(copy_of(frame, CAPRIGHTS_READ, &read_only));
    FAIL_IF_ERR(copy_of(frame, CAPRIGHTS_READ_WRITE, &no_exec));
    FAIL_IF_ERR(copy_of(frame, CAPRIGHTS_WRITE, &write_only));
    EXPECT_MAP_REFUSED(leaf, 0, read_only, VREGION_FLAGS_READ_WRITE, 0, 1,
                       SYS_ERR_VM_RIGHTS_EXCEED);
    EXPECT_MAP_REFUSED(leaf, 0, no_exec, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE, 0, 1,
                       SYS_ERR_VM_RIGHTS_EXCEED);
    EXPECT_MAP_REFUSED(leaf, 0, write_only, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_RIGHTS_EXCEED);
    FAIL_IF_ERR(vnode_map(leaf, 0, read_only, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_map(leaf, 1, no_exec, VREGION_FLAGS_READ_WRITE, 0, 1));
    FAIL_IF_ERR(cap_destroy(write_only));
    FAIL_IF_ERR(cap_destroy(no_exec));
    FAIL_IF_ERR(cap_destroy(read_only));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *a_copy_is_mapped_only_once(void)
{
    struct capref leaf;
    struct capref frame;
    struct capref copy;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &frame));
    FAIL_IF_ERR(plain_copy(frame, &copy));
    FAIL_IF_ERR(vnode_map(leaf, 0, frame, VREGION_FLAGS_READ, 0, 1));
    EXPECT_ERR(err_pop(vnode_map(leaf, 1, frame, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VM_ALREADY_MAPPED);
    FAIL_IF_ERR(vnode_map(leaf, 1, copy, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_unmap(leaf, frame, 0, 1)); /* the first mapping is where it was */
    FAIL_IF_ERR(cap_destroy(copy));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

/* An unmap refused with code; the 2-page mapping of frame at slot 8 of leaf stays. */
#define EXPECT_UNMAP_REFUSED(table, src, slot, count, code)                                        \
    do {                                                                                           \
        EXPECT_ERR(err_pop(vnode_unmap((table), (src), (slot), (count))), code);                   \
        EXPECT_ERR(err_pop(vnode_map(leaf, 8, frame, VREGION_FLAGS_READ, 0, 2)),                   \
                   SYS_ERR_VM_ALREADY_MAPPED);                                                     \
    } while (0)

static const char *unmap_refusals(void)
{
    struct capref leaf;
    struct capref other_leaf;
    struct capref dir;
    struct capref frame;
    struct capref copy;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_table(leaf_level(), &other_leaf));
    FAIL_IF_ERR(new_table(leaf_level() - 1, &dir));
    FAIL_IF_ERR(new_frame(2, &frame));
    FAIL_IF_ERR(plain_copy(frame, &copy));
    FAIL_IF_ERR(vnode_map(leaf, 8, frame, VREGION_FLAGS_READ_WRITE, 0, 2));
    EXPECT_UNMAP_REFUSED(leaf, copy, 8, 2, SYS_ERR_VM_NOT_MAPPED);
    EXPECT_UNMAP_REFUSED(other_leaf, frame, 8, 2, SYS_ERR_VM_WRONG_TABLE);
    EXPECT_UNMAP_REFUSED(dir, frame, 8, 2, SYS_ERR_VM_WRONG_TABLE);
    EXPECT_UNMAP_REFUSED(leaf, frame, 9, 2, SYS_ERR_VM_RANGE_MISMATCH);
    EXPECT_UNMAP_REFUSED(leaf, frame, 8, 1, SYS_ERR_VM_RANGE_MISMATCH);
    EXPECT_UNMAP_REFUSED(leaf, frame, 8, 3, SYS_ERR_VM_RANGE_MISMATCH);
    FAIL_IF_ERR(vnode_unmap(leaf, frame, 8, 2));
    EXPECT_ERR(err_pop(vnode_unmap(leaf, frame, 8, 2)), SYS_ERR_VM_NOT_MAPPED);
    FAIL_IF_ERR(cap_destroy(copy));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(dir));
    FAIL_IF_ERR(vnode_destroy(other_leaf));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

/* The frame (4 pages at slot 0), a read-only copy at slot 4 and a no-execute copy at slot 5. */
struct modify_setup {
    struct capref leaf;
    struct capref frame;
    struct capref unmapped_copy;
    struct capref read_only;
    struct capref no_exec;
};

static const char *modify_setup(struct modify_setup *m)
{
    FAIL_IF_ERR(new_table(leaf_level(), &m->leaf));
    FAIL_IF_ERR(new_frame(4, &m->frame));
    FAIL_IF_ERR(plain_copy(m->frame, &m->unmapped_copy));
    FAIL_IF_ERR(copy_of(m->frame, CAPRIGHTS_READ, &m->read_only));
    FAIL_IF_ERR(copy_of(m->frame, CAPRIGHTS_READ_WRITE, &m->no_exec));
    FAIL_IF_ERR(vnode_map(m->leaf, 0, m->frame, VREGION_FLAGS_READ_WRITE, 0, 4));
    FAIL_IF_ERR(vnode_map(m->leaf, 4, m->read_only, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_map(m->leaf, 5, m->no_exec, VREGION_FLAGS_READ_WRITE, 0, 1));
    return NULL;
}

static const char *modify_teardown(struct modify_setup *m)
{
    FAIL_IF_ERR(cap_destroy(m->no_exec));
    FAIL_IF_ERR(cap_destroy(m->read_only));
    FAIL_IF_ERR(cap_destroy(m->unmapped_copy));
    FAIL_IF_ERR(frame_free(m->frame));
    FAIL_IF_ERR(vnode_destroy(m->leaf));
    return NULL;
}

#define EXPECT_MODIFY_REFUSED(frame, first, pages, flags, code)                                    \
    EXPECT_ERR(err_pop(vnode_modify_flags((frame), (first), (pages), (flags))), code)

static const char *modify_flags_refusals(void)
{
    struct modify_setup m;
    RUN(modify_setup(&m));
    const vregion_flags_t r = VREGION_FLAGS_READ;
    EXPECT_MODIFY_REFUSED(m.unmapped_copy, 0, 1, r, SYS_ERR_VM_NOT_MAPPED);
    EXPECT_MODIFY_REFUSED(m.frame, 2, 3, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 0, 5, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 0, 0, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 4, 1, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 9, 1, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 1, SIZE_MAX, r, SYS_ERR_VM_BEYOND_MAPPING); /* wraps */
    EXPECT_MODIFY_REFUSED(m.frame, SIZE_MAX, 2, r, SYS_ERR_VM_BEYOND_MAPPING);
    EXPECT_MODIFY_REFUSED(m.frame, 0, 1, r | UNKNOWN_FLAG, SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MODIFY_REFUSED(m.frame, 0, 1, VREGION_FLAGS_WRITE, SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MODIFY_REFUSED(m.frame, 0, 4, 0, SYS_ERR_VM_FLAGS_INVALID);
    EXPECT_MODIFY_REFUSED(m.read_only, 0, 1, VREGION_FLAGS_READ_WRITE, SYS_ERR_VM_RIGHTS_EXCEED);
    EXPECT_MODIFY_REFUSED(m.no_exec, 0, 1, VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_EXECUTE,
                          SYS_ERR_VM_RIGHTS_EXCEED);
    FAIL_IF_ERR(vnode_modify_flags(m.frame, 1, 2, r));
    FAIL_IF_ERR(vnode_modify_flags(m.read_only, 0, 1, r | VREGION_FLAGS_NOCACHE));
    return modify_teardown(&m);
}

static const char *invocations_on_the_wrong_type_are_illegal(void)
{
    struct capref leaf;
    struct capref frame;
    struct capref other;
    struct capref ram;
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &frame));
    FAIL_IF_ERR(new_frame(1, &other));
    FAIL_IF_ERR(ram_alloc(&ram, BASE_PAGE_BYTES));
    FAIL_IF_ERR(vnode_map(leaf, 0, frame, VREGION_FLAGS_READ, 0, 1));
    const vregion_flags_t r = VREGION_FLAGS_READ;
    EXPECT_ERR(err_pop(vnode_map(frame, 0, other, r, 0, 1)), SYS_ERR_ILLEGAL_INVOCATION);
    EXPECT_ERR(err_pop(vnode_map(ram, 0, other, r, 0, 1)), SYS_ERR_ILLEGAL_INVOCATION);
    struct capref root_cnode = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN),
                                .slot = TASKCN_SLOT_ROOTCN};
    EXPECT_ERR(err_pop(vnode_unmap(root_cnode, frame, 0, 1)), SYS_ERR_ILLEGAL_INVOCATION);
    EXPECT_ERR(err_pop(vnode_modify_flags(leaf, 0, 1, r)), SYS_ERR_ILLEGAL_INVOCATION);
    FAIL_IF(!unmapped(leaf, other));
    FAIL_IF_ERR(vnode_unmap(leaf, frame, 0, 1));
    FAIL_IF_ERR(ram_free(ram));
    FAIL_IF_ERR(frame_free(other));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

/* A frame and a copy of it; the frame is mapped at slot 5 of a fresh leaf table. */
struct mapped_pair {
    struct capref leaf;
    struct capref frame;
    struct capref copy;
};

static const char *map_frame_with_copy(struct mapped_pair *p)
{
    FAIL_IF_ERR(new_table(leaf_level(), &p->leaf));
    FAIL_IF_ERR(new_frame(1, &p->frame));
    FAIL_IF_ERR(plain_copy(p->frame, &p->copy));
    FAIL_IF_ERR(vnode_map(p->leaf, 5, p->frame, VREGION_FLAGS_READ_WRITE, 0, 1));
    return NULL;
}

static const char *deleting_the_mapped_copy_frees_its_entry(void)
{
    struct mapped_pair p;
    RUN(map_frame_with_copy(&p));
    FAIL_IF_ERR(cap_delete(p.frame));
    FAIL_IF(!unmapped(p.leaf, p.copy));
    FAIL_IF_ERR(vnode_map(p.leaf, 5, p.copy, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(slot_free(p.frame));
    FAIL_IF_ERR(frame_free(p.copy));
    FAIL_IF_ERR(vnode_destroy(p.leaf));
    return NULL;
}

static const char *deleting_another_copy_keeps_the_mapping(void)
{
    struct mapped_pair p;
    struct capref other;
    RUN(map_frame_with_copy(&p));
    FAIL_IF_ERR(new_frame(1, &other));
    FAIL_IF_ERR(cap_destroy(p.copy));
    EXPECT_MAP_REFUSED(p.leaf, 5, other, VREGION_FLAGS_READ, 0, 1, SYS_ERR_VM_ENTRY_PRESENT);
    FAIL_IF_ERR(vnode_unmap(p.leaf, p.frame, 5, 1));
    FAIL_IF_ERR(vnode_map(p.leaf, 5, other, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(frame_free(other));
    FAIL_IF_ERR(frame_free(p.frame));
    FAIL_IF_ERR(vnode_destroy(p.leaf));
    return NULL;
}

static const char *revoking_the_ram_frees_the_entries(void)
{
    struct capref leaf;
    struct capref ram;
    struct capref frames[4];
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(ram_alloc(&ram, 64 * BASE_PAGE_BYTES));
    for (int i = 0; i < 4; i++) {
        FAIL_IF_ERR(slot_alloc(&frames[i]));
        FAIL_IF_ERR(cap_retype(frames[i], ram, (gensize_t)i * 4 * BASE_PAGE_BYTES, ObjType_Frame,
                               4 * BASE_PAGE_BYTES, 1));
        FAIL_IF_ERR(vnode_map(leaf, 4 * i, frames[i], VREGION_FLAGS_READ, 0, 4));
    }
    FAIL_IF_ERR(cap_revoke(ram));
    struct capref again;
    FAIL_IF_ERR(slot_alloc(&again));
    FAIL_IF_ERR(cap_retype(again, ram, 0, ObjType_Frame, 64 * BASE_PAGE_BYTES, 1));
    FAIL_IF_ERR(vnode_map(leaf, 0, again, VREGION_FLAGS_READ, 0, 16));
    for (int i = 0; i < 4; i++) {
        struct cap_identity id;
        EXPECT_ERR(err_pop(cap_identify(frames[i], &id)), SYS_ERR_CAP_NOT_FOUND);
        FAIL_IF_ERR(slot_free(frames[i]));
    }
    FAIL_IF_ERR(cap_destroy(again));
    FAIL_IF_ERR(ram_free(ram));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

static const char *deleting_a_table_lets_its_frames_map_elsewhere(void)
{
    struct mapped_pair p;
    struct capref leaf2;
    RUN(map_frame_with_copy(&p));
    FAIL_IF_ERR(vnode_destroy(p.leaf));
    FAIL_IF_ERR(new_table(leaf_level(), &leaf2));
    FAIL_IF_ERR(vnode_map(leaf2, 0, p.frame, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_unmap(leaf2, p.frame, 0, 1));
    FAIL_IF(!unmapped(leaf2, p.copy));
    FAIL_IF_ERR(cap_destroy(p.copy));
    FAIL_IF_ERR(frame_free(p.frame));
    FAIL_IF_ERR(vnode_destroy(leaf2));
    return NULL;
}

static const char *tables_outlive_a_deleted_root(void)
{
    struct capref root;
    struct capref below;
    struct capref root2;
    FAIL_IF_ERR(new_table(0, &root));
    FAIL_IF_ERR(new_table(1, &below));
    FAIL_IF_ERR(vnode_map(root, 3, below, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_destroy(root));
    FAIL_IF_ERR(new_table(0, &root2));
    FAIL_IF_ERR(vnode_map(root2, 3, below, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_destroy(below)); /* a mapped table dies: its entry in the parent is freed */
    FAIL_IF_ERR(new_table(1, &below));
    FAIL_IF_ERR(vnode_map(root2, 3, below, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(vnode_destroy(below));
    FAIL_IF_ERR(vnode_destroy(root2));
    return NULL;
}

static const char *a_mapped_frame_in_a_dying_cnode_is_unmapped(void)
{
    struct capref own = {.cnode = cnode_root(), .slot = OWN_L1};
    struct capref in_own = {.cnode = cnode_at_l1(OWN_L1), .slot = 9};
    struct capref leaf;
    struct capref ram;
    struct capref other;
    struct cap_identity id;
    EXPECT_ERR(err_pop(cap_identify(own, &id)), SYS_ERR_CAP_NOT_FOUND);
    FAIL_IF_ERR(new_table(leaf_level(), &leaf));
    FAIL_IF_ERR(new_frame(1, &other));
    FAIL_IF_ERR(ram_alloc(&ram, L2_CNODE_BYTES + BASE_PAGE_BYTES));
    FAIL_IF_ERR(cap_retype(own, ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_retype(in_own, ram, L2_CNODE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 1));
    FAIL_IF_ERR(vnode_map(leaf, 9, in_own, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF_ERR(cap_delete(own));
    FAIL_IF_ERR(vnode_map(leaf, 9, other, VREGION_FLAGS_READ, 0, 1));
    FAIL_IF(!ram_is_whole(ram));
    FAIL_IF_ERR(ram_free(ram));
    FAIL_IF_ERR(frame_free(other));
    FAIL_IF_ERR(vnode_destroy(leaf));
    return NULL;
}

const struct booted_test captest_refusals[] = {
    {"CT501", "a read-only table copy refuses map and unmap",
     read_only_table_refuses_map_and_unmap},
    {"CT502", "a slot beyond each level's table is invalid", slot_beyond_each_table_is_invalid},
    {"CT503", "pte_count 0, a table twice, and runs past the table end", counts_and_table_ends},
    {"CT504", "the kernel's slots of the root are reserved", kernel_slots_of_the_root_are_reserved},
    {"CT505", "an empty source is not found; RAM and CNodes are not mappable",
     empty_and_unmappable_sources},
    {"CT506", "frames and tables at the wrong level are refused", wrong_levels_are_refused},
    {"CT507", "every source type meets every table level", every_source_meets_every_level},
    {"CT508", "a present entry is not overwritten, also at a run's end",
     present_entries_are_not_overwritten},
    {"CT509", "frame offsets and sizes are checked; a table has no offset",
     offsets_and_sizes_are_checked},
    {"CT510", "large pages from frames too small or misaligned are refused",
     large_pages_too_small_or_misaligned},
    {"CT511", "unknown flags and flags without read are refused", invalid_flags_are_refused},
    {"CT512", "flags beyond the frame's rights are refused", flags_beyond_the_rights_are_refused},
    {"CT513", "a copy is mapped only once", a_copy_is_mapped_only_once},
    {"CT514", "unmap refuses unmapped copies, other tables and other ranges", unmap_refusals},
    {"CT515", "modify_flags refusals: not mapped, beyond, flags, rights", modify_flags_refusals},
    {"CT516", "paging invocations on the wrong type are illegal",
     invocations_on_the_wrong_type_are_illegal},
    {"CT517", "deleting the mapped copy frees its entry", deleting_the_mapped_copy_frees_its_entry},
    {"CT518", "deleting another copy keeps the mapping", deleting_another_copy_keeps_the_mapping},
    {"CT519", "revoking the RAM a frame came from frees its entries",
     revoking_the_ram_frees_the_entries},
    {"CT520", "deleting a table lets its frames map elsewhere",
     deleting_a_table_lets_its_frames_map_elsewhere},
    {"CT521", "tables outlive a deleted root; a dying table frees its entry",
     tables_outlive_a_deleted_root},
    {"CT522", "a mapped frame in a dying CNode is unmapped",
     a_mapped_frame_in_a_dying_cnode_is_unmapped},
    {NULL, NULL, NULL},
};
