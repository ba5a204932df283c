/* libpmap's refusals and exhaustion: each error named exactly, and the pmap still sound after. */
#include "pmap_fixture.h"
#include <stdlib.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES
#define KIB(n) ((gensize_t)(n) << 10)
#define MIB(n) ((gensize_t)(n) << 20)
#define RW VREGION_FLAGS_READ_WRITE
#define RO VREGION_FLAGS_READ

/* ---- Error chains ------------------------------------------------------------------------ */

/* Asserts that err fails with outer on top and code somewhere in its causes. */
static void assert_chain_has(errval_t err, enum err_code outer, enum err_code code, int line)
{
    char text[512];
    err_format(err, text, sizeof(text));
    ck_assert_msg(err_no(err) == outer, "line %d: expected %s on top of %s", line,
                  err_getcode(outer), text);
    ck_assert_msg(err_has(err, code), "line %d: expected %s among the causes of %s", line,
                  err_getcode(code), text);
}

/* ---- Layout-dependent values, decided at run time ---------------------------------------- */

static const struct pmap_layout *layout(void)
{
    return pmap_arch_layout();
}

/* What one leaf table maps (x86-64: 2 MiB; ARMv7: 1 MiB). */
static gensize_t leaf_span(void)
{
    return layout()->span_bytes[layout()->levels - 2];
}

/* The smallest large page of the format: one entry of the table above the leaves. */
static gensize_t large_bytes(void)
{
    ck_assert(layout()->frame_level[layout()->levels - 2]);
    return leaf_span();
}

/* Where the tests put their own mappings: far from user_min and from the metadata window. */
static genvaddr_t test_base(void)
{
    return 64 * leaf_span();
}

static genvaddr_t align_up(genvaddr_t vaddr, gensize_t alignment)
{
    return (vaddr + alignment - 1) & ~(alignment - 1);
}

/* ---- Frames and the oracle --------------------------------------------------------------- */

static struct capref new_frame(gensize_t bytes)
{
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, bytes, NULL));
    return frame;
}

static struct capref new_aligned_frame(gensize_t bytes, gensize_t alignment)
{
    struct capref frame;
    ck_assert_ok(frame_alloc_aligned(&frame, bytes, alignment));
    return frame;
}

static genpaddr_t frame_base(struct capref frame)
{
    struct cap_identity id;
    ck_assert_ok(cap_identify(frame, &id));
    return id.base;
}

/* Every page of a short range, or 256 spread over a long one, and always the last. */
static gensize_t check_stride(gensize_t bytes)
{
    gensize_t pages = bytes / PAGE;
    return pages <= 256 ? PAGE : pages / 256 * PAGE;
}

/* Asserts va translates to pa (in pages of page_bytes unless 0) and pmap_lookup agrees. */
static void check_page(struct pmap *p, genvaddr_t va, genpaddr_t pa, gensize_t page_bytes, int line)
{
    struct walk_result w = walk_translate(p->root_base, va);
    ck_assert_msg(
        w.present && w.paddr == pa, "line %d: 0x%llx reaches 0x%llx (present %d), not 0x%llx", line,
        (unsigned long long)va, (unsigned long long)w.paddr, w.present, (unsigned long long)pa);
    ck_assert_msg(page_bytes == 0 || w.page_bytes == page_bytes,
                  "line %d: 0x%llx is mapped by a page of 0x%llx bytes, not 0x%llx", line,
                  (unsigned long long)va, (unsigned long long)w.page_bytes,
                  (unsigned long long)page_bytes);
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(p, va, &info);
    ck_assert_msg(err_is_ok(err), "line %d: lookup of 0x%llx: %s", line, (unsigned long long)va,
                  err_getcode(err));
    ck_assert_msg(info.vaddr <= va && va - info.vaddr < info.bytes &&
                      frame_base(info.frame) + info.offset_bytes + (va - info.vaddr) == pa &&
                      info.page_bytes == w.page_bytes,
                  "line %d: lookup of 0x%llx disagrees with the tables", line,
                  (unsigned long long)va);
}

static void assert_mapped_in(struct pmap *p, genvaddr_t va, gensize_t bytes, genpaddr_t pa,
                             gensize_t page_bytes, int line)
{
    gensize_t stride = check_stride(bytes);
    for (gensize_t off = 0; off < bytes; off += stride) {
        check_page(p, va + off, pa + off, page_bytes, line);
    }
    check_page(p, va + bytes - PAGE, pa + bytes - PAGE, page_bytes, line);
}

/* Asserts nothing of [va, va + bytes) translates and pmap_lookup finds nothing there. */
static void assert_unmapped_in(struct pmap *p, genvaddr_t va, gensize_t bytes, int line)
{
    gensize_t stride = check_stride(bytes);
    for (gensize_t off = 0; off < bytes; off += stride) {
        genvaddr_t page = off + stride >= bytes ? va + bytes - PAGE : va + off;
        struct walk_result w = walk_translate(p->root_base, page);
        ck_assert_msg(!w.present, "line %d: 0x%llx still translates", line,
                      (unsigned long long)page);
        struct pmap_mapping_info info;
        errval_t err = pmap_lookup(p, page, &info);
        ck_assert_msg(err == LIB_ERR_PMAP_NOT_MAPPED, "line %d: lookup of 0x%llx: %s", line,
                      (unsigned long long)page, err_getcode(err));
    }
}

#define ck_assert_mapped(va, bytes, pa, page_bytes)                                                \
    assert_mapped_in(&test_pmap, (va), (bytes), (pa), (page_bytes), __LINE__)
#define ck_assert_unmapped(va, bytes) assert_unmapped_in(&test_pmap, (va), (bytes), __LINE__)

/* Maps a fresh frame at a free address, checks it, unmaps it: the pmap still works. */
static void assert_usable_in(struct pmap *p, int line)
{
    struct capref frame = new_frame(3 * PAGE);
    genvaddr_t va;
    ck_assert_ok(pmap_determine_addr(p, 3 * PAGE, PAGE, &va));
    ck_assert_ok(pmap_map(p, va, frame, 0, 3 * PAGE, RW));
    assert_mapped_in(p, va, 3 * PAGE, frame_base(frame), PAGE, line);
    ck_assert_ok(pmap_unmap(p, va, 3 * PAGE));
    assert_unmapped_in(p, va, 3 * PAGE, line);
    ck_assert_ok(frame_free(frame));
}

#define ck_assert_usable() assert_usable_in(&test_pmap, __LINE__)

/* Each metadata block the pmap mapped into its window still translates. */
static void assert_metadata_mapped(void)
{
    for (genvaddr_t va = test_pmap.meta_base; va < test_pmap.meta_next; va += PMAP_REFILL_BYTES) {
        ck_assert(walk_translate(test_pmap.root_base, va).present);
        ck_assert(walk_translate(test_pmap.root_base, va + PMAP_REFILL_BYTES - PAGE).present);
    }
}

static struct pmap_stats stats_of(const struct pmap *p)
{
    struct pmap_stats s;
    pmap_get_stats(p, &s);
    return s;
}

/* Asserts the pmap holds the same tables and runs as when before was taken. */
static void assert_same_shape(const struct pmap *p, struct pmap_stats before, int line)
{
    struct pmap_stats now = stats_of(p);
    ck_assert_msg(now.tables == before.tables && now.mappings == before.mappings,
                  "line %d: %zu tables and %zu runs, expected %zu and %zu", line, now.tables,
                  now.mappings, before.tables, before.mappings);
}

#define ck_assert_same_shape(before) assert_same_shape(&test_pmap, (before), __LINE__)

/* ---- A witness: a mapping made before the refusals, which they must leave alone ---------- */

struct witness {
    struct capref frame;
    genvaddr_t vaddr;
    gensize_t bytes;
    genpaddr_t paddr;
    struct pmap_stats stats; /* right after it was mapped */
};

static struct witness witness_map(genvaddr_t vaddr, gensize_t bytes)
{
    struct witness w = {.frame = new_frame(bytes), .vaddr = vaddr, .bytes = bytes};
    w.paddr = frame_base(w.frame);
    ck_assert_ok(pmap_map(&test_pmap, vaddr, w.frame, 0, bytes, RW));
    w.stats = stats_of(&test_pmap);
    return w;
}

/* The witness translates as mapped, read-write, and the pmap has no more and no fewer runs
 * (nor tables, unless a refill added some for its metadata). */
static void witness_check(const struct witness *w, int line)
{
    assert_mapped_in(&test_pmap, w->vaddr, w->bytes, w->paddr, PAGE, line);
    ck_assert_msg(walk_translate(test_pmap.root_base, w->vaddr).writable, "line %d", line);
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, w->vaddr, &info));
    ck_assert_msg(info.flags == RW && info.vaddr == w->vaddr && info.bytes == w->bytes,
                  "line %d: the witness's run changed", line);
    /* Each metadata block is one run of the pmap's own: count the others. */
    struct pmap_stats now = stats_of(&test_pmap);
    ck_assert_msg(now.mappings - now.meta_blocks == w->stats.mappings - w->stats.meta_blocks,
                  "line %d: %zu runs besides the metadata, expected %zu", line,
                  now.mappings - now.meta_blocks, w->stats.mappings - w->stats.meta_blocks);
    if (now.meta_blocks == w->stats.meta_blocks) {
        assert_same_shape(&test_pmap, w->stats, line);
    }
}

#define ck_assert_witness(w) witness_check((w), __LINE__)

static void witness_drop(struct witness *w)
{
    ck_assert_ok(pmap_unmap(&test_pmap, w->vaddr, w->bytes));
    ck_assert_ok(frame_free(w->frame));
}

/* ---- Taking resources away: RAM and slots ------------------------------------------------ */

#define MAX_PIECES 128
#define HOLES 16
#define HOLE_BYTES KIB(32)
#define HOLE_STRIDE KIB(64)

/* Reserved RAM; piece[0] may have HOLES holes of HOLE_BYTES given back. */
static struct {
    struct ram_piece piece[MAX_PIECES];
    size_t count;
    bool holes;
} hoard;

/* Reserves every free byte of RAM, largest pieces first. */
static void hoard_all_ram(void)
{
    hoard.count = 0;
    hoard.holes = false;
    gensize_t size = (gensize_t)1 << 62;
    while (size > ram_free_bytes()) {
        size >>= 1;
    }
    while (size >= PAGE) {
        struct ram_piece piece;
        if (err_is_fail(ram_reserve(size, PAGE, &piece))) {
            size >>= 1;
            continue;
        }
        ck_assert_uint_lt(hoard.count, MAX_PIECES);
        hoard.piece[hoard.count++] = piece;
    }
    ck_assert_uint_eq(ram_free_bytes(), 0);
}

