/* Retype, copy, mint, delete, revoke and identify on hardware memory: every pair and refusal. */
#include "captest.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define KiB ((gensize_t)1024)
#define MiB (1024 * KiB)

/* An L1 slot of the root that the slot allocator does not reach: the tests' own L2 CNode. */
#define SCRATCH_L1 300

/* The root slot that holds the scratch CNode, and slot n of that CNode. */
static struct capref scratch_l1(void)
{
    return (struct capref){.cnode = cnode_root(), .slot = SCRATCH_L1};
}

static struct capref scratch(cslot_t n)
{
    return (struct capref){.cnode = cnode_at_l1(SCRATCH_L1), .slot = n};
}

static bool is_empty(struct capref cap)
{
    struct cap_identity id;
    return err_no(invoke_cap_identify(get_cap_addr(cap), &id)) == SYS_ERR_CAP_NOT_FOUND;
}

/* Are all slots of the L2 CNode at L1 index l1 empty? */
static bool cnode_is_empty(uint32_t l1)
{
    for (cslot_t n = 0; n < L2_CNODE_SLOTS; n++) {
        if (!is_empty((struct capref){.cnode = cnode_at_l1(l1), .slot = n})) {
            return false;
        }
    }
    return true;
}

/* The tests' own L2 CNode at SCRATCH_L1, made from new RAM *cnode_ram. */
static errval_t scratch_create(struct capref *cnode_ram)
{
    cap_delete(scratch_l1()); /* a failed test may have left one behind */
    errval_t err = ram_alloc(cnode_ram, L2_CNODE_BYTES);
    if (err_is_ok(err)) {
        err = cap_retype(scratch_l1(), *cnode_ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1);
    }
    return err;
}

/* Retypes count objects from src at offset into the scratch CNode from slot first; kernel error. */
static errval_t retype(struct capref src, gensize_t offset, enum objtype type, gensize_t bytes,
                       size_t count, cslot_t first)
{
    return invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(src), offset, type, bytes, count,
                               capaddr_l1_slot(SCRATCH_L1), first);
}

/* A refused retype: the exact error, nothing made in the scratch CNode, the RAM still whole. */
#define EXPECT_REFUSED(e, code, ram)                                                               \
    do {                                                                                           \
        EXPECT_ERR(e, code);                                                                       \
        FAIL_IF(!cnode_is_empty(SCRATCH_L1));                                                      \
        FAIL_IF(!ram_is_whole(ram));                                                               \
    } while (0)

/* RAM of ram_bytes and the scratch CNode, for the tests that retype into it. */
struct fixture {
    struct capref ram;
    struct capref cnode_ram;
};

static const char *setup(struct fixture *f, gensize_t ram_bytes)
{
    FAIL_IF_ERR(ram_alloc_aligned(&f->ram, ram_bytes, 64 * KiB));
    FAIL_IF_ERR(scratch_create(&f->cnode_ram));
    return NULL;
}

/* Frees the RAM (and everything made from it), then the scratch CNode with what it holds. */
static const char *teardown(struct fixture *f)
{
    FAIL_IF_ERR(ram_free(f->ram));
    FAIL_IF_ERR(ram_free(f->cnode_ram));
    FAIL_IF(!is_empty(scratch_l1()));
    return NULL;
}

/* The page-table types of this machine: those of the layout libpmap follows for it. */
static bool native_vnode(uint64_t type)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        if (l->table_type[level] == type) {
            return true;
        }
    }
    return false;
}

/* The retype pairs the ABI allows, stated independently of the kernel's type table. */
static bool allowed(enum objtype src, uint64_t dst)
{
    switch (src) {
    case ObjType_PhysAddr:
        return dst == ObjType_PhysAddr || dst == ObjType_RAM || dst == ObjType_DevFrame;
    case ObjType_RAM:
        return dst == ObjType_RAM || dst == ObjType_Frame || dst == ObjType_L1CNode ||
               dst == ObjType_L2CNode || objtype_is_vnode((enum objtype)dst) ||
               dst == ObjType_Dispatcher;
    case ObjType_Frame:
    case ObjType_DevFrame:
        return dst == src;
    case ObjType_Dispatcher:
        return dst == ObjType_Endpoint;
    default:
        return false;
    }
}

static enum err_code expected_retype(enum objtype src, uint64_t dst)
{
    if (dst == ObjType_Null || dst >= ObjType_Num) {
        return SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!allowed(src, dst)) {
        return SYS_ERR_RETYPE_FORBIDDEN;
    }
    if (objtype_is_vnode((enum objtype)dst) && !native_vnode(dst)) {
        return SYS_ERR_VNODE_TYPE_UNSUPPORTED;
    }
    return SYS_ERR_OK;
}

/* The smallest object of type (4 KiB for the Null and unknown types, which are refused anyway). */
static gensize_t smallest_bytes(uint64_t type)
{
    if (type == ObjType_Null || type >= ObjType_Num) {
        return BASE_PAGE_BYTES;
    }
    const struct objtype_info *info = &objtype_info[type];
    return info->fixed_bytes != 0 ? info->fixed_bytes : info->granule_bytes;
}

/*
 * Can the matrix have a source of this type here? Null is no capability;
 * init gets no PhysAddr capability on the PC, so neither PhysAddr nor the
 * DevFrames made from it can be sources; another architecture's page tables
 * cannot be made.
 */
static bool source_exists(enum objtype type)
{
    switch (type) {
    case ObjType_Null:
    case ObjType_PhysAddr:
    case ObjType_DevFrame:
        return false;
    default:
        return !objtype_is_vnode(type) || native_vnode(type);
    }
}

/* A source of type in *src: RAM and frames of their own, others from RAM *parent. */
static errval_t make_source(enum objtype type, struct capref *src, struct capref *parent)
{
    *parent = NULL_CAP;
    /* Aligned for every object the matrix makes (ARMv7 L1 tables need 16 KiB). */
    if (type == ObjType_RAM) {
        return ram_alloc_aligned(src, 64 * KiB, 64 * KiB);
    }
    if (type == ObjType_Frame) {
        return frame_alloc(src, 64 * KiB, NULL);
    }
    if (type == ObjType_Endpoint) { /* from a Dispatcher, the one type it comes from */
        errval_t err = dispatcher_create(parent);
        return err_is_ok(err) ? endpoint_create(*parent, src) : err;
    }
    errval_t err = ram_alloc_aligned(parent, 64 * KiB, 64 * KiB);
    if (err_is_ok(err)) {
        err = slot_alloc(src);
    }
    if (err_is_ok(err)) {
        err = cap_retype(*src, *parent, 0, type, smallest_bytes(type), 1);
    }
    return err;
}

static errval_t free_source(struct capref src, struct capref parent)
{
    if (capref_is_null(parent)) {
        struct cap_identity id;
        errval_t err = cap_identify(src, &id);
        if (err_is_fail(err)) {
            return err;
        }
        return id.type == ObjType_RAM ? ram_free(src) : frame_free(src);
    }
    errval_t err = cap_destroy(src);
    struct cap_identity id;
    if (err_is_ok(err)) {
        err = cap_identify(parent, &id);
    }
    if (err_is_ok(err)) {
        err = id.type == ObjType_Dispatcher ? dispatcher_destroy(parent) : ram_free(parent);
    }
    return err;
}

static const char *pair_reason(enum objtype src, uint64_t dst, enum err_code want, errval_t got)
{
    static char reason[200];
    snprintf(reason, sizeof(reason), "%s -> %s (%u): expected %s, got %s", objtype_name(src),
             objtype_name((enum objtype)dst), (unsigned)dst, err_getcode(want), err_getcode(got));
    return reason;
}

/* One retype of the matrix into dest, checked against the stated result and undone. */
static const char *matrix_case(struct capref src, const struct cap_identity *sid, uint64_t dst,
                               struct capref dest)
{
    gensize_t bytes = smallest_bytes(dst);
    errval_t err = invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(src), 0, (enum objtype)dst,
                                       bytes, 1, dest.cnode.address, dest.slot);
    enum err_code want = expected_retype(sid->type, dst);
    if (err_no(err) != want) {
        return pair_reason(sid->type, dst, want, err);
    }
    if (err_is_fail(err)) {
        FAIL_IF(!is_empty(dest));
        return NULL;
    }
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(dest, &id));
    FAIL_IF(id.type != dst || id.bytes != bytes || id.base != sid->base);
    FAIL_IF(id.rights != sid->rights);
    FAIL_IF_ERR(cap_delete(dest));
    return NULL;
}

/* Every destination type, Null and two unknown numbers, from one source type. */
static const char *matrix_row(enum objtype type)
{
    struct capref src;
    struct capref parent;
    struct capref dest;
    struct cap_identity sid;
    FAIL_IF_ERR(make_source(type, &src, &parent));
    FAIL_IF_ERR(cap_identify(src, &sid));
    FAIL_IF(sid.type != type);
    FAIL_IF_ERR(slot_alloc(&dest));
    for (uint64_t dst = 0; dst <= ObjType_Num + 1; dst++) {
        RUN(matrix_case(src, &sid, dst <= ObjType_Num ? dst : 1000, dest));
    }
    FAIL_IF_ERR(slot_free(dest));
    FAIL_IF_ERR(free_source(src, parent));
    return NULL;
}

static const char *full_matrix(void)
{
    int rows = 0;
    for (enum objtype type = 0; type < ObjType_Num; type++) {
        if (source_exists(type)) {
            RUN(matrix_row(type));
            rows++;
        }
    }
    FAIL_IF(rows < 5); /* RAM, Frame, two CNodes and at least one page table */
    return NULL;
}

static const char *placed_back_to_back_with_the_source_rights(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    struct cap_identity ram;
    FAIL_IF_ERR(cap_identify(f.ram, &ram));
    FAIL_IF_ERR(retype(f.ram, 20 * KiB, ObjType_Frame, 8 * KiB, 3, 10));
    for (cslot_t i = 0; i < 3; i++) {
        struct cap_identity id;
        FAIL_IF_ERR(cap_identify(scratch(10 + i), &id));
        FAIL_IF(id.type != ObjType_Frame || id.bytes != 8 * KiB || id.rights != ram.rights);
        FAIL_IF(id.base != ram.base + 20 * KiB + i * 8 * KiB);
    }
    FAIL_IF(!is_empty(scratch(13)) || !is_empty(scratch(9)));
    /* Through a copy without execute, the new objects have no execute (but grant: they are the
       maker's own); without write, none. */
    FAIL_IF_ERR(cap_mint(scratch(50), f.ram, CAPRIGHTS_READ_WRITE));
    FAIL_IF_ERR(retype(scratch(50), 0, ObjType_Frame, 4 * KiB, 1, 51));
    struct cap_identity rw;
    FAIL_IF_ERR(cap_identify(scratch(51), &rw));
    FAIL_IF(rw.rights != (CAPRIGHTS_READ_WRITE | CAPRIGHTS_GRANT));
    FAIL_IF_ERR(cap_mint(scratch(52), f.ram, CAPRIGHTS_READ));
    FAIL_IF(err_no(retype(scratch(52), 4 * KiB, ObjType_Frame, 4 * KiB, 1, 53)) !=
            SYS_ERR_RETYPE_NEEDS_WRITE);
    FAIL_IF(!is_empty(scratch(53)));
    return teardown(&f);
}