/* Frees small holes in the largest piece: anything of HOLE_BYTES fits, a metadata block not. */
static void punch_holes(void)
{
    ck_assert_uint_ge(hoard.piece[0].bytes, HOLES * HOLE_STRIDE);
    for (gensize_t i = 0; i < HOLES; i++) {
        ck_assert_ok(ram_release(hoard.piece[0].base + i * HOLE_STRIDE, HOLE_BYTES));
    }
    hoard.holes = true;
}

static void release_hoard(void)
{
    struct ram_piece first = hoard.piece[0];
    if (hoard.holes) {
        for (gensize_t i = 0; i < HOLES; i++) {
            ck_assert_ok(
                ram_release(first.base + i * HOLE_STRIDE + HOLE_BYTES, HOLE_STRIDE - HOLE_BYTES));
        }
        ck_assert_ok(
            ram_release(first.base + HOLES * HOLE_STRIDE, first.bytes - HOLES * HOLE_STRIDE));
    } else {
        ck_assert_ok(ram_release(first.base, first.bytes));
    }
    for (size_t i = 1; i < hoard.count; i++) {
        ck_assert_ok(ram_release(hoard.piece[i].base, hoard.piece[i].bytes));
    }
    hoard.count = 0;
    hoard.holes = false;
}

#define MAX_HOARDED_SLOTS 4096

static struct {
    struct capref slot[MAX_HOARDED_SLOTS];
    size_t count;
} slots;

/* Lets the slot allocator make no new CNode and takes every slot it still has. */
static void hoard_all_slots(void)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER);
    slots.count = 0;
    for (;;) {
        struct capref slot;
        errval_t err = slot_alloc(&slot);
        if (err_is_fail(err)) {
            ck_assert_chain(err, LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_NO_SPACE);
            return;
        }
        ck_assert_uint_lt(slots.count, MAX_HOARDED_SLOTS);
        slots.slot[slots.count++] = slot;
    }
}

static void give_back_slots(size_t n)
{
    for (; n > 0 && slots.count > 0; n--) {
        ck_assert_ok(slot_free(slots.slot[--slots.count]));
    }
}

static void release_slots(void)
{
    give_back_slots(slots.count);
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
}

/* Destroys test_pmap and takes the same root over again with options. */
static void reinit_test_pmap(const struct pmap_options *options)
{
    ck_assert_ok(pmap_destroy(&test_pmap));
    ck_assert_ok(pmap_init(&test_pmap, test_root, options));
}

/* ---- pmap_map refusals ------------------------------------------------------------------- */