/* Fills bytes of ram from offset with 0xa5 through a frame mapped for it, then deletes the frame.
 */
static const char *dirty(struct capref ram, gensize_t offset, gensize_t bytes)
{
    struct capref frame;
    genvaddr_t a;
    FAIL_IF_ERR(slot_alloc(&frame));
    FAIL_IF_ERR(cap_retype(frame, ram, offset, ObjType_Frame, bytes, 1));
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, bytes, BASE_PAGE_BYTES, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, bytes, VREGION_FLAGS_READ_WRITE));
    memset((void *)(uintptr_t)a, 0xa5, bytes);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, bytes));
    FAIL_IF_ERR(cap_destroy(frame));
    return NULL;
}

/* A new frame over dirtied memory reads as zero. */
static const char *frames_are_zeroed(struct capref ram)
{
    RUN(dirty(ram, 0, 16 * KiB));
    FAIL_IF_ERR(retype(ram, 4 * KiB, ObjType_Frame, 8 * KiB, 1, 0));
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, 8 * KiB, BASE_PAGE_BYTES, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, scratch(0), 0, 8 * KiB, VREGION_FLAGS_READ));
    struct cap_identity frame;
    FAIL_IF_ERR(cap_identify(scratch(0), &frame));
    RUN(hw_mapped(a, 8 * KiB, frame.base, VREGION_FLAGS_READ)); /* the dirtied bytes, not others */
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)a;
    bool zero = true;
    for (gensize_t i = 0; i < 8 * KiB; i++) {
        zero &= p[i] == 0;
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8 * KiB));
    FAIL_IF(!zero);
    FAIL_IF_ERR(cap_delete(scratch(0)));
    return NULL;
}

/* A new L2 CNode over dirtied memory holds no capability in any slot. */
static const char *cnodes_are_zeroed(struct capref ram)
{
    struct capref at = {.cnode = cnode_root(), .slot = SCRATCH_L1 + 1};
    FAIL_IF(!is_empty(at));
    RUN(dirty(ram, 0, L2_CNODE_BYTES));
    FAIL_IF_ERR(cap_retype(at, ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    bool empty = cnode_is_empty(SCRATCH_L1 + 1);
    FAIL_IF_ERR(cap_delete(at));
    FAIL_IF(!empty);
    return NULL;
}

/* Something table (of level) takes in each entry: a next-level table or a 4 KiB frame. */
static errval_t child_for(int level, struct capref *ret)
{
    const struct pmap_layout *l = pmap_arch_layout();
    if (level == l->levels - 1) {
        return frame_alloc(ret, BASE_PAGE_BYTES, NULL);
    }
    return vnode_create(ret, l->table_type[level + 1]);
}

static errval_t child_free(int level, struct capref child)
{
    return level == pmap_arch_layout()->levels - 1 ? frame_free(child) : vnode_destroy(child);
}

/* Every user entry of table is empty: a child maps into each one (and is unmapped again). */
static const char *every_entry_is_free(struct capref table, int level)
{
    const struct pmap_layout *l = pmap_arch_layout();
    cslot_t entries = level == 0 ? (cslot_t)(l->user_end / l->span_bytes[0]) : l->entries[level];
    struct capref child;
    FAIL_IF_ERR(child_for(level, &child));
    for (cslot_t slot = 0; slot < entries; slot++) {
        FAIL_IF_ERR(vnode_map(table, slot, child, VREGION_FLAGS_READ, 0, 1));
        FAIL_IF_ERR(vnode_unmap(table, child, slot, 1));
    }
    FAIL_IF_ERR(child_free(level, child));
    return NULL;
}

/* A new page table of each level over dirtied memory has no entry present. */
static const char *page_tables_are_zeroed(struct capref ram)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        enum objtype type = l->table_type[level];
        gensize_t bytes = objtype_info[type].fixed_bytes;
        RUN(dirty(ram, 0, bytes < BASE_PAGE_BYTES ? BASE_PAGE_BYTES : bytes));
        FAIL_IF_ERR(retype(ram, 0, type, bytes, 1, 0));
        RUN(every_entry_is_free(scratch(0), level));
        FAIL_IF_ERR(cap_delete(scratch(0)));
    }
    return NULL;
}

static const char *new_objects_are_zeroed(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    RUN(frames_are_zeroed(f.ram));
    RUN(cnodes_are_zeroed(f.ram));
    RUN(page_tables_are_zeroed(f.ram));
    FAIL_IF(!ram_is_whole(f.ram));
    return teardown(&f);
}