START_TEST(map_refuses_unaligned_address_offset_and_size)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE);
    struct capref frame = new_frame(4 * PAGE);
    ck_assert_chain(pmap_map(&test_pmap, va + 1, frame, 0, PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_chain(pmap_map(&test_pmap, va + PAGE / 2, frame, 0, 2 * PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, PAGE / 2, PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 1, PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, PAGE + 1, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, PAGE / 2, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_NOT_ALIGNED);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_witness(&w);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_empty_and_wrapping_sizes)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE);
    struct capref frame = new_frame(4 * PAGE);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, 0, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_SIZE_INVALID);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, 0 - PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_SIZE_INVALID);
    ck_assert_chain(pmap_map(&test_pmap, 0 - PAGE, frame, 0, 2 * PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_SIZE_INVALID);
    ck_assert_chain(pmap_map(&test_pmap, w.vaddr, frame, 0, 0 - w.vaddr, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_SIZE_INVALID);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_witness(&w);
    ck_assert_usable();
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_ranges_outside_user_space)
{
    const struct pmap_layout *l = layout();
    struct witness w = witness_map(test_base(), 4 * PAGE);
    struct capref frame = new_frame(2 * PAGE);
    const genvaddr_t bad[][2] = {
        {0, PAGE},           {l->user_min - PAGE, PAGE},     {l->user_min - PAGE, 2 * PAGE},
        {l->user_end, PAGE}, {l->user_end - PAGE, 2 * PAGE}, {l->user_end + MIB(1), PAGE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_chain(pmap_map(&test_pmap, bad[i][0], frame, 0, bad[i][1], RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_PMAP_ADDR_OUT_OF_RANGE);
    }
    ck_assert_unmapped(l->user_min, 2 * PAGE);
    ck_assert_unmapped(l->user_end - 2 * PAGE, 2 * PAGE);
    ck_assert_witness(&w);
    /* The first and the last page of user space are fine. */
    ck_assert_ok(pmap_map(&test_pmap, l->user_min, frame, 0, PAGE, RW));
    ck_assert_ok(pmap_map(&test_pmap, l->user_end - PAGE, frame, PAGE, PAGE, RW));
    ck_assert_mapped(l->user_min, PAGE, frame_base(frame), PAGE);
    ck_assert_mapped(l->user_end - PAGE, PAGE, frame_base(frame) + PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, l->user_min, PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, l->user_end - PAGE, PAGE));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_the_metadata_window)
{
    struct witness w = witness_map(test_base(), 4 * PAGE);
    genvaddr_t base = test_pmap.meta_base;
    genvaddr_t limit = test_pmap.meta_limit;
    struct capref frame = new_frame(2 * PAGE);
    const genvaddr_t bad[][2] = {
        {base, PAGE},
        {base - PAGE, 2 * PAGE},
        {limit - PAGE, PAGE},
        {limit - PAGE, 2 * PAGE},
        {base + (limit - base) / 2, 2 * PAGE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_chain(pmap_map(&test_pmap, bad[i][0], frame, 0, bad[i][1], RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_PMAP_ADDR_RESERVED);
    }
    ck_assert_unmapped(base - PAGE, PAGE);
    ck_assert_unmapped(limit, PAGE);
    ck_assert_uint_eq(test_pmap.meta_base, base);
    ck_assert_uint_eq(test_pmap.meta_limit, limit);
    assert_metadata_mapped();
    ck_assert_witness(&w);
    /* Right below and right above the window is user space. */
    ck_assert_ok(pmap_map(&test_pmap, base - PAGE, frame, 0, PAGE, RW));
    ck_assert_ok(pmap_map(&test_pmap, limit, frame, PAGE, PAGE, RW));
    ck_assert_mapped(base - PAGE, PAGE, frame_base(frame), PAGE);
    ck_assert_mapped(limit, PAGE, frame_base(frame) + PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, base - PAGE, PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, limit, PAGE));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_ranges_beyond_the_frame)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE);
    struct capref frame = new_frame(4 * PAGE);
    const gensize_t bad[][2] = {
        {0, 5 * PAGE},
        {4 * PAGE, PAGE},
        {2 * PAGE, 3 * PAGE},
        {(gensize_t)1 << 40, PAGE},
        {0 - PAGE, 2 * PAGE},
        {0, MIB(16)},
        {(gensize_t)1 << 32, PAGE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_chain(pmap_map(&test_pmap, va, frame, bad[i][0], bad[i][1], RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_PMAP_FRAME_RANGE);
    }
    /* The range is checked before the rights, on one page as on more. */
    struct capref read_only;
    ck_assert_ok(slot_alloc(&read_only));
    ck_assert_ok(cap_mint(read_only, frame, CAPRIGHTS_READ));
    for (gensize_t bytes = PAGE; bytes <= 2 * PAGE; bytes += PAGE) {
        ck_assert_chain(pmap_map(&test_pmap, va, read_only, 4 * PAGE, bytes, RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_PMAP_FRAME_RANGE);
    }
    ck_assert_ok(cap_destroy(read_only));
    ck_assert_unmapped(va, 5 * PAGE);
    ck_assert_witness(&w);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 3 * PAGE, PAGE, RW));
    ck_assert_mapped(va, PAGE, frame_base(frame) + 3 * PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, PAGE));
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_unknown_flags_and_flags_without_read)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE);
    struct capref frame = new_frame(PAGE);
    const vregion_flags_t bad[] = {
        0,
        VREGION_FLAGS_WRITE,
        VREGION_FLAGS_WRITE | VREGION_FLAGS_EXECUTE,
        VREGION_FLAGS_LARGE,
        VREGION_FLAGS_READ | (1u << 4),
        VREGION_FLAGS_READ | (1u << 9),
        VREGION_FLAGS_READ | (1u << 31),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, PAGE, bad[i]), LIB_ERR_PMAP_MAP,
                        LIB_ERR_PMAP_FLAGS_INVALID);
    }
    ck_assert_unmapped(va, PAGE);
    ck_assert_witness(&w);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, PAGE, RO));
    ck_assert_mapped(va, PAGE, frame_base(frame), PAGE);
    ck_assert(!walk_translate(test_pmap.root_base, va).writable);
    ck_assert_ok(pmap_unmap(&test_pmap, va, PAGE));
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_to_overlap_a_mapping_and_leaves_it_alone)
{
    genvaddr_t va = test_base() + leaf_span();
    struct witness w = witness_map(va + 4 * PAGE, 4 * PAGE);
    struct capref frame = new_frame(leaf_span() + 8 * PAGE);
    const gensize_t bad[][2] = {
        {2, 4},  /* overlaps the witness's front */
        {6, 4},  /* overlaps its back */
        {4, 4},  /* exactly it */
        {5, 1},  /* inside it */
        {0, 12}, /* all of it and more on both sides */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_chain(pmap_map(&test_pmap, va + bad[i][0] * PAGE, frame, 0, bad[i][1] * PAGE, RW),
                        LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_EXISTING_MAPPING);
        ck_assert_witness(&w);
    }
    /* From the previous leaf table on, so that the refusal has tables to make and must not. */
    ck_assert_chain(
        pmap_map(&test_pmap, va + 4 * PAGE - leaf_span(), frame, 0, leaf_span() + PAGE, RW),
        LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_EXISTING_MAPPING);
    ck_assert_witness(&w);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_unmapped(va + 8 * PAGE, 4 * PAGE);
    ck_assert_unmapped(va + 4 * PAGE - leaf_span(), leaf_span());
    /* Right next to it on both sides is fine. */
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    ck_assert_ok(pmap_map(&test_pmap, va + 8 * PAGE, frame, 4 * PAGE, 4 * PAGE, RW));
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert_mapped(va + 8 * PAGE, 4 * PAGE, frame_base(frame) + 4 * PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, va + 8 * PAGE, 4 * PAGE));
    ck_assert_witness(&w);
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_refuses_empty_and_unreachable_caprefs)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE);
    struct capref empty;
    ck_assert_ok(slot_alloc(&empty));
    /* One page or two, with the leaf table there (a neighbour made it) or not: the same
       error, whichever path the map took. */
    struct capref frame = new_frame(PAGE);
    for (int neighbour = 0; neighbour < 2; neighbour++) {
        if (neighbour) {
            ck_assert_ok(pmap_map(&test_pmap, va + 8 * PAGE, frame, 0, PAGE, RW));
        }
        for (gensize_t bytes = PAGE; bytes <= 2 * PAGE; bytes += PAGE) {
            ck_assert_chain(pmap_map(&test_pmap, va, empty, 0, bytes, RW), LIB_ERR_PMAP_MAP,
                            LIB_ERR_CAP_IDENTIFY, SYS_ERR_CAP_NOT_FOUND);
            struct capref nowhere = {.cnode = cnode_at_l1(INIT_ROOTCN_SLOTS - 1), .slot = 7};
            ck_assert_chain(pmap_map(&test_pmap, va, nowhere, 0, bytes, RW), LIB_ERR_PMAP_MAP,
                            LIB_ERR_CAP_IDENTIFY, SYS_ERR_L1_SLOT_EMPTY);
        }
    }
    ck_assert_ok(pmap_unmap(&test_pmap, va + 8 * PAGE, PAGE));
    ck_assert_ok(frame_free(frame));
    ck_assert_ok(slot_free(empty));
    ck_assert_unmapped(va, 2 * PAGE);
    ck_assert_witness(&w);
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(map_of_a_ram_capability_is_refused_by_the_kernel)
{
    genvaddr_t va = test_base() + leaf_span() - 2 * PAGE;
    struct witness w = witness_map(test_base() + 3 * leaf_span(), 4 * PAGE);
    struct capref ram;
    ck_assert_ok(ram_alloc(&ram, 4 * PAGE));
    struct resource_counts before;
    for (int round = 0; round < 2; round++) {
        /* The first round may refill the slabs; the second must leave everything as it was. */
        resource_counts_take(&before);
        ck_assert_chain(pmap_map(&test_pmap, va, ram, 0, 4 * PAGE, RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_VNODE_MAP, SYS_ERR_VM_MAP_NOT_MAPPABLE);
    }
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.caps_live, before.caps_live);
    ck_assert_uint_eq(after.ram_free, before.ram_free);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_witness(&w);
    ck_assert_ok(ram_free(ram));
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

/* A read-only copy of frame in a new slot. */
static struct capref mint_read_only(struct capref frame)
{
    struct capref ro;
    ck_assert_ok(slot_alloc(&ro));
    ck_assert_ok(cap_mint(ro, frame, CAPRIGHTS_READ));
    return ro;
}

START_TEST(map_writable_of_a_read_only_frame_is_refused_and_leaves_nothing)
{
    /* Across a leaf-table border: the refusal must take back the tables it made. */
    genvaddr_t va = test_base() + leaf_span() - 2 * PAGE;
    struct witness w = witness_map(test_base() + 3 * leaf_span(), 4 * PAGE);
    struct capref frame = new_frame(4 * PAGE);
    struct capref ro = mint_read_only(frame);
    struct resource_counts before;
    for (int round = 0; round < 2; round++) {
        resource_counts_take(&before);
        ck_assert_chain(pmap_map(&test_pmap, va, ro, 0, 4 * PAGE, RW), LIB_ERR_PMAP_MAP,
                        LIB_ERR_VNODE_MAP, SYS_ERR_VM_RIGHTS_EXCEED);
        ck_assert_chain(pmap_map(&test_pmap, va + 2 * PAGE, ro, 0, PAGE,
                                 VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE),
                        LIB_ERR_PMAP_MAP, LIB_ERR_VNODE_MAP, SYS_ERR_VM_RIGHTS_EXCEED);
    }
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.caps_live, before.caps_live);
    ck_assert_uint_eq(after.ram_free, before.ram_free);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_witness(&w);
    /* Read-only it maps, and stays read-only. */
    ck_assert_ok(pmap_map(&test_pmap, va, ro, 0, 4 * PAGE, RO));
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert(!walk_translate(test_pmap.root_base, va + 3 * PAGE).writable);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(cap_destroy(ro));
    ck_assert_ok(frame_free(frame));
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

/* ---- pmap_unmap, pmap_modify_flags, pmap_lookup, pmap_init refusals ---------------------- */

/* Ranges every entry point refuses before looking at the tables, with what it says. */
struct bad_range {
    genvaddr_t vaddr;
    gensize_t bytes;
    enum err_code cause;
};

static size_t bad_ranges(struct bad_range *ret, genvaddr_t va)
{
    const struct pmap_layout *l = layout();
    const struct bad_range bad[] = {
        {va + 1, PAGE, LIB_ERR_PMAP_NOT_ALIGNED},
        {va, PAGE + 1, LIB_ERR_PMAP_NOT_ALIGNED},
        {va, PAGE / 2, LIB_ERR_PMAP_NOT_ALIGNED},
        {va, 0, LIB_ERR_PMAP_SIZE_INVALID},
        {va, 0 - PAGE, LIB_ERR_PMAP_SIZE_INVALID},
        {0, PAGE, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
        {l->user_min - PAGE, 2 * PAGE, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
        {l->user_end - PAGE, 2 * PAGE, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
        {l->user_end, PAGE, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
        {test_pmap.meta_base, PAGE, LIB_ERR_PMAP_ADDR_RESERVED},
        {test_pmap.meta_base - PAGE, 2 * PAGE, LIB_ERR_PMAP_ADDR_RESERVED},
        {test_pmap.meta_limit - PAGE, 2 * PAGE, LIB_ERR_PMAP_ADDR_RESERVED},
        {l->user_min, l->user_end - l->user_min, LIB_ERR_PMAP_ADDR_RESERVED},
    };
    memcpy(ret, bad, sizeof(bad));
    return sizeof(bad) / sizeof(bad[0]);
}

START_TEST(unmap_refusals_change_nothing)
{
    struct witness w = witness_map(test_base(), 4 * PAGE);
    struct bad_range bad[16];
    size_t n = bad_ranges(bad, w.vaddr);
    for (size_t i = 0; i < n; i++) {
        ck_assert_chain(pmap_unmap(&test_pmap, bad[i].vaddr, bad[i].bytes), LIB_ERR_PMAP_UNMAP,
                        bad[i].cause);
        ck_assert_witness(&w);
    }
    assert_metadata_mapped();
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(unmap_of_unmapped_ranges_is_fine_and_changes_nothing)
{
    struct witness w = witness_map(test_base(), 4 * PAGE);
    struct resource_counts before;
    resource_counts_take(&before);
    struct pmap_stats stats = stats_of(&test_pmap);
    genvaddr_t end = w.vaddr + w.bytes;
    ck_assert_ok(pmap_unmap(&test_pmap, w.vaddr - 4 * PAGE, 4 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, end, 4 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, end, leaf_span() * 3));
    ck_assert_ok(pmap_unmap(&test_pmap, layout()->user_min, w.vaddr - layout()->user_min));
    ck_assert_ok(pmap_unmap(&test_pmap, end, test_pmap.meta_base - end));
    ck_assert_ok(
        pmap_unmap(&test_pmap, test_pmap.meta_limit, layout()->user_end - test_pmap.meta_limit));
    ck_assert_witness(&w);
    struct pmap_stats now = stats_of(&test_pmap);
    ck_assert_uint_eq(now.meta_blocks, stats.meta_blocks);
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.caps_live, before.caps_live);
    ck_assert_uint_eq(after.ram_free, before.ram_free);
    assert_metadata_mapped();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

START_TEST(modify_flags_refusals_change_nothing)
{
    struct witness w = witness_map(test_base(), 4 * PAGE);
    struct bad_range bad[16];
    size_t n = bad_ranges(bad, w.vaddr);
    for (size_t i = 0; i < n; i++) {
        ck_assert_chain(pmap_modify_flags(&test_pmap, bad[i].vaddr, bad[i].bytes, RO),
                        LIB_ERR_PMAP_MODIFY_FLAGS, bad[i].cause);
        ck_assert_witness(&w);
    }
    const vregion_flags_t flags[] = {0, VREGION_FLAGS_WRITE, VREGION_FLAGS_READ | (1u << 4),
                                     VREGION_FLAGS_READ | (1u << 31)};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        ck_assert_chain(pmap_modify_flags(&test_pmap, w.vaddr, w.bytes, flags[i]),
                        LIB_ERR_PMAP_MODIFY_FLAGS, LIB_ERR_PMAP_FLAGS_INVALID);
        ck_assert_witness(&w);
    }
    /* Nothing mapped: nothing to change, and no error. */
    ck_assert_ok(pmap_modify_flags(&test_pmap, w.vaddr + w.bytes, 4 * PAGE, RO));
    ck_assert_witness(&w);
    ck_assert_usable();
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

/*
 * Someone else frees a mapped frame: the kernel unmaps it, and the pmap must take the run down
 * as already gone (counted in runs_revoked), map there again, and be destroyed without a leak.
 */
START_TEST(a_frame_revoked_under_a_mapping_does_not_wedge_the_pmap)
{
    genvaddr_t va = test_base();
    struct capref frame = new_frame(4 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    ck_assert_ok(frame_free(frame)); /* revokes every copy: the pmap's included */
    ck_assert(!walk_translate(test_pmap.root_base, va).present);
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, PAGE)); /* a split, then a gone run */
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    struct pmap_stats stats;
    pmap_get_stats(&test_pmap, &stats);
    ck_assert_uint_eq(stats.runs_revoked, 1);
    struct pmap_mapping_info info;
    ck_assert_err(pmap_lookup(&test_pmap, va, &info), LIB_ERR_PMAP_NOT_MAPPED);
    struct capref again = new_frame(4 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, again, 0, 4 * PAGE, RW));
    ck_assert_mapped(va, 4 * PAGE, frame_base(again), PAGE);
    /* Revoked again, the pmap's own destruction must not stop at it either. */
    ck_assert_ok(frame_free(again));
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    assert_no_leaks();
}
END_TEST

/* A refused modify leaves even the shadow tree's runs as they were: no splits, no copies. */
START_TEST(a_refused_modify_splits_nothing)
{
    genvaddr_t va = test_base();
    struct capref frame = new_frame(4 * PAGE);
    struct capref ro = mint_read_only(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, ro, 0, 4 * PAGE, RO));
    size_t runs = stats_of(&test_pmap).mappings;
    size_t slots_used = slot_alloc_used();
    ck_assert_chain(pmap_modify_flags(&test_pmap, va + PAGE, PAGE, RW), LIB_ERR_PMAP_MODIFY_FLAGS,
                    SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_uint_eq(stats_of(&test_pmap).mappings, runs);
    ck_assert_uint_eq(slot_alloc_used(), slots_used);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(cap_destroy(ro));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* A revoked run inside a modify's range goes, like at its border; the others change. */
START_TEST(modify_over_a_revoked_run_takes_it_down_and_changes_the_rest)
{
    genvaddr_t va = test_base();
    struct capref gone = new_frame(4 * PAGE);
    struct capref kept = new_frame(4 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, gone, 0, 4 * PAGE, RW));
    ck_assert_ok(pmap_map(&test_pmap, va + 4 * PAGE, kept, 0, 4 * PAGE, RW));
    ck_assert_ok(frame_free(gone));
    ck_assert_ok(pmap_modify_flags(&test_pmap, va, 8 * PAGE, RO));
    ck_assert_uint_eq(stats_of(&test_pmap).runs_revoked, 1);
    struct pmap_mapping_info info;
    ck_assert_err(pmap_lookup(&test_pmap, va, &info), LIB_ERR_PMAP_NOT_MAPPED);
    ck_assert_ok(pmap_lookup(&test_pmap, va + 4 * PAGE, &info));
    ck_assert_uint_eq(info.flags, RO);
    ck_assert(!walk_translate(test_pmap.root_base, va + 4 * PAGE).writable);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 8 * PAGE));
    ck_assert_ok(frame_free(kept));
    assert_no_leaks();
}
END_TEST

START_TEST(destroy_takes_down_runs_whose_frames_were_revoked)
{
    genvaddr_t va = test_base();
    struct capref frame = new_frame(2 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 2 * PAGE, RW));
    ck_assert_ok(frame_free(frame));
    reinit_test_pmap(NULL); /* destroys, then takes the same root over again */
    ck_assert(!walk_translate(test_pmap.root_base, va).present);
    struct capref again = new_frame(2 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, again, 0, 2 * PAGE, RW));
    ck_assert_ok(pmap_unmap(&test_pmap, va, 2 * PAGE));
    ck_assert_ok(frame_free(again));
}
END_TEST