static const char *l1_cnodes_are_multiples_of_an_l2_cnode(void)
{
    struct fixture f;
    RUN(setup(&f, 4 * L2_CNODE_BYTES));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_L1CNode, 2 * L2_CNODE_BYTES, 1, 0));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(scratch(0), &id));
    FAIL_IF(id.type != ObjType_L1CNode || id.bytes != 2 * L2_CNODE_BYTES);
    FAIL_IF_ERR(cap_delete(scratch(0)));
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_L1CNode, L2_CNODE_BYTES / 2, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_L1CNode, 3 * L2_CNODE_BYTES / 2, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    return teardown(&f);
}

static const char *refuses_unknown_types_and_zero_count(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Num, BASE_PAGE_BYTES, 1, 0), SYS_ERR_ILLEGAL_DEST_TYPE,
                   f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, (enum objtype)1000, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_ILLEGAL_DEST_TYPE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Null, BASE_PAGE_BYTES, 1, 0), SYS_ERR_ILLEGAL_DEST_TYPE,
                   f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_PhysAddr, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_FORBIDDEN, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_DevFrame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_FORBIDDEN, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 0, 0),
                   SYS_ERR_RETYPE_INVALID_COUNT, f.ram);
    return teardown(&f);
}

static const char *refuses_sizes_the_type_does_not_have(void)
{
    struct fixture f;
    RUN(setup(&f, 4 * L2_CNODE_BYTES));
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, 0, 1, 0), SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES + 1, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_RAM, 100, 1, 0), SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_L2CNode, 2 * L2_CNODE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
    for (enum objtype type = 0; type < ObjType_Num; type++) {
        if (native_vnode(type)) {
            EXPECT_REFUSED(retype(f.ram, 0, type, 2 * objtype_info[type].fixed_bytes, 1, 0),
                           SYS_ERR_RETYPE_INVALID_SIZE, f.ram);
        }
    }
    return teardown(&f);
}

static const char *refuses_misaligned_offsets(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    EXPECT_REFUSED(retype(f.ram, BASE_PAGE_BYTES / 2, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_MISALIGNED, f.ram);
    EXPECT_REFUSED(retype(f.ram, 100, ObjType_L2CNode, L2_CNODE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_MISALIGNED, f.ram);
    const struct pmap_layout *l = pmap_arch_layout();
    enum objtype leaf = l->table_type[l->levels - 1];
    EXPECT_REFUSED(retype(f.ram, 512, leaf, objtype_info[leaf].fixed_bytes, 1, 0),
                   SYS_ERR_RETYPE_MISALIGNED, f.ram);
    return teardown(&f);
}

static const char *refuses_ranges_beyond_the_source(void)
{
    struct fixture f;
    const gensize_t bytes = 64 * KiB;
    RUN(setup(&f, bytes));
    EXPECT_REFUSED(retype(f.ram, bytes, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                   SYS_ERR_RETYPE_OUT_OF_BOUNDS, f.ram);
    EXPECT_REFUSED(retype(f.ram, bytes - BASE_PAGE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 2, 0),
                   SYS_ERR_RETYPE_OUT_OF_BOUNDS, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, 2 * bytes, 1, 0), SYS_ERR_RETYPE_OUT_OF_BOUNDS,
                   f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, SIZE_MAX / 2, 0),
                   SYS_ERR_RETYPE_OUT_OF_BOUNDS, f.ram);
    /* count x size wraps to one page; an offset that wraps the physical address space. */
    EXPECT_REFUSED(
        retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, SIZE_MAX / BASE_PAGE_BYTES + 2, 0),
        SYS_ERR_RETYPE_OUT_OF_BOUNDS, f.ram);
    EXPECT_REFUSED(
        retype(f.ram, ~(gensize_t)0 - BASE_PAGE_BYTES + 1, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
        SYS_ERR_RETYPE_OUT_OF_BOUNDS, f.ram);
    return teardown(&f);
}

/* A retype over a live frame at [16K, 32K) of the fixture's RAM, refused with nothing made. */
#define EXPECT_OVERLAP(offset, type, bytes)                                                        \
    do {                                                                                           \
        EXPECT_ERR(retype(f.ram, (offset), (type), (bytes), 1, 0), SYS_ERR_RETYPE_OVERLAP);        \
        FAIL_IF(!is_empty(scratch(0)));                                                            \
    } while (0)

static const char *refuses_overlap_with_a_live_descendant(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 16 * KiB, ObjType_Frame, 16 * KiB, 1, 20));
    /* Ending inside, starting inside, covering, exactly equal, and another type over it. */
    EXPECT_OVERLAP(0, ObjType_Frame, 20 * KiB);
    EXPECT_OVERLAP(28 * KiB, ObjType_Frame, 16 * KiB);
    EXPECT_OVERLAP(0, ObjType_Frame, 64 * KiB);
    EXPECT_OVERLAP(16 * KiB, ObjType_Frame, 16 * KiB);
    EXPECT_OVERLAP(16 * KiB, ObjType_L2CNode, L2_CNODE_BYTES);
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, 16 * KiB, 1, 0)); /* neighbours are fine */
    FAIL_IF_ERR(retype(f.ram, 32 * KiB, ObjType_Frame, 16 * KiB, 1, 1));
    return teardown(&f);
}