/* [a run whose frame allows RW][a read-only run]: asking RW changes neither. */
START_TEST(modify_flags_is_all_or_nothing_across_runs_of_different_rights)
{
    genvaddr_t va = test_base();
    struct capref writable = new_frame(2 * PAGE);
    struct capref frame = new_frame(2 * PAGE);
    struct capref ro = mint_read_only(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, writable, 0, 2 * PAGE, RO));
    ck_assert_ok(pmap_map(&test_pmap, va + 2 * PAGE, ro, 0, 2 * PAGE, RO));
    errval_t err = pmap_modify_flags(&test_pmap, va, 4 * PAGE, RW);
    for (genvaddr_t page = va; page < va + 4 * PAGE; page += PAGE) {
        ck_assert(walk_translate(test_pmap.root_base, page).present);
        ck_assert(!walk_translate(test_pmap.root_base, page).writable);
        struct pmap_mapping_info info;
        ck_assert_ok(pmap_lookup(&test_pmap, page, &info));
        ck_assert_uint_eq(info.flags, RO);
    }
    ck_assert_chain(err, LIB_ERR_PMAP_MODIFY_FLAGS, SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_ok(pmap_modify_flags(&test_pmap, va, 2 * PAGE, RW));
    ck_assert(walk_translate(test_pmap.root_base, va).writable);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(cap_destroy(ro));
    ck_assert_ok(frame_free(frame));
    ck_assert_ok(frame_free(writable));
    assert_no_leaks();
}
END_TEST

START_TEST(modify_flags_beyond_the_frame_rights_is_refused)
{
    genvaddr_t va = test_base();
    struct capref frame = new_frame(4 * PAGE);
    struct capref ro = mint_read_only(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, ro, 0, 4 * PAGE, RO));
    ck_assert_chain(pmap_modify_flags(&test_pmap, va, 4 * PAGE, RW), LIB_ERR_PMAP_MODIFY_FLAGS,
                    SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert(!walk_translate(test_pmap.root_base, va).writable);
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, va, &info));
    ck_assert_uint_eq(info.flags, RO);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(cap_destroy(ro));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(lookup_says_not_mapped_or_out_of_range)
{
    struct witness w = witness_map(test_base(), 4 * PAGE);
    struct pmap_mapping_info info;
    const genvaddr_t unmapped[] = {w.vaddr - PAGE, w.vaddr + w.bytes, layout()->user_min,
                                   layout()->user_end - 1, test_base() + leaf_span() * 7};
    for (size_t i = 0; i < sizeof(unmapped) / sizeof(unmapped[0]); i++) {
        ck_assert_chain(pmap_lookup(&test_pmap, unmapped[i], &info), LIB_ERR_PMAP_NOT_MAPPED);
    }
    const genvaddr_t outside[] = {layout()->user_end, layout()->user_end + PAGE, UINT64_MAX};
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        ck_assert_chain(pmap_lookup(&test_pmap, outside[i], &info), LIB_ERR_PMAP_ADDR_OUT_OF_RANGE);
    }
    /* Any byte of a mapped page finds its run. */
    ck_assert_ok(pmap_lookup(&test_pmap, w.vaddr + w.bytes - 1, &info));
    ck_assert_uint_eq(info.vaddr, w.vaddr);
    ck_assert_uint_eq(info.bytes, w.bytes);
    ck_assert_witness(&w);
    witness_drop(&w);
    assert_no_leaks();
}
END_TEST

static struct pmap other_pmap;

START_TEST(init_refuses_what_is_not_an_empty_root_table)
{
    struct capref frame = new_frame(PAGE);
    ck_assert_chain(pmap_init(&other_pmap, frame, NULL), LIB_ERR_PMAP_INIT,
                    LIB_ERR_VNODE_CREATE_TYPE);
    struct capref leaf;
    ck_assert_ok(vnode_create(&leaf, layout()->table_type[layout()->levels - 1]));
    ck_assert_chain(pmap_init(&other_pmap, leaf, NULL), LIB_ERR_PMAP_INIT,
                    LIB_ERR_VNODE_CREATE_TYPE);
    struct capref empty;
    ck_assert_ok(slot_alloc(&empty));
    ck_assert_chain(pmap_init(&other_pmap, empty, NULL), LIB_ERR_PMAP_INIT, LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_CAP_NOT_FOUND);
    ck_assert_ok(slot_free(empty));
    ck_assert_ok(vnode_destroy(leaf));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

/* ---- pmap_determine_addr ----------------------------------------------------------------- */

START_TEST(determine_addr_refuses_bad_alignments_and_sizes)
{
    const struct pmap_layout *l = layout();
    genvaddr_t va = 0;
    const gensize_t alignments[] = {1, 2, 512, PAGE / 2, PAGE + 1, 3 * PAGE, 12 * PAGE};
    for (size_t i = 0; i < sizeof(alignments) / sizeof(alignments[0]); i++) {
        ck_assert_chain(pmap_determine_addr(&test_pmap, PAGE, alignments[i], &va),
                        LIB_ERR_PMAP_ALIGNMENT_INVALID);
    }
    ck_assert_chain(pmap_determine_addr(&test_pmap, 0, PAGE, &va), LIB_ERR_PMAP_SIZE_INVALID);
    const gensize_t too_big[] = {l->user_end + PAGE, l->user_end, l->user_end - l->user_min + PAGE,
                                 UINT64_MAX, 0 - PAGE};
    for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
        ck_assert_chain(pmap_determine_addr(&test_pmap, too_big[i], PAGE, &va),
                        LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    }
    /* An alignment beyond the address space leaves no candidate. */
    ck_assert_chain(pmap_determine_addr(&test_pmap, PAGE, (gensize_t)1 << 63, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    ck_assert_chain(pmap_determine_addr(&test_pmap, PAGE, l->user_end, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

/* Asserts [va, va + bytes) is aligned, in user space, outside the window, and unmapped. */
/* Alignment 0 asks for the page size: the same address as an explicit page alignment. */
START_TEST(determine_addr_with_alignment_zero_aligns_to_a_page)
{
    genvaddr_t zero, page;
    ck_assert_ok(pmap_determine_addr(&test_pmap, 3 * PAGE, PAGE, &page));
    reinit_test_pmap(NULL); /* the same search again from the start */
    ck_assert_ok(pmap_determine_addr(&test_pmap, 3 * PAGE, 0, &zero));
    ck_assert_uint_eq(zero, page);
    ck_assert_uint_eq(zero % PAGE, 0);
    assert_no_leaks();
}
END_TEST

static void assert_fit(genvaddr_t va, gensize_t bytes, gensize_t alignment, int line)
{
    const struct pmap_layout *l = layout();
    ck_assert_msg(va % alignment == 0, "line %d: 0x%llx is not aligned to 0x%llx", line,
                  (unsigned long long)va, (unsigned long long)alignment);
    ck_assert_msg(va >= l->user_min && va < l->user_end && bytes <= l->user_end - va,
                  "line %d: 0x%llx + 0x%llx is outside user space", line, (unsigned long long)va,
                  (unsigned long long)bytes);
    ck_assert_msg(va + bytes <= test_pmap.meta_base || va >= test_pmap.meta_limit,
                  "line %d: 0x%llx + 0x%llx overlaps the metadata window", line,
                  (unsigned long long)va, (unsigned long long)bytes);
    assert_unmapped_in(&test_pmap, va, align_up(bytes, PAGE), line);
}

#define MAX_REGIONS 64

static struct {
    genvaddr_t vaddr[MAX_REGIONS];
    gensize_t bytes[MAX_REGIONS];
    size_t count;
} regions;

/* Asks for a range, checks it, maps frame there and remembers it. */
static genvaddr_t determine_and_map(struct capref frame, gensize_t bytes, gensize_t alignment,
                                    int line)
{
    genvaddr_t va = 0;
    errval_t err = pmap_determine_addr(&test_pmap, bytes, alignment, &va);
    ck_assert_msg(err_is_ok(err), "line %d: determine_addr(0x%llx, 0x%llx): %s", line,
                  (unsigned long long)bytes, (unsigned long long)alignment, err_getcode(err));
    assert_fit(va, bytes, alignment, line);
    gensize_t rounded = align_up(bytes, PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, rounded, RW));
    ck_assert_uint_lt(regions.count, MAX_REGIONS);
    regions.vaddr[regions.count] = va;
    regions.bytes[regions.count++] = rounded;
    return va;
}

static void unmap_regions(void)
{
    for (size_t i = 0; i < regions.count; i++) {
        ck_assert_ok(pmap_unmap(&test_pmap, regions.vaddr[i], regions.bytes[i]));
    }
    regions.count = 0;
}

/* Two callers that each ask before mapping must not get the same addresses. */
START_TEST(determine_addr_hands_out_a_range_once_even_before_it_is_mapped)
{
    enum { CALLS = 8 };
    genvaddr_t got[CALLS];
    for (int i = 0; i < CALLS; i++) {
        ck_assert_ok(pmap_determine_addr(&test_pmap, 3 * PAGE, PAGE, &got[i]));
        for (int j = 0; j < i; j++) {
            ck_assert_msg(got[i] >= got[j] + 3 * PAGE || got[j] >= got[i] + 3 * PAGE,
                          "call %d got 0x%llx, overlapping call %d's 0x%llx", i,
                          (unsigned long long)got[i], j, (unsigned long long)got[j]);
        }
    }
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

START_TEST(determine_addr_gives_free_aligned_ranges_outside_the_window)
{
    gensize_t s = leaf_span();
    /* A small window low down, where the search has to step over it. */
    struct pmap_options options = {.meta_base = 2 * s, .meta_window_bytes = s};
    reinit_test_pmap(&options);
    regions.count = 0;
    struct capref frame = new_frame(2 * s);
    struct witness w = witness_map(layout()->user_min + 4 * PAGE, 2 * PAGE);
    const gensize_t asks[][2] = {
        {PAGE, PAGE}, {8 * PAGE, PAGE},    {1, PAGE},  {3 * PAGE, 4 * PAGE}, {s, PAGE},
        {s, s},       {5 * PAGE, KIB(64)}, {2 * s, s}, {PAGE + 1, 2 * PAGE}, {s / 2, s / 2},
        {PAGE, PAGE}, {2 * s, PAGE},
    };
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
            determine_and_map(frame, asks[i][0], asks[i][1], __LINE__);
            ck_assert_mapped(w.vaddr, w.bytes, w.paddr, PAGE);
        }
    }
    for (size_t i = 0; i < regions.count; i++) {
        ck_assert_mapped(regions.vaddr[i], regions.bytes[i], frame_base(frame), PAGE);
    }
    assert_metadata_mapped();
    unmap_regions();
    witness_drop(&w);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(determine_addr_runs_out_of_aligned_candidates)
{
    /* With this alignment the only candidate in user space is its middle. */
    gensize_t half = layout()->user_end / 2;
    struct capref frame = new_frame(PAGE);
    genvaddr_t va = 0;
    ck_assert_ok(pmap_determine_addr(&test_pmap, PAGE, half, &va));
    ck_assert_uint_eq(va, half);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, PAGE, RW));
    ck_assert_chain(pmap_determine_addr(&test_pmap, PAGE, half, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    ck_assert_chain(pmap_determine_addr(&test_pmap, 2 * PAGE, half, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    /* Smaller alignments still find room. */
    ck_assert_ok(pmap_determine_addr(&test_pmap, PAGE, half / 2, &va));
    ck_assert_uint_eq(va % (half / 2), 0);
    ck_assert_uint_ne(va, half);
    ck_assert_ok(pmap_determine_addr(&test_pmap, PAGE, PAGE, &va));
    ck_assert_uint_ne(va, half);
    ck_assert_mapped(half, PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, half, PAGE));
    ck_assert_ok(pmap_determine_addr(&test_pmap, PAGE, half, &va));
    ck_assert_uint_eq(va, half);
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

#define FILL_CHUNK MIB(64)

/*
 * Takes every FILL_CHUNK-aligned chunk of user space outside the metadata window by mapping
 * frame there with large pages; returns how many.
 */
static size_t fill_user_space(struct capref frame)
{
    const struct pmap_layout *l = layout();
    size_t maps = 0;
    for (genvaddr_t va = FILL_CHUNK; va + FILL_CHUNK <= l->user_end; va += FILL_CHUNK) {
        if (va < test_pmap.meta_limit && test_pmap.meta_base < va + FILL_CHUNK) {
            va = align_up(test_pmap.meta_limit, FILL_CHUNK) - FILL_CHUNK;
            continue;
        }
        ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, FILL_CHUNK, RO | VREGION_FLAGS_LARGE));
        maps++;
    }
    return maps;
}

START_TEST(determine_addr_with_the_address_space_nearly_full)
{
    const struct pmap_layout *l = layout();
    if (l->user_end / FILL_CHUNK > 64) {
        /* Too much to fill by mapping: a window over most of it leaves the rest to fill. */
        struct pmap_options options = {.meta_base = 4 * FILL_CHUNK,
                                       .meta_window_bytes = l->user_end - 8 * FILL_CHUNK};
        reinit_test_pmap(&options);
    }
    struct capref frame = new_aligned_frame(FILL_CHUNK, large_bytes());
    size_t maps = fill_user_space(frame);
    ck_assert_uint_le(maps, 64);
    ck_assert_mapped(FILL_CHUNK, FILL_CHUNK, frame_base(frame), large_bytes());
    ck_assert_mapped(l->user_end - FILL_CHUNK, FILL_CHUNK, frame_base(frame), large_bytes());
    /* Free: [user_min, FILL_CHUNK) only. */
    genvaddr_t va = 0;
    ck_assert_chain(pmap_determine_addr(&test_pmap, FILL_CHUNK, PAGE, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    ck_assert_chain(pmap_determine_addr(&test_pmap, FILL_CHUNK - l->user_min + PAGE, PAGE, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    regions.count = 0;
    va = determine_and_map(frame, FILL_CHUNK / 2, PAGE, __LINE__);
    ck_assert_uint_le(va + FILL_CHUNK / 2, FILL_CHUNK);
    ck_assert_chain(pmap_determine_addr(&test_pmap, FILL_CHUNK / 2, PAGE, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    va = determine_and_map(frame, 4 * PAGE, PAGE, __LINE__);
    ck_assert_uint_le(va + 4 * PAGE, FILL_CHUNK);
    /* Giving a chunk back makes room for exactly it. */
    ck_assert_ok(pmap_unmap(&test_pmap, 2 * FILL_CHUNK, FILL_CHUNK));
    ck_assert_ok(pmap_determine_addr(&test_pmap, FILL_CHUNK, PAGE, &va));
    ck_assert_uint_eq(va, 2 * FILL_CHUNK);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, FILL_CHUNK, RO | VREGION_FLAGS_LARGE));
    ck_assert_chain(pmap_determine_addr(&test_pmap, FILL_CHUNK, PAGE, &va),
                    LIB_ERR_PMAP_NO_VIRTUAL_SPACE);
    unmap_regions();
    ck_assert_ok(pmap_unmap(&test_pmap, FILL_CHUNK, test_pmap.meta_base - FILL_CHUNK));
    ck_assert_ok(pmap_unmap(&test_pmap, test_pmap.meta_limit, l->user_end - test_pmap.meta_limit));
    ck_assert_uint_eq(stats_of(&test_pmap).mappings, stats_of(&test_pmap).meta_blocks);
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

/* ---- Exhaustion -------------------------------------------------------------------------- */

/* The i-th page pair of a loop: two pages across a leaf-table border, so each makes a table. */
static genvaddr_t pair_vaddr(size_t i)
{
    return test_base() + (i + 1) * leaf_span() - PAGE;
}

/* Maps frame's first two pages at pair i on; returns the first failure and sets *next. */
static errval_t map_pairs_until_fail(struct capref frame, size_t from, size_t max, size_t *next)
{
    for (size_t i = from; i < max; i++) {
        *next = i;
        struct pmap_stats before = stats_of(&test_pmap);
        errval_t err = pmap_map(&test_pmap, pair_vaddr(i), frame, 0, 2 * PAGE, RW);
        if (err_is_fail(err)) {
            ck_assert_unmapped(pair_vaddr(i), 2 * PAGE);
            ck_assert_same_shape(before);
            return err;
        }
    }
    *next = max;
    return SYS_ERR_OK;
}

static void assert_pairs_mapped(struct capref frame, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        ck_assert_mapped(pair_vaddr(i), 2 * PAGE, frame_base(frame), PAGE);
    }
}

START_TEST(running_out_of_ram_in_a_refill)
{
    struct capref frame = new_frame(2 * PAGE);
    /* Until the first refill has happened, so that the next one is some maps away. */
    size_t next = 0;
    while (stats_of(&test_pmap).meta_blocks == 0) {
        ck_assert_ok(map_pairs_until_fail(frame, next, next + 1, &next));
    }
    size_t warm = next;
    hoard_all_ram();
    punch_holes(); /* tables and CNodes still fit, a metadata block does not */
    errval_t err = map_pairs_until_fail(frame, warm, 512, &next);
    ck_assert_chain(err, LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_REFILL, LIB_ERR_FRAME_ALLOC,
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_uint_gt(next, warm); /* some maps did fit, before the refill */
    assert_pairs_mapped(frame, next);
    ck_assert_unmapped(pair_vaddr(next), 2 * PAGE);
    assert_metadata_mapped();
    release_hoard();
    ck_assert_ok(pmap_map(&test_pmap, pair_vaddr(next), frame, 0, 2 * PAGE, RW));
    assert_pairs_mapped(frame, next + 1);
    ck_assert_usable();
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(0), pair_vaddr(next + 1) - pair_vaddr(0)));
    ck_assert_unmapped(pair_vaddr(0), 2 * PAGE);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(running_out_of_slots_in_a_refill)
{
    /* Eight leaf tables' worth: more than a fresh pmap's reserve, so it must refill first. */
    gensize_t bytes = 8 * leaf_span();
    genvaddr_t va = test_base();
    struct capref frame = new_frame(bytes);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, 0);
    hoard_all_slots();
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, bytes, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_REFILL, LIB_ERR_FRAME_ALLOC, LIB_ERR_SLOT_ALLOC,
                    LIB_ERR_SLOT_ALLOC_NO_SPACE);
    ck_assert_unmapped(va, bytes);
    ck_assert_uint_eq(stats_of(&test_pmap).tables, 0);
    ck_assert_uint_eq(stats_of(&test_pmap).mappings, 0);
    /* Some slots back: still short somewhere, and still nothing half-mapped. */
    give_back_slots(3);
    assert_chain_has(pmap_map(&test_pmap, va, frame, 0, bytes, RW), LIB_ERR_PMAP_MAP,
                     LIB_ERR_SLOT_ALLOC_NO_SPACE, __LINE__);
    ck_assert_unmapped(va, bytes);
    release_slots();
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, bytes, RW));
    ck_assert_mapped(va, bytes, frame_base(frame), PAGE);
    ck_assert_usable();
    ck_assert_ok(pmap_unmap(&test_pmap, va, bytes));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* Maps and unmaps a page in each of count leaf tables: the slabs end up with spare nodes. */
static void warm_slabs(struct capref frame, size_t count)
{
    genvaddr_t va = test_base() + 128 * leaf_span();
    for (size_t i = 0; i < count; i++) {
        ck_assert_ok(pmap_map(&test_pmap, va + i * leaf_span(), frame, 0, PAGE, RW));
    }
    for (size_t i = 0; i < count; i++) {
        ck_assert_ok(pmap_unmap(&test_pmap, va + i * leaf_span(), PAGE));
    }
    ck_assert_uint_ge(stats_of(&test_pmap).vnodes_free, count);
}

START_TEST(running_out_of_slots_halfway_takes_back_what_the_call_mapped)
{
    gensize_t s = leaf_span();
    genvaddr_t va = test_base() + 2 * s - 2 * PAGE; /* two pages in one table, two in the next */
    struct capref frame = new_frame(4 * PAGE);
    struct witness w = witness_map(test_base() + s, PAGE); /* makes the first table */
    warm_slabs(frame, 16);
    struct pmap_stats before = stats_of(&test_pmap);
    hoard_all_slots();
    give_back_slots(1); /* enough for the first run's copy, not for the next table */
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_VNODE_CREATE, LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_NO_SPACE);
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_same_shape(before);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, before.meta_blocks);
    ck_assert_witness(&w);
    /* The rollback gave the copy's slot back: exactly one is free again. */
    struct capref slot;
    ck_assert_ok(slot_alloc(&slot));
    ck_assert_chain(slot_alloc(&slot), LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_NO_SPACE);
    ck_assert_ok(slot_free(slot));
    release_slots();
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_witness(&w);
    ck_assert_usable();
    witness_drop(&w);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(running_out_of_slots_while_making_tables_takes_them_back)
{
    struct capref frame = new_frame(PAGE);
    struct witness w = witness_map(test_base(), PAGE);
    warm_slabs(frame, 16);
    struct pmap_stats before = stats_of(&test_pmap);
    hoard_all_slots();
    give_back_slots(1); /* enough for one table, or one run's copy */
    /* Where no table exists yet: x86-64 makes one and runs out at the next; ARMv7 makes its
     * only one and runs out at the copy. Either way the table must go again. */
    genvaddr_t far = 3 * layout()->span_bytes[0];
    assert_chain_has(pmap_map(&test_pmap, far, frame, 0, PAGE, RW), LIB_ERR_PMAP_MAP,
                     LIB_ERR_SLOT_ALLOC_NO_SPACE, __LINE__);
    ck_assert_unmapped(far, PAGE);
    ck_assert_same_shape(before);
    ck_assert_witness(&w);
    release_slots();
    ck_assert_ok(pmap_map(&test_pmap, far, frame, 0, PAGE, RW));
    ck_assert_mapped(far, PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, far, PAGE));
    ck_assert_same_shape(before);
    ck_assert_usable();
    witness_drop(&w);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* A pmap whose metadata window is one refill block, at a leaf-table boundary. */
static genvaddr_t reinit_with_tiny_window(void)
{
    struct pmap_options options = {.meta_base = 4 * leaf_span(),
                                   .meta_window_bytes = PMAP_REFILL_BYTES};
    reinit_test_pmap(&options);
    ck_assert_uint_eq(test_pmap.meta_limit, test_pmap.meta_base + PMAP_REFILL_BYTES);
    return test_pmap.meta_base;
}

START_TEST(metadata_window_that_cannot_grow_runs_out)
{
    genvaddr_t base = reinit_with_tiny_window();
    struct capref frame = new_frame(2 * PAGE);
    /* A mapping right after the window: it cannot grow. */
    genvaddr_t blocker = base + PMAP_REFILL_BYTES;
    ck_assert_ok(pmap_map(&test_pmap, blocker, frame, PAGE, PAGE, RW));
    size_t next = 0;
    errval_t err = map_pairs_until_fail(frame, 0, 512, &next);
    ck_assert_chain(err, LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_REFILL, LIB_ERR_PMAP_METADATA_EXHAUSTED);
    ck_assert_uint_ge(next, 4);
    ck_assert_uint_eq(test_pmap.meta_limit, blocker);
    ck_assert_uint_eq(test_pmap.meta_next, blocker);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, 1);
    assert_metadata_mapped();
    assert_pairs_mapped(frame, next);
    ck_assert_mapped(blocker, PAGE, frame_base(frame) + PAGE, PAGE);
    /* It still unmaps, and maps again within the metadata it has. */
    ck_assert_ok(
        pmap_unmap(&test_pmap, pair_vaddr(next - 4), pair_vaddr(next) - pair_vaddr(next - 4)));
    ck_assert_unmapped(pair_vaddr(next - 4), 2 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, pair_vaddr(next - 4), frame, 0, 2 * PAGE, RW));
    ck_assert_ok(pmap_map(&test_pmap, pair_vaddr(next - 3), frame, 0, 2 * PAGE, RW));
    assert_pairs_mapped(frame, next - 2);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, 1);
    /* Once the blocker is gone the window can grow again. */
    ck_assert_ok(pmap_unmap(&test_pmap, blocker, PAGE));
    ck_assert_ok(map_pairs_until_fail(frame, next - 2, next + 8, &next));
    ck_assert_uint_gt(test_pmap.meta_limit, blocker);
    assert_pairs_mapped(frame, next);
    assert_metadata_mapped();
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(0), pair_vaddr(next) - pair_vaddr(0)));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* A window that ends where user space ends has nowhere to grow: the refill says so. */
START_TEST(a_window_at_the_top_of_user_space_cannot_grow)
{
    struct pmap_options options = {.meta_base = layout()->user_end - PMAP_REFILL_BYTES,
                                   .meta_window_bytes = PMAP_REFILL_BYTES};
    reinit_test_pmap(&options);
    struct capref frame = new_frame(2 * PAGE);
    size_t next = 0;
    errval_t err = map_pairs_until_fail(frame, 0, 512, &next);
    ck_assert_chain(err, LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_REFILL, LIB_ERR_PMAP_METADATA_EXHAUSTED);
    ck_assert_uint_ge(next, 4);
    ck_assert_uint_eq(test_pmap.meta_limit, layout()->user_end);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, 1);
    assert_pairs_mapped(frame, next);
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(0), pair_vaddr(next) - pair_vaddr(0)));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(metadata_window_grows_over_free_space)
{
    genvaddr_t base = reinit_with_tiny_window();
    struct capref frame = new_frame(2 * PAGE);
    size_t next = 0;
    while (test_pmap.meta_limit == base + PMAP_REFILL_BYTES) {
        ck_assert_uint_lt(next, 512);
        ck_assert_ok(map_pairs_until_fail(frame, next, next + 1, &next));
    }
    ck_assert_uint_gt(test_pmap.meta_limit, base + PMAP_REFILL_BYTES);
    ck_assert_uint_gt(test_pmap.meta_next, base + PMAP_REFILL_BYTES);
    ck_assert_uint_ge(stats_of(&test_pmap).meta_blocks, 2);
    assert_metadata_mapped();
    assert_pairs_mapped(frame, next);
    /* The grown part is reserved like the rest. */
    ck_assert_chain(pmap_map(&test_pmap, test_pmap.meta_limit - PAGE, frame, 0, PAGE, RW),
                    LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_ADDR_RESERVED);
    regions.count = 0;
    for (int i = 0; i < 4; i++) {
        determine_and_map(frame, 2 * PAGE, PAGE, __LINE__);
    }
    ck_assert_ok(map_pairs_until_fail(frame, next, next + 8, &next));
    assert_pairs_mapped(frame, next);
    unmap_regions();
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(0), pair_vaddr(next) - pair_vaddr(0)));
    ck_assert_usable();
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/*
 * A range pmap_determine_addr handed out stays the caller's: mapping it may need refills that
 * grow the window, but never over the range (the window keeps a growth step free above it).
 */