static const char *overlap_counts_grandchildren(void)
{
    struct fixture f;
    RUN(setup(&f, 128 * KiB));
    /* R1: RAM at [64K, 128K); a frame inside R1 made through a copy of R1. */
    FAIL_IF_ERR(retype(f.ram, 64 * KiB, ObjType_RAM, 64 * KiB, 1, 30));
    FAIL_IF_ERR(cap_copy(scratch(31), scratch(30)));
    FAIL_IF_ERR(retype(scratch(31), 32 * KiB, ObjType_Frame, BASE_PAGE_BYTES, 1, 32));
    EXPECT_ERR(retype(scratch(30), 32 * KiB, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
               SYS_ERR_RETYPE_OVERLAP);
    EXPECT_ERR(retype(f.ram, 64 * KiB, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
               SYS_ERR_RETYPE_OVERLAP);
    FAIL_IF_ERR(retype(scratch(30), 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    /* With every copy of R1 gone, the grandchild alone still blocks its range of the RAM. */
    FAIL_IF_ERR(cap_delete(scratch(0)));
    FAIL_IF_ERR(cap_delete(scratch(30)));
    FAIL_IF_ERR(cap_delete(scratch(31)));
    EXPECT_ERR(retype(f.ram, 96 * KiB, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
               SYS_ERR_RETYPE_OVERLAP);
    EXPECT_ERR(retype(f.ram, 64 * KiB, ObjType_Frame, 64 * KiB, 1, 0), SYS_ERR_RETYPE_OVERLAP);
    FAIL_IF(!is_empty(scratch(0)));
    FAIL_IF_ERR(retype(f.ram, 64 * KiB, ObjType_Frame, 32 * KiB, 1, 0));
    FAIL_IF_ERR(cap_delete(scratch(32)));
    FAIL_IF_ERR(cap_delete(scratch(0)));
    FAIL_IF(!ram_is_whole(f.ram));
    return teardown(&f);
}

static const char *refuses_a_retype_that_would_copy(void)
{
    struct fixture f;
    RUN(setup(&f, 128 * KiB));
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_RAM, 128 * KiB, 1, 0), SYS_ERR_RETYPE_WOULD_COPY,
                   f.ram);
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_RAM, 16 * BASE_PAGE_BYTES, 1, 40));
    EXPECT_ERR(retype(scratch(40), 0, ObjType_RAM, 16 * BASE_PAGE_BYTES, 1, 0),
               SYS_ERR_RETYPE_WOULD_COPY);
    FAIL_IF(!is_empty(scratch(0)));
    FAIL_IF_ERR(retype(scratch(40), 0, ObjType_Frame, 16 * BASE_PAGE_BYTES, 1, 0));
    EXPECT_ERR(retype(scratch(0), 0, ObjType_Frame, 16 * BASE_PAGE_BYTES, 1, 1),
               SYS_ERR_RETYPE_WOULD_COPY);
    FAIL_IF(!is_empty(scratch(1)));
    return teardown(&f);
}

static const char *refuses_occupied_destinations_and_creates_none(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 5));
    EXPECT_ERR(retype(f.ram, BASE_PAGE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 8, 0),
               SYS_ERR_SLOT_IN_USE);
    for (cslot_t n = 0; n < 8; n++) {
        FAIL_IF(n != 5 && !is_empty(scratch(n)));
    }
    FAIL_IF_ERR(cap_delete(scratch(5)));
    FAIL_IF(!ram_is_whole(f.ram));
    return teardown(&f);
}

static const char *refuses_bad_destinations_and_sources(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    struct capref into_frame = {.cnode = {.address = get_cap_addr(frame), .l1_index = 0}};
    EXPECT_REFUSED(err_pop(cap_retype(into_frame, f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1)),
                   SYS_ERR_NOT_A_CNODE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, L2_CNODE_SLOTS),
                   SYS_ERR_SLOT_OUT_OF_RANGE, f.ram);
    EXPECT_REFUSED(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 8, L2_CNODE_SLOTS - 4),
                   SYS_ERR_SLOT_OUT_OF_RANGE, f.ram);
    struct capref empty;
    FAIL_IF_ERR(slot_alloc(&empty));
    struct capref into_empty = {.cnode = {.address = get_cap_addr(empty), .l1_index = 0}};
    EXPECT_REFUSED(err_pop(cap_retype(into_empty, f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1)),
                   SYS_ERR_CAP_NOT_FOUND, f.ram);
    EXPECT_REFUSED(retype(empty, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0), SYS_ERR_CAP_NOT_FOUND,
                   f.ram);
    FAIL_IF_ERR(slot_free(empty));
    FAIL_IF_ERR(frame_free(frame));
    return teardown(&f);
}

static bool same_object(struct capref a, struct capref b)
{
    struct cap_identity x;
    struct cap_identity y;
    return err_is_ok(cap_identify(a, &x)) && err_is_ok(cap_identify(b, &y)) && x.type == y.type &&
           x.base == y.base && x.bytes == y.bytes && x.rights == y.rights;
}