START_TEST(the_window_never_grows_over_a_range_determine_addr_gave)
{
    genvaddr_t base = reinit_with_tiny_window();
    struct capref frame = new_frame(PAGE);
    const size_t tables = 40;
    genvaddr_t va = 0;
    ck_assert_ok(pmap_determine_addr(&test_pmap, tables * leaf_span(), leaf_span(), &va));
    ck_assert_uint_gt(va, base); /* no room below: it lies above the window */
    for (size_t i = 0; i < tables; i++) {
        ck_assert_ok(pmap_map(&test_pmap, va + i * leaf_span(), frame, 0, PAGE, RW));
    }
    ck_assert_uint_gt(test_pmap.meta_limit, base + PMAP_REFILL_BYTES); /* it did grow */
    ck_assert_uint_le(test_pmap.meta_limit, va);
    assert_metadata_mapped();
    for (size_t i = 0; i < tables; i++) {
        ck_assert_mapped(va + i * leaf_span(), PAGE, frame_base(frame), PAGE);
    }
    ck_assert_ok(pmap_unmap(&test_pmap, va, tables * leaf_span()));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* Handed out, not mapped yet, and the metadata needs room: the range stays the caller's. */
START_TEST(the_window_never_grows_over_a_range_given_and_not_yet_mapped)
{
    genvaddr_t base = reinit_with_tiny_window();
    struct capref frame = new_frame(2 * PAGE);
    genvaddr_t given = 0;
    /* Too big for the space below the window: it lies above it. */
    ck_assert_ok(pmap_determine_addr(&test_pmap, 40 * leaf_span(), leaf_span(), &given));
    ck_assert_uint_gt(given, base);
    /* Tables elsewhere until the metadata can grow no further (after 471 pairs on x86-64, 960
       on ARMv7; pair 1536 still lies in user space on both). */
    size_t next = 0;
    ck_assert_chain(map_pairs_until_fail(frame, 0, 1536, &next), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_REFILL, LIB_ERR_PMAP_METADATA_EXHAUSTED);
    ck_assert_uint_le(test_pmap.meta_limit, given);
    assert_pairs_mapped(frame, next);
    /* With some nodes back, the given range maps. */
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(0), pair_vaddr(8) - pair_vaddr(0)));
    ck_assert_ok(pmap_map(&test_pmap, given, frame, 0, 2 * PAGE, RW));
    ck_assert_mapped(given, 2 * PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, given, 2 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, pair_vaddr(8), pair_vaddr(next) - pair_vaddr(8)));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

START_TEST(a_refill_that_grows_the_window_over_the_request_refuses_it)
{
    genvaddr_t base = reinit_with_tiny_window();
    /* Forty leaf tables' worth: the refills it needs outgrow the one-block window. */
    gensize_t bytes = 40 * leaf_span();
    genvaddr_t va = base + PMAP_REFILL_BYTES;
    struct capref frame = new_frame(bytes);
    ck_assert_chain(pmap_map(&test_pmap, va, frame, 0, bytes, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_ADDR_RESERVED);
    genvaddr_t limit = test_pmap.meta_limit;
    ck_assert_uint_gt(limit, va);
    ck_assert_unmapped(limit, va + bytes - limit);
    ck_assert_uint_eq(stats_of(&test_pmap).mappings, stats_of(&test_pmap).meta_blocks);
    assert_metadata_mapped();
    /* Past the grown window it fits. */
    ck_assert_ok(pmap_map(&test_pmap, limit, frame, 0, bytes, RW));
    ck_assert_uint_eq(test_pmap.meta_limit, limit);
    ck_assert_mapped(limit, bytes, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, limit, bytes));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

/* ---- A foreign pmap: metadata from the caller's heap ------------------------------------- */

static struct pmap foreign;
static size_t heap_live;
static size_t heap_limit;

static void *counting_alloc(size_t bytes)
{
    if (heap_live >= heap_limit) {
        return NULL;
    }
    void *block = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (block != NULL) {
        heap_live++;
    }
    return block;
}

static void counting_free(void *block)
{
    ck_assert_uint_gt(heap_live, 0);
    heap_live--;
    free(block);
}

static struct capref foreign_init(void)
{
    heap_live = 0;
    heap_limit = SIZE_MAX;
    struct capref root;
    ck_assert_ok(vnode_create(&root, layout()->table_type[0]));
    struct pmap_options options = {.heap_alloc = counting_alloc, .heap_free = counting_free};
    ck_assert_ok(pmap_init(&foreign, root, &options));
    ck_assert_uint_eq(foreign.root_base, frame_base(root));
    return root;
}

static void foreign_destroy(struct capref root)
{
    ck_assert_ok(pmap_destroy(&foreign));
    ck_assert_uint_eq(heap_live, 0);
    ck_assert_uint_eq(stats_of(&foreign).tables, 0);
    ck_assert_ok(vnode_destroy(root));
}

/* Tables the pages at vaddr[0..n) need: per level, the distinct entries above them. */
static size_t tables_for(const genvaddr_t *vaddr, size_t n)
{
    const struct pmap_layout *l = layout();
    size_t tables = 0;
    for (int level = 1; level < l->levels; level++) {
        gensize_t cover = l->span_bytes[level - 1];
        for (size_t i = 0; i < n; i++) {
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++) {
                seen = vaddr[j] / cover == vaddr[i] / cover;
            }
            tables += !seen;
        }
    }
    return tables;
}

#define FOREIGN_PAGES 40

START_TEST(foreign_pmap_keeps_its_metadata_on_the_heap)
{
    struct capref root = foreign_init();
    struct pmap_stats own = stats_of(&test_pmap);
    struct capref frame = new_frame(PAGE);
    genvaddr_t va[FOREIGN_PAGES + 1];
    for (size_t i = 0; i < FOREIGN_PAGES; i++) {
        va[i] = test_base() + i * leaf_span();
        ck_assert_ok(pmap_map(&foreign, va[i], frame, 0, PAGE, RW));
    }
    /* The self-paging window means nothing to it. */
    va[FOREIGN_PAGES] = layout()->meta_base_default;
    ck_assert_ok(pmap_map(&foreign, va[FOREIGN_PAGES], frame, 0, PAGE, RW));
    struct pmap_stats s = stats_of(&foreign);
    ck_assert_uint_ge(s.meta_blocks, 2);
    ck_assert_uint_eq(s.meta_blocks, heap_live);
    ck_assert_uint_eq(s.mappings, FOREIGN_PAGES + 1);
    ck_assert_uint_eq(s.tables, tables_for(va, FOREIGN_PAGES + 1));
    for (size_t i = 0; i <= FOREIGN_PAGES; i++) {
        assert_mapped_in(&foreign, va[i], PAGE, frame_base(frame), PAGE, __LINE__);
        ck_assert(!walk_translate(test_pmap.root_base, va[i]).present);
    }
    assert_unmapped_in(&foreign, va[FOREIGN_PAGES] + PAGE, 64 * PMAP_REFILL_BYTES, __LINE__);
    assert_unmapped_in(&foreign, layout()->user_min, 16 * PMAP_REFILL_BYTES, __LINE__);
    /* Unmapping and mapping again. */
    ck_assert_ok(pmap_unmap(&foreign, va[3], PAGE));
    assert_unmapped_in(&foreign, va[3], PAGE, __LINE__);
    ck_assert_ok(pmap_map(&foreign, va[3] + PAGE, frame, 0, PAGE, RW));
    assert_mapped_in(&foreign, va[3] + PAGE, PAGE, frame_base(frame), PAGE, __LINE__);
    ck_assert_chain(pmap_map(&foreign, va[4], frame, 0, PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_EXISTING_MAPPING);
    assert_usable_in(&foreign, __LINE__);
    /* The self-paging pmap did not change. */
    ck_assert_same_shape(own);
    ck_assert_uint_eq(stats_of(&test_pmap).meta_blocks, own.meta_blocks);
    foreign_destroy(root);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(foreign_pmap_whose_heap_runs_dry)
{
    struct capref root = foreign_init();
    struct capref frame = new_frame(PAGE);
    genvaddr_t va = test_base();
    ck_assert_ok(pmap_map(&foreign, va, frame, 0, PAGE, RW));
    heap_limit = heap_live;
    size_t i = 1;
    errval_t err = SYS_ERR_OK;
    for (; i < 512 && err_is_ok(err); i++) {
        err = pmap_map(&foreign, va + i * leaf_span(), frame, 0, PAGE, RW);
    }
    size_t failed = i - 1;
    ck_assert_chain(err, LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_REFILL, LIB_ERR_PMAP_METADATA_EXHAUSTED);
    assert_unmapped_in(&foreign, va + failed * leaf_span(), PAGE, __LINE__);
    for (size_t j = 0; j < failed; j++) {
        assert_mapped_in(&foreign, va + j * leaf_span(), PAGE, frame_base(frame), PAGE, __LINE__);
    }
    ck_assert_uint_eq(stats_of(&foreign).meta_blocks, heap_live);
    heap_limit = SIZE_MAX;
    ck_assert_ok(pmap_map(&foreign, va + failed * leaf_span(), frame, 0, PAGE, RW));
    assert_mapped_in(&foreign, va + failed * leaf_span(), PAGE, frame_base(frame), PAGE, __LINE__);
    ck_assert_ok(pmap_unmap(&foreign, va, (failed + 1) * leaf_span()));
    assert_unmapped_in(&foreign, va, PAGE, __LINE__);
    foreign_destroy(root);
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* ---- Large pages and splitting ----------------------------------------------------------- */

/* A frame of pages large pages, aligned to a large page. */
static struct capref large_frame(size_t pages)
{
    return new_aligned_frame(pages * large_bytes(), large_bytes());
}

static genvaddr_t large_vaddr(void)
{
    return 16 * large_bytes();
}

START_TEST(large_pages_where_address_frame_and_size_allow)
{
    gensize_t big = large_bytes();
    genvaddr_t va = large_vaddr();
    struct capref frame = large_frame(3);
    genpaddr_t pa = frame_base(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 2 * big, RW | VREGION_FLAGS_LARGE));
    ck_assert_mapped(va, 2 * big, pa, big);
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, va + big + PAGE, &info));
    ck_assert_uint_eq(info.page_bytes, big);
    ck_assert_uint_eq(info.vaddr, va);
    ck_assert_uint_eq(info.bytes, 2 * big);
    ck_assert_uint_eq(info.flags, RW | VREGION_FLAGS_LARGE);
    /* A page inside a large page is taken. */
    ck_assert_chain(pmap_map(&test_pmap, va + 2 * PAGE, frame, 0, PAGE, RW), LIB_ERR_PMAP_MAP,
                    LIB_ERR_PMAP_EXISTING_MAPPING);
    ck_assert_chain(pmap_map(&test_pmap, va + big, frame, 0, big, RW | VREGION_FLAGS_LARGE),
                    LIB_ERR_PMAP_MAP, LIB_ERR_PMAP_EXISTING_MAPPING);
    ck_assert_mapped(va, 2 * big, pa, big);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 2 * big));
    ck_assert_unmapped(va, 2 * big);
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

START_TEST(large_pages_fall_back_to_small_ones)
{
    gensize_t big = large_bytes();
    genvaddr_t va = large_vaddr();
    struct capref frame = large_frame(3);
    genpaddr_t pa = frame_base(frame);
    vregion_flags_t flags = RW | VREGION_FLAGS_LARGE;
    /* Address off by a page. */
    ck_assert_ok(pmap_map(&test_pmap, va + PAGE, frame, 0, big, flags));
    ck_assert_mapped(va + PAGE, big, pa, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, big));
    /* Frame off by a page. */
    ck_assert_ok(pmap_map(&test_pmap, va, frame, PAGE, big, flags));
    ck_assert_mapped(va, big, pa + PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, big));
    /* Less than a large page. */
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, big - PAGE, flags));
    ck_assert_mapped(va, big - PAGE, pa, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, big - PAGE));
    /* Small pages around one large page: [va - PAGE, va + big + PAGE). */
    ck_assert_ok(pmap_map(&test_pmap, va - PAGE, frame, big - PAGE, big + 2 * PAGE, flags));
    ck_assert_mapped(va - PAGE, PAGE, pa + big - PAGE, PAGE);
    ck_assert_mapped(va, big, pa + big, big);
    ck_assert_mapped(va + big, PAGE, pa + 2 * big, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va - PAGE, big + 2 * PAGE));
    ck_assert_unmapped(va - PAGE, big + 2 * PAGE);
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

START_TEST(unmapping_inside_a_large_page_keeps_the_rest)
{
    gensize_t big = large_bytes();
    genvaddr_t va = large_vaddr();
    struct capref frame = large_frame(1);
    genpaddr_t pa = frame_base(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, big, RW | VREGION_FLAGS_LARGE));
    genvaddr_t hole = va + 5 * PAGE;
    ck_assert_ok(pmap_unmap(&test_pmap, hole, PAGE));
    ck_assert_unmapped(hole, PAGE);
    for (genvaddr_t p = va; p < va + big; p += PAGE) {
        if (p != hole) {
            check_page(&test_pmap, p, pa + (p - va), PAGE, __LINE__);
            ck_assert(walk_translate(test_pmap.root_base, p).writable);
        }
    }
    /* The hole maps again, from the same place in the frame. */
    ck_assert_ok(pmap_map(&test_pmap, hole, frame, 5 * PAGE, PAGE, RW));
    ck_assert_mapped(va, big, pa, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, big));
    ck_assert_unmapped(va, big);
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