static const char *copy_names_the_same_object_and_refuses(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 2, 0));
    FAIL_IF_ERR(cap_copy(scratch(2), scratch(0)));
    FAIL_IF(!same_object(scratch(0), scratch(2)));
    EXPECT_ERR(err_pop(cap_copy(scratch(1), scratch(0))), SYS_ERR_SLOT_IN_USE);
    EXPECT_ERR(err_pop(cap_copy(scratch(3), scratch(9))), SYS_ERR_CAP_NOT_FOUND);
    struct capref into_frame = {.cnode = {.address = get_cap_addr(scratch(0))}, .slot = 3};
    EXPECT_ERR(err_pop(cap_copy(into_frame, scratch(1))), SYS_ERR_NOT_A_CNODE);
    EXPECT_ERR(err_pop(cap_copy(scratch(L2_CNODE_SLOTS), scratch(1))), SYS_ERR_SLOT_OUT_OF_RANGE);
    FAIL_IF(!is_empty(scratch(3)) || !is_empty(scratch(9)));
    struct cap_identity a;
    struct cap_identity b;
    FAIL_IF_ERR(cap_identify(scratch(0), &a));
    FAIL_IF_ERR(cap_identify(scratch(1), &b));
    FAIL_IF(b.base != a.base + BASE_PAGE_BYTES); /* the occupied slot kept its own frame */
    return teardown(&f);
}

static const char *mint_reduces_rights_and_never_adds(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    FAIL_IF_ERR(cap_mint(scratch(1), scratch(0), CAPRIGHTS_READ));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(scratch(1), &id));
    FAIL_IF(id.rights != CAPRIGHTS_READ);
    EXPECT_ERR(err_pop(cap_mint(scratch(2), scratch(1), CAPRIGHTS_READ_WRITE)),
               SYS_ERR_MINT_RIGHTS_EXCEED);
    EXPECT_ERR(err_pop(cap_mint(scratch(2), scratch(0), 0x80)), SYS_ERR_INVALID_RIGHTS);
    FAIL_IF(!is_empty(scratch(2)));
    FAIL_IF_ERR(cap_copy(scratch(3), scratch(1)));
    FAIL_IF_ERR(cap_identify(scratch(3), &id));
    FAIL_IF(id.rights != CAPRIGHTS_READ);
    return teardown(&f);
}

static const char *delete_and_revoke_refuse_an_empty_slot(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    FAIL_IF_ERR(cap_delete(scratch(0)));
    FAIL_IF(!is_empty(scratch(0)));
    EXPECT_ERR(err_pop(cap_delete(scratch(0))), SYS_ERR_CAP_NOT_FOUND);
    EXPECT_ERR(err_pop(cap_revoke(scratch(5))), SYS_ERR_CAP_NOT_FOUND);
    FAIL_IF(!ram_is_whole(f.ram));
    return teardown(&f);
}