START_TEST(modifying_flags_inside_a_large_page_keeps_the_rest)
{
    gensize_t big = large_bytes();
    genvaddr_t va = large_vaddr();
    struct capref frame = large_frame(2);
    genpaddr_t pa = frame_base(frame);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 2 * big, RW | VREGION_FLAGS_LARGE));
    genvaddr_t page = va + big + big / 2;
    ck_assert_ok(pmap_modify_flags(&test_pmap, page, PAGE, RO));
    ck_assert_mapped(va, big, pa, big);
    ck_assert_mapped(va + big, big, pa + big, PAGE);
    for (genvaddr_t p = va + big; p < va + 2 * big; p += PAGE) {
        ck_assert_int_eq(walk_translate(test_pmap.root_base, p).writable, p != page);
    }
    ck_assert(walk_translate(test_pmap.root_base, va).writable);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 2 * big));
    ck_assert_ok(frame_free(frame));
    ck_assert_usable();
    assert_no_leaks();
}
END_TEST

/*
 * The largest pages the format has below the root (x86-64: 1 GiB), from a
 * device window (DevFrames are not zeroed, so a 1 GiB frame costs nothing).
 */
/*
 * The caller may give its frame capability up once mapped: the pmap's copy holds the mapping.
 * A split then takes a new copy, which can land in the caller's freed slot; it is still the
 * pmap's own, so taking the run down deletes it and frees its slot.
 */
START_TEST(a_split_copy_in_the_callers_freed_slot_is_still_deleted)
{
    genvaddr_t va = test_base();
    struct witness w = witness_map(va + 16 * PAGE, 4 * PAGE); /* keeps the tables */
    size_t slots_before = slot_alloc_used();
    struct capref frame = new_frame(4 * PAGE);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    ck_assert_ok(cap_destroy(frame));
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, PAGE)); /* two splits: two new copies */
    ck_assert_ok(pmap_unmap(&test_pmap, va, PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, va + 2 * PAGE, 2 * PAGE));
    ck_assert_unmapped(va, 4 * PAGE);
    ck_assert_uint_eq(slot_alloc_used(), slots_before); /* no copy of the frame is left */
    ck_assert_witness(&w);
}
END_TEST

/* A split keeps two runs, so it needs a slot for the second copy: without one, nothing changes. */
START_TEST(a_split_without_a_free_slot_is_refused_and_changes_nothing)
{
    struct capref frame = new_frame(4 * PAGE);
    genvaddr_t va = test_base();
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 4 * PAGE, RW));
    struct pmap_stats before = stats_of(&test_pmap);
    hoard_all_slots();
    assert_chain_has(pmap_unmap(&test_pmap, va + PAGE, PAGE), LIB_ERR_PMAP_UNMAP,
                     LIB_ERR_SLOT_ALLOC_NO_SPACE, __LINE__);
    ck_assert_mapped(va, 4 * PAGE, frame_base(frame), PAGE);
    ck_assert_same_shape(before);
    release_slots();
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, PAGE));
    ck_assert_unmapped(va + PAGE, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, 4 * PAGE));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

/* Splitting a large page needs a new leaf table: without memory for one, nothing changes. */
START_TEST(splitting_a_large_page_without_memory_is_refused_and_changes_nothing)
{
    gensize_t big = large_bytes();
    genvaddr_t va = large_vaddr();
    struct capref frame = large_frame(1);
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, big, RW | VREGION_FLAGS_LARGE));
    struct pmap_stats before = stats_of(&test_pmap);
    hoard_all_ram();
    static struct capref tables[8]; /* ARMv7: fill the shared pages' free quarters too */
    size_t n = 0;
    enum objtype leaf = layout()->table_type[layout()->levels - 1];
    while (n < 8 && err_is_ok(vnode_create(&tables[n], leaf))) {
        n++;
    }
    assert_chain_has(pmap_unmap(&test_pmap, va + PAGE, PAGE), LIB_ERR_PMAP_UNMAP,
                     LIB_ERR_RAM_ALLOC_EXHAUSTED, __LINE__);
    ck_assert_mapped(va, big, frame_base(frame), big);
    ck_assert_same_shape(before);
    while (n > 0) {
        ck_assert_ok(vnode_destroy(tables[--n]));
    }
    release_hoard();
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, PAGE));
    ck_assert_unmapped(va + PAGE, PAGE);
    ck_assert_mapped(va, PAGE, frame_base(frame), PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, va, big));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

START_TEST(the_largest_pages_map_through_libpmap)
{
    const struct pmap_layout *l = pmap_arch_layout();
    int level = 0;
    while (!l->frame_level[level]) {
        level++;
    }
    gensize_t big = l->span_bytes[level];
    pmap_shutdown();
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.device_bytes = 2 * big + (big > (1u << 20) ? 0 : (gensize_t)1 << 20);
    pmap_boot_config(&config, NULL);
    genpaddr_t dev = host_machine_device_base();
    gensize_t offset = (dev + big - 1) / big * big - dev;
    struct capref frame;
    ck_assert_ok(slot_alloc(&frame));
    ck_assert_ok(cap_retype(frame, (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PHYSADDRCN)},
                            offset, ObjType_DevFrame, big, 1));
    genvaddr_t va;
    ck_assert_ok(pmap_determine_addr(&test_pmap, big, big, &va));
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, big,
                          VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE | VREGION_FLAGS_LARGE));
    struct walk_result w = walk_translate(test_pmap.root_base, va + big - 4096 + 12);
    ck_assert(w.present && w.nocache);
    ck_assert_uint_eq(w.page_bytes, big);
    ck_assert_uint_eq(w.paddr, dev + offset + big - 4096 + 12);
    /* A hole in the middle splits it down to 4 KiB pages around the hole. */
    ck_assert_ok(pmap_unmap(&test_pmap, va + big / 2, 4096));
    ck_assert(!walk_translate(test_pmap.root_base, va + big / 2).present);
    w = walk_translate(test_pmap.root_base, va + big / 2 + 4096);
    ck_assert(w.present);
    ck_assert_uint_eq(w.paddr, dev + offset + big / 2 + 4096);
    ck_assert_ok(pmap_unmap(&test_pmap, va, big));
    ck_assert_ok(cap_destroy(frame));
    assert_no_leaks();
}
END_TEST

Suite *pmap_errors_suite(void)
{
    Suite *s = suite_create("pmap errors");
    TCase *map = pmap_tcase(s, "map refusals");
    tcase_add_test(map, map_refuses_unaligned_address_offset_and_size);
    tcase_add_test(map, map_refuses_empty_and_wrapping_sizes);
    tcase_add_test(map, map_refuses_ranges_outside_user_space);
    tcase_add_test(map, map_refuses_the_metadata_window);
    tcase_add_test(map, map_refuses_ranges_beyond_the_frame);
    tcase_add_test(map, map_refuses_unknown_flags_and_flags_without_read);
    tcase_add_test(map, map_refuses_to_overlap_a_mapping_and_leaves_it_alone);
    tcase_add_test(map, map_refuses_empty_and_unreachable_caprefs);
    tcase_add_test(map, map_of_a_ram_capability_is_refused_by_the_kernel);
    tcase_add_test(map, map_writable_of_a_read_only_frame_is_refused_and_leaves_nothing);
    TCase *other = pmap_tcase(s, "unmap, modify_flags, lookup, init refusals");
    tcase_add_test(other, unmap_refusals_change_nothing);
    tcase_add_test(other, unmap_of_unmapped_ranges_is_fine_and_changes_nothing);
    tcase_add_test(other, modify_flags_refusals_change_nothing);
    tcase_add_test(other, modify_flags_beyond_the_frame_rights_is_refused);
    tcase_add_test(other, modify_flags_is_all_or_nothing_across_runs_of_different_rights);
    tcase_add_test(other, a_frame_revoked_under_a_mapping_does_not_wedge_the_pmap);
    tcase_add_test(other, the_window_never_grows_over_a_range_determine_addr_gave);
    tcase_add_test(other, the_window_never_grows_over_a_range_given_and_not_yet_mapped);
    tcase_add_test(other, destroy_takes_down_runs_whose_frames_were_revoked);
    tcase_add_test(other, a_refused_modify_splits_nothing);
    tcase_add_test(other, modify_over_a_revoked_run_takes_it_down_and_changes_the_rest);
    tcase_add_test(other, lookup_says_not_mapped_or_out_of_range);
    tcase_add_test(other, init_refuses_what_is_not_an_empty_root_table);
    TCase *determine = pmap_tcase(s, "determine_addr");
    tcase_add_test(determine, determine_addr_refuses_bad_alignments_and_sizes);
    tcase_add_test(determine, determine_addr_with_alignment_zero_aligns_to_a_page);
    tcase_add_test(determine, determine_addr_gives_free_aligned_ranges_outside_the_window);
    tcase_add_test(determine, determine_addr_hands_out_a_range_once_even_before_it_is_mapped);
    tcase_add_test(determine, determine_addr_runs_out_of_aligned_candidates);
    tcase_add_test(determine, determine_addr_with_the_address_space_nearly_full);
    TCase *exhaustion = pmap_tcase(s, "exhaustion");
    tcase_add_test(exhaustion, running_out_of_ram_in_a_refill);
    tcase_add_test(exhaustion, running_out_of_slots_in_a_refill);
    tcase_add_test(exhaustion, running_out_of_slots_halfway_takes_back_what_the_call_mapped);
    tcase_add_test(exhaustion, running_out_of_slots_while_making_tables_takes_them_back);
    tcase_add_test(exhaustion, metadata_window_that_cannot_grow_runs_out);
    tcase_add_test(exhaustion, metadata_window_grows_over_free_space);
    tcase_add_test(exhaustion, a_window_at_the_top_of_user_space_cannot_grow);
    tcase_add_test(exhaustion, a_refill_that_grows_the_window_over_the_request_refuses_it);
    TCase *foreign_tc = pmap_tcase(s, "foreign pmap");
    tcase_add_test(foreign_tc, foreign_pmap_keeps_its_metadata_on_the_heap);
    tcase_add_test(foreign_tc, foreign_pmap_whose_heap_runs_dry);
    TCase *large = pmap_tcase(s, "large pages");
    tcase_add_test(large, the_largest_pages_map_through_libpmap);
    tcase_add_test(large, large_pages_where_address_frame_and_size_allow);
    tcase_add_test(large, large_pages_fall_back_to_small_ones);
    tcase_add_test(large, unmapping_inside_a_large_page_keeps_the_rest);
    tcase_add_test(large, modifying_flags_inside_a_large_page_keeps_the_rest);
    tcase_add_test(large, splitting_a_large_page_without_memory_is_refused_and_changes_nothing);
    tcase_add_test(exhaustion, a_split_without_a_free_slot_is_refused_and_changes_nothing);
    tcase_add_test(exhaustion, a_split_copy_in_the_callers_freed_slot_is_still_deleted);
    return s;
}