static const char *retypeable_only_when_the_last_copy_is_gone(void)
{
    struct fixture f;
    RUN(setup(&f, 64 * KiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    FAIL_IF_ERR(cap_copy(scratch(1), scratch(0)));
    FAIL_IF_ERR(cap_mint(scratch(2), scratch(0), CAPRIGHTS_READ));
    FAIL_IF_ERR(cap_delete(scratch(0)));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(scratch(1), &id));
    FAIL_IF(id.type != ObjType_Frame);
    FAIL_IF(ram_is_whole(f.ram));
    FAIL_IF_ERR(cap_delete(scratch(1)));
    FAIL_IF(ram_is_whole(f.ram));
    FAIL_IF_ERR(cap_delete(scratch(2)));
    FAIL_IF(!ram_is_whole(f.ram));
    return teardown(&f);
}

/* The L1 slot next to the scratch CNode, for a CNode under test. */
static struct capref other_l1(void)
{
    return (struct capref){.cnode = cnode_root(), .slot = SCRATCH_L1 + 1};
}

static struct capref other(cslot_t n)
{
    return (struct capref){.cnode = cnode_at_l1(SCRATCH_L1 + 1), .slot = n};
}

static const char *deleting_the_last_cnode_copy_deletes_its_contents(void)
{
    struct capref ram;
    FAIL_IF(!is_empty(other_l1()));
    FAIL_IF_ERR(ram_alloc(&ram, L2_CNODE_BYTES + 8 * BASE_PAGE_BYTES));
    FAIL_IF_ERR(cap_retype(other_l1(), ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_retype(other(0), ram, L2_CNODE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 8));
    FAIL_IF_ERR(cap_copy(other(100), ram)); /* a copy of its own memory */
    FAIL_IF(ram_is_whole(ram));
    FAIL_IF_ERR(cap_delete(other_l1()));
    FAIL_IF(!is_empty(other_l1()));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(ram, &id));
    FAIL_IF(id.type != ObjType_RAM);
    FAIL_IF(!ram_is_whole(ram));
    FAIL_IF_ERR(ram_free(ram));
    return NULL;
}

static const char *deleting_one_cnode_copy_keeps_its_contents(void)
{
    struct capref ram;
    struct capref a;
    struct capref b;
    FAIL_IF(!is_empty(other_l1()));
    FAIL_IF_ERR(ram_alloc(&ram, L2_CNODE_BYTES + BASE_PAGE_BYTES));
    FAIL_IF_ERR(slot_alloc(&a));
    FAIL_IF_ERR(slot_alloc(&b));
    FAIL_IF_ERR(cap_retype(a, ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_copy(b, a));
    /* A CNode need not be installed to be a destination: name it by its capability. */
    struct capref in_a = {.cnode = {.address = get_cap_addr(a)}, .slot = 7};
    FAIL_IF_ERR(cap_retype(in_a, ram, L2_CNODE_BYTES, ObjType_Frame, BASE_PAGE_BYTES, 1));
    FAIL_IF_ERR(cap_delete(a));
    FAIL_IF_ERR(cap_copy(other_l1(), b));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(other(7), &id));
    FAIL_IF(id.type != ObjType_Frame);
    FAIL_IF_ERR(cap_delete(other_l1()));
    FAIL_IF(ram_is_whole(ram));
    FAIL_IF_ERR(cap_destroy(b));
    FAIL_IF(!ram_is_whole(ram));
    FAIL_IF_ERR(slot_free(a));
    FAIL_IF_ERR(ram_free(ram));
    return NULL;
}

/*
 * Builds a chain: head -> CNode 0, whose slot 0 holds the only capability
 * to CNode 1 -> ... Each step installs the chain's tail at other_l1() to
 * name it as a destination.
 */
static const char *build_cnode_chain(struct capref ram, struct capref head, unsigned length)
{
    struct capref tmp;
    FAIL_IF_ERR(slot_alloc(&tmp));
    FAIL_IF_ERR(cap_retype(head, ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_copy(other_l1(), head));
    for (unsigned i = 1; i < length; i++) {
        FAIL_IF_ERR(
            cap_retype(other(0), ram, i * L2_CNODE_BYTES, ObjType_L2CNode, L2_CNODE_BYTES, 1));
        FAIL_IF_ERR(cap_copy(tmp, other(0)));
        FAIL_IF_ERR(cap_delete(other_l1()));
        FAIL_IF_ERR(cap_copy(other_l1(), tmp));
        FAIL_IF_ERR(cap_delete(tmp));
    }
    FAIL_IF_ERR(cap_delete(other_l1()));
    FAIL_IF_ERR(slot_free(tmp));
    return NULL;
}

static const char *a_long_chain_of_cnodes_dies_with_its_head(void)
{
    const unsigned length = 1000;
    struct capref ram;
    struct capref head;
    FAIL_IF(!is_empty(other_l1()));
    FAIL_IF_ERR(ram_alloc(&ram, length * L2_CNODE_BYTES));
    FAIL_IF_ERR(slot_alloc(&head));
    RUN(build_cnode_chain(ram, head, length));
    FAIL_IF(ram_is_whole(ram));
    FAIL_IF_ERR(cap_destroy(head));
    FAIL_IF(!ram_is_whole(ram));
    FAIL_IF_ERR(ram_free(ram));
    return NULL;
}

static const char *revoke_removes_copies_and_descendants_not_the_cap(void)
{
    struct fixture f;
    RUN(setup(&f, 4 * MiB));
    FAIL_IF_ERR(retype(f.ram, 0, ObjType_RAM, MiB, 1, 0));
    FAIL_IF_ERR(cap_copy(scratch(1), scratch(0)));
    FAIL_IF_ERR(retype(scratch(0), 0, ObjType_Frame, BASE_PAGE_BYTES, 4, 2));
    FAIL_IF_ERR(retype(scratch(1), 64 * KiB, ObjType_RAM, 64 * KiB, 1, 6));
    FAIL_IF_ERR(retype(scratch(6), 0, ObjType_Frame, BASE_PAGE_BYTES, 1, 7));
    FAIL_IF_ERR(retype(f.ram, 2 * MiB, ObjType_Frame, BASE_PAGE_BYTES, 1, 8)); /* outside */
    FAIL_IF_ERR(cap_revoke(scratch(0)));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(scratch(0), &id));
    FAIL_IF(id.type != ObjType_RAM || id.bytes != MiB);
    for (cslot_t n = 1; n < 8; n++) {
        FAIL_IF(!is_empty(scratch(n)));
    }
    FAIL_IF_ERR(cap_identify(scratch(8), &id));
    FAIL_IF(id.type != ObjType_Frame);
    FAIL_IF_ERR(retype(scratch(0), 0, ObjType_Frame, MiB, 1, 1));
    return teardown(&f);
}

static const char *revoke_survives_its_own_slot_dying(void)
{
    struct capref ram;
    struct capref r1;
    FAIL_IF(!is_empty(other_l1()));
    FAIL_IF_ERR(ram_alloc(&ram, MiB));
    FAIL_IF_ERR(slot_alloc(&r1));
    /* R1 from the RAM; a CNode from R1 installed in L1; a copy of R1 lives in that CNode. */
    FAIL_IF_ERR(cap_retype(r1, ram, 0, ObjType_RAM, MiB / 2, 1));
    FAIL_IF_ERR(cap_retype(other_l1(), r1, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    FAIL_IF_ERR(cap_copy(other(0), r1));
    FAIL_IF_ERR(cap_revoke(other(0)));
    FAIL_IF(!is_empty(r1) || !is_empty(other_l1()));
    FAIL_IF(!ram_is_whole(ram));
    FAIL_IF_ERR(slot_free(r1));
    FAIL_IF_ERR(ram_free(ram));
    return NULL;
}

static const char *identify_memory_and_frames(struct fixture *f)
{
    struct cap_identity boot;
    struct cap_identity ram;
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(cap_ram_boot(0), &boot));
    FAIL_IF_ERR(cap_identify(f->ram, &ram));
    FAIL_IF(ram.type != ObjType_RAM || ram.bytes != 256 * KiB || ram.rights != boot.rights);
    FAIL_IF(ram.base % BASE_PAGE_BYTES != 0);
    FAIL_IF_ERR(retype(f->ram, 3 * BASE_PAGE_BYTES, ObjType_Frame, 2 * BASE_PAGE_BYTES, 1, 0));
    FAIL_IF_ERR(cap_mint(scratch(1), scratch(0), CAPRIGHTS_READ | CAPRIGHTS_EXECUTE));
    FAIL_IF_ERR(cap_identify(scratch(1), &id));
    FAIL_IF(id.type != ObjType_Frame || id.base != ram.base + 3 * BASE_PAGE_BYTES);
    FAIL_IF(id.bytes != 2 * BASE_PAGE_BYTES || id.rights != (CAPRIGHTS_READ | CAPRIGHTS_EXECUTE));
    return NULL;
}

static const char *identify_cnodes_and_tables(struct fixture *f)
{
    struct cap_identity id;
    FAIL_IF_ERR(retype(f->ram, 128 * KiB, ObjType_L1CNode, 4 * L2_CNODE_BYTES, 1, 2));
    FAIL_IF_ERR(cap_identify(scratch(2), &id));
    FAIL_IF(id.type != ObjType_L1CNode || id.bytes / CTE_BYTES != 4 * L2_CNODE_SLOTS);
    FAIL_IF_ERR(retype(f->ram, 32 * KiB, ObjType_L2CNode, L2_CNODE_BYTES, 1, 3));
    FAIL_IF_ERR(cap_identify(scratch(3), &id));
    FAIL_IF(id.type != ObjType_L2CNode || id.bytes / CTE_BYTES != L2_CNODE_SLOTS);
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        enum objtype type = l->table_type[level];
        gensize_t offset = 64 * KiB + (gensize_t)level * 16 * KiB;
        FAIL_IF_ERR(retype(f->ram, offset, type, objtype_info[type].fixed_bytes, 1, 4 + level));
        FAIL_IF_ERR(cap_identify(scratch(4 + level), &id));
        FAIL_IF(id.type != type || id.bytes != objtype_info[type].fixed_bytes);
    }
    FAIL_IF_ERR(invoke_cap_identify(CAPADDR_ROOTCN, &id));
    FAIL_IF(id.type != ObjType_L1CNode || id.bytes / CTE_BYTES != INIT_ROOTCN_SLOTS);
    return NULL;
}

static const char *identify_reports_each_kind(void)
{
    struct fixture f;
    RUN(setup(&f, 256 * KiB));
    RUN(identify_memory_and_frames(&f));
    RUN(identify_cnodes_and_tables(&f));
    struct cap_identity id = {.type = ObjType_RAM, .base = 1, .bytes = 2, .rights = 3};
    EXPECT_ERR(invoke_cap_identify(get_cap_addr(scratch(200)), &id), SYS_ERR_CAP_NOT_FOUND);
    FAIL_IF(id.type != ObjType_RAM || id.base != 1 || id.bytes != 2 || id.rights != 3);
    return teardown(&f);
}

const struct booted_test captest_retype[] = {
    {"CT401", "the full retype source/destination type matrix", full_matrix},
    {"CT402", "objects are placed back to back with the source's rights",
     placed_back_to_back_with_the_source_rights},
    {"CT403", "new frames, CNodes and page tables are zeroed", new_objects_are_zeroed},
    {"CT404", "L1 CNodes are multiples of an L2 CNode", l1_cnodes_are_multiples_of_an_l2_cnode},
    {"CT405", "retype refuses Null, unknown and forbidden types and count 0",
     refuses_unknown_types_and_zero_count},
    {"CT406", "retype refuses sizes the type does not have", refuses_sizes_the_type_does_not_have},
    {"CT407", "retype refuses misaligned offsets", refuses_misaligned_offsets},
    {"CT408", "retype refuses ranges beyond the source, also wrapping ones",
     refuses_ranges_beyond_the_source},
    {"CT409", "retype refuses overlap with a live descendant",
     refuses_overlap_with_a_live_descendant},
    {"CT410", "overlap counts grandchildren and children of copies", overlap_counts_grandchildren},
    {"CT411", "retype refuses what would only be a copy", refuses_a_retype_that_would_copy},
    {"CT412", "an occupied destination is refused and nothing is made",
     refuses_occupied_destinations_and_creates_none},
    {"CT413", "retype refuses non-CNode, out-of-range and empty names",
     refuses_bad_destinations_and_sources},
    {"CT414", "copy names the same object; its refusals", copy_names_the_same_object_and_refuses},
    {"CT415", "mint reduces rights and never adds any", mint_reduces_rights_and_never_adds},
    {"CT416", "delete empties the slot; delete and revoke refuse empty slots",
     delete_and_revoke_refuse_an_empty_slot},
    {"CT417", "memory is retypeable only when the last copy is gone",
     retypeable_only_when_the_last_copy_is_gone},
    {"CT418", "deleting the last copy of an L2 CNode deletes its contents",
     deleting_the_last_cnode_copy_deletes_its_contents},
    {"CT419", "deleting one copy of a CNode keeps its contents",
     deleting_one_cnode_copy_keeps_its_contents},
    {"CT420", "a chain of 1000 CNodes dies with its head",
     a_long_chain_of_cnodes_dies_with_its_head},
    {"CT421", "revoke removes copies and descendants but not the cap",
     revoke_removes_copies_and_descendants_not_the_cap},
    {"CT422", "revoke survives its own slot dying", revoke_survives_its_own_slot_dying},
    {"CT423", "identify reports each kind of capability", identify_reports_each_kind},
    {NULL, NULL, NULL},
};
