/* The pmap suite: user mappings held against a reference model, the walker and pmap_lookup. */
#include "pmap_model.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct walk_result walk_present(genvaddr_t va, genpaddr_t paddr, gensize_t page_bytes)
{
    struct walk_result w = walk(va);
    expect(w.present, "%#llx does not translate", (ull)va);
    ck_assert_uint_eq(w.paddr, paddr);
    ck_assert_uint_eq(w.page_bytes, page_bytes);
    return w;
}

/* ---- Deterministic tests. ---- */

/* libpmap finds slots with shifts and masks (pmap_arch.h): a layout must agree with itself. */
START_TEST(the_layout_spans_and_table_sizes_are_powers_of_two)
{
    const struct pmap_layout *l = layout();
    for (int level = 0; level < l->levels; level++) {
        ck_assert_uint_eq(l->span_bytes[level], (gensize_t)1 << l->span_shift[level]);
        ck_assert_uint_eq(l->entries[level] & (l->entries[level] - 1), 0);
        if (level > 0) { /* an entry above covers exactly one table below */
            ck_assert_uint_eq(l->span_bytes[level - 1], l->span_bytes[level] * l->entries[level]);
        }
    }
    ck_assert_uint_eq(l->span_bytes[l->levels - 1], PAGE);
}
END_TEST

START_TEST(one_page_maps_looks_up_and_unmaps)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    ck_assert(do_map(f, 0, TEST_VA, PAGE, F_RW));
    struct pmap_mapping_info info = lookup_ok(TEST_VA + 0x123);
    ck_assert_uint_eq(info.vaddr, TEST_VA);
    ck_assert_uint_eq(info.bytes, PAGE);
    ck_assert_uint_eq(info.page_bytes, PAGE);
    ck_assert_uint_eq(info.offset_bytes, 0);
    ck_assert_uint_eq(info.flags, F_RW);
    ck_assert(capref_equal(info.frame, f->cap));
    struct walk_result w = walk_present(TEST_VA + 0x123, f->base + 0x123, PAGE);
    ck_assert(w.user && w.writable && !w.executable && !w.nocache);
    ck_assert_int_eq(w.levels, layout()->levels);
    check_against_model();
    do_unmap(TEST_VA, PAGE);
    ck_assert(!walk(TEST_VA).present);
    ck_assert_err(pmap_lookup(&test_pmap, TEST_VA, &info), LIB_ERR_PMAP_NOT_MAPPED);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(a_multi_page_run_is_one_run)
{
    start();
    struct test_frame *f = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(f, 4 * PAGE, TEST_VA + 3 * PAGE, 10 * PAGE, F_RX));
    struct pmap_mapping_info info = lookup_ok(TEST_VA + 12 * PAGE);
    ck_assert_uint_eq(info.vaddr, TEST_VA + 3 * PAGE);
    ck_assert_uint_eq(info.bytes, 10 * PAGE);
    ck_assert_uint_eq(info.offset_bytes, 4 * PAGE);
    struct walk_result w = walk_present(TEST_VA + 12 * PAGE, f->base + 13 * PAGE, PAGE);
    ck_assert(!w.writable && w.executable);
    check_absent(TEST_VA + 2 * PAGE);
    check_absent(TEST_VA + 13 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmapping_the_middle_splits_a_run_in_two)
{
    start();
    struct test_frame *f = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(f, 0, TEST_VA, 16 * PAGE, F_RW));
    do_unmap(TEST_VA + 5 * PAGE, 3 * PAGE);
    struct pmap_mapping_info left = lookup_ok(TEST_VA + 4 * PAGE);
    ck_assert_uint_eq(left.vaddr, TEST_VA);
    ck_assert_uint_eq(left.bytes, 5 * PAGE);
    struct pmap_mapping_info right = lookup_ok(TEST_VA + 8 * PAGE);
    ck_assert_uint_eq(right.vaddr, TEST_VA + 8 * PAGE);
    ck_assert_uint_eq(right.bytes, 8 * PAGE);
    ck_assert_uint_eq(right.offset_bytes, 8 * PAGE);
    walk_present(TEST_VA + 4 * PAGE, f->base + 4 * PAGE, PAGE);
    walk_present(TEST_VA + 8 * PAGE, f->base + 8 * PAGE, PAGE);
    for (int i = 5; i < 8; i++) {
        check_absent(TEST_VA + (genvaddr_t)i * PAGE);
    }
    check_every_page(TEST_VA - 4 * PAGE, TEST_VA + 20 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

static void expect_run(genvaddr_t va, gensize_t bytes, const struct test_frame *f, gensize_t offset,
                       vregion_flags_t flags)
{
    struct pmap_mapping_info info = lookup_ok(va);
    ck_assert_uint_eq(info.vaddr, va);
    ck_assert_uint_eq(info.bytes, bytes);
    ck_assert(capref_equal(info.frame, f->cap));
    ck_assert_uint_eq(info.offset_bytes, offset);
    ck_assert_uint_eq(info.flags, flags);
}

START_TEST(modify_flags_across_two_runs_splits_both)
{
    start();
    struct test_frame *a = new_frame(8 * PAGE, PAGE);
    struct test_frame *b = new_frame(8 * PAGE, PAGE);
    ck_assert(do_map(a, 0, TEST_VA, 8 * PAGE, F_R));
    ck_assert(do_map(b, 0, TEST_VA + 8 * PAGE, 8 * PAGE, F_RW));
    do_modify(TEST_VA + 4 * PAGE, 8 * PAGE, F_RX);
    expect_run(TEST_VA, 4 * PAGE, a, 0, F_R);
    expect_run(TEST_VA + 4 * PAGE, 4 * PAGE, a, 4 * PAGE, F_RX);
    expect_run(TEST_VA + 8 * PAGE, 4 * PAGE, b, 0, F_RX);
    expect_run(TEST_VA + 12 * PAGE, 4 * PAGE, b, 4 * PAGE, F_RW);
    ck_assert(walk(TEST_VA + 11 * PAGE).executable && !walk(TEST_VA + 12 * PAGE).executable);
    check_every_page(TEST_VA - PAGE, TEST_VA + 17 * PAGE);
    /* Over a hole: only the mapped parts change, the hole stays a hole. */
    struct test_frame *c = new_frame(4 * PAGE, PAGE);
    ck_assert(do_map(c, 0, TEST_VA + 20 * PAGE, 4 * PAGE, F_RW));
    do_modify(TEST_VA + 14 * PAGE, 8 * PAGE, F_RN);
    expect_run(TEST_VA + 14 * PAGE, 2 * PAGE, b, 6 * PAGE, F_RN);
    expect_run(TEST_VA + 20 * PAGE, 2 * PAGE, c, 0, F_RN);
    expect_run(TEST_VA + 22 * PAGE, 2 * PAGE, c, 2 * PAGE, F_RW);
    check_every_page(TEST_VA - PAGE, TEST_VA + 25 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmap_across_a_leaf_table_border)
{
    start();
    genvaddr_t border = TEST_VA + leaf_table_bytes();
    struct test_frame *f = new_frame(64 * PAGE, PAGE);
    ck_assert(do_map(f, 0, border - 32 * PAGE, 64 * PAGE, F_RW));
    expect_run(border - 32 * PAGE, 32 * PAGE, f, 0, F_RW);
    expect_run(border, 32 * PAGE, f, 32 * PAGE, F_RW);
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels); /* the path, and a second leaf */
    check_against_model();
    do_unmap(border - 8 * PAGE, 16 * PAGE);
    expect_run(border - 32 * PAGE, 24 * PAGE, f, 0, F_RW);
    expect_run(border + 8 * PAGE, 24 * PAGE, f, 40 * PAGE, F_RW);
    check_every_page(border - 40 * PAGE, border + 40 * PAGE);
    check_against_model();
    do_unmap(border, 32 * PAGE); /* empties the second leaf table: it goes */
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels - 1);
    check_every_page(border - 40 * PAGE, border + 40 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

/* A run across a border of a level-`level` table's entries: both sides, then one, then none. */
static void map_and_unmap_across(int level, const struct test_frame *f)
{
    gensize_t span = layout()->span_bytes[level];
    genvaddr_t border = span;
    while (border - 64 * PAGE < layout()->user_min) {
        border += span;
    }
    model_reset(border - 64 * PAGE, border + 64 * PAGE);
    ck_assert(do_map(f, 0, border - 32 * PAGE, 64 * PAGE, F_RW));
    /* Tables above `level` are shared by both sides; the ones below it come in pairs. */
    ck_assert_uint_eq(user_tables(), (size_t)(level + 2 * (leaf_level() - level)));
    check_every_page(model.lo, model.hi);
    check_against_model();
    do_unmap(border - 4 * PAGE, 8 * PAGE);
    check_every_page(model.lo, model.hi);
    check_against_model();
    do_unmap(border, 32 * PAGE);
    ck_assert_uint_eq(user_tables(), (size_t)leaf_level());
    check_against_model();
    do_unmap(model.lo, model.hi - model.lo);
    ck_assert_uint_eq(user_tables(), 0);
    check_against_model();
}

START_TEST(runs_across_the_border_of_every_table_level)
{
    start();
    struct test_frame *f = new_frame(64 * PAGE, PAGE);
    for (int level = 0; level < leaf_level(); level++) {
        map_and_unmap_across(level, f);
    }
    unmap_all_and_check_no_leaks();
}
END_TEST

/* Maps two large pages at TEST_VA from a large-aligned frame; checks they are large. */
static struct test_frame *map_two_large_pages(void)
{
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    ck_assert(do_map(f, 0, TEST_VA, 2 * large, F_RW | F_LARGE));
    ck_assert_int_eq(walk_present(TEST_VA, f->base, large).levels, large_level() + 1);
    walk_present(TEST_VA + 2 * large - PAGE, f->base + 2 * large - PAGE, large);
    struct pmap_mapping_info info = lookup_ok(TEST_VA + large);
    ck_assert_uint_eq(info.page_bytes, large);
    ck_assert_uint_eq(info.vaddr, TEST_VA);
    ck_assert_uint_eq(info.bytes, 2 * large);
    ck_assert_uint_eq(user_tables(), (size_t)large_level());
    check_against_model();
    return f;
}

START_TEST(unmapping_a_page_inside_a_large_page_splits_it)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = map_two_large_pages();
    do_unmap(TEST_VA + 5 * PAGE, PAGE);
    check_absent(TEST_VA + 5 * PAGE);
    walk_present(TEST_VA + 4 * PAGE, f->base + 4 * PAGE, PAGE);
    walk_present(TEST_VA + 6 * PAGE, f->base + 6 * PAGE, PAGE);
    walk_present(TEST_VA + large - PAGE, f->base + large - PAGE, PAGE);
    walk_present(TEST_VA + large, f->base + large, large); /* the other one stays large */
    ck_assert_uint_eq(user_tables(), (size_t)large_level() + 1);
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(modify_flags_of_a_page_inside_a_large_page_splits_it)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = map_two_large_pages();
    do_modify(TEST_VA + large + 7 * PAGE, PAGE, F_RX);
    struct walk_result w =
        walk_present(TEST_VA + large + 7 * PAGE, f->base + large + 7 * PAGE, PAGE);
    ck_assert(w.executable && !w.writable);
    w = walk_present(TEST_VA + large + 6 * PAGE, f->base + large + 6 * PAGE, PAGE);
    ck_assert(!w.executable && w.writable);
    walk_present(TEST_VA + large + 8 * PAGE, f->base + large + 8 * PAGE, PAGE);
    walk_present(TEST_VA, f->base, large);
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    do_modify(TEST_VA, large, F_RN); /* a whole large page keeps its size */
    w = walk_present(TEST_VA + PAGE, f->base + PAGE, large);
    ck_assert(w.nocache && !w.writable);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(a_large_aligned_frame_without_the_flag_gets_base_pages)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    ck_assert(do_map(f, 0, TEST_VA, 2 * large, F_RW));
    walk_present(TEST_VA, f->base, PAGE);
    walk_present(TEST_VA + large, f->base + large, PAGE);
    ck_assert_uint_eq(lookup_ok(TEST_VA).page_bytes, PAGE);
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels); /* the path, and a second leaf */
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(the_large_flag_falls_back_to_base_pages_where_it_must)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    /* Address not aligned, frame offset not aligned, a tail shorter than a large page. */
    ck_assert(do_map(f, 0, TEST_VA - 4 * large + PAGE, large, F_RW | F_LARGE));
    ck_assert(do_map(f, PAGE, TEST_VA - 2 * large, large, F_RW | F_LARGE));
    ck_assert(do_map(f, 0, TEST_VA, large + 3 * PAGE, F_RX | F_LARGE));
    walk_present(TEST_VA - 4 * large + PAGE, f->base, PAGE);
    walk_present(TEST_VA - 2 * large, f->base + PAGE, PAGE);
    walk_present(TEST_VA, f->base, large);
    walk_present(TEST_VA + large, f->base + large, PAGE);
    check_every_page(TEST_VA - 5 * large, TEST_VA + 2 * large);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmapping_everything_reclaims_every_table)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *big = new_frame(2 * large, large);
    struct test_frame *small = new_frame(64 * PAGE, PAGE);
    ck_assert(do_map(big, 0, WINDOW_LO, 2 * large, F_RW | F_LARGE));
    ck_assert(do_map(small, 0, TEST_VA - 32 * PAGE, 64 * PAGE, F_RX));
    ck_assert(do_map(small, 0, WINDOW_HI - 64 * PAGE, 64 * PAGE, F_RN));
    ck_assert(do_map(big, large, TEST_VA + 8 * large, large, F_R | F_LARGE));
    do_unmap(TEST_VA + 8 * large + 3 * PAGE, PAGE);
    check_against_model();
    ck_assert_uint_gt(user_tables(), 0);
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- A foreign pmap: metadata from the heap, so nothing at all may stay after unmapping. ---- */

static void boot_foreign(void)
{
    static const struct pmap_options options = {.heap_alloc = malloc, .heap_free = free};
    pmap_boot_with((gensize_t)256 << 20, &options);
}

START_TEST(a_foreign_pmap_ends_with_no_tables_and_no_runs)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *big = new_frame(2 * large, large);
    struct test_frame *small = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(big, 0, TEST_VA, 2 * large, F_RW | F_LARGE));
    ck_assert(do_map(small, 0, TEST_VA - 16 * PAGE, 16 * PAGE, F_R));
    ck_assert(!do_map(small, 0, TEST_VA - PAGE, 2 * PAGE, F_R));
    do_unmap(TEST_VA + PAGE, PAGE);
    do_modify(TEST_VA + large, 2 * PAGE, F_RX);
    check_every_page(TEST_VA - 16 * PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- The randomised test. ---- */
#define RANDOM_OPS 4000
#define RANDOM_CHECK_EVERY 50
#define RANDOM_ROUNDS_DEFAULT 64
#define DEFAULT_SEED 0x5eed2024ull

/* One round: RANDOM_OPS operations, the oracle every RANDOM_CHECK_EVERY and at the end. */
static void random_round(uint64_t seed, struct random_counts *c)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    make_pool();
    for (c->ops = 0; c->ops < RANDOM_OPS; c->ops++) {
        snprintf(where_prefix, sizeof(where_prefix), "seed %#llx op %zu: ", (ull)seed, c->ops);
        random_op(c);
        if ((c->ops + 1) % RANDOM_CHECK_EVERY == 0) {
            strncat(where, " (then a model check)", sizeof(where) - strlen(where) - 1);
            check_against_model();
            c->checks++;
        }
    }
    snprintf(where_prefix, sizeof(where_prefix), "seed %#llx end: ", (ull)seed);
    note("every page of the window");
    check_every_page(model.lo, model.hi);
    check_against_model();
    c->checks++;
}

static int random_rounds = RANDOM_ROUNDS_DEFAULT;

/* Maps count single pages from va on, each its own run. */
static void map_pages_singly(const struct test_frame *f, genvaddr_t va, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        ck_assert_ok(pmap_map(&test_pmap, va + i * PAGE, f->cap, 0, PAGE, F_RW));
    }
}

/*
 * Metadata comes back when the maps go, the window's addresses are used again, and a map and
 * an unmap in turn around a block boundary do not map and unmap a block each time.
 */
START_TEST(idle_metadata_comes_back_without_churning)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    struct pmap_stats before, peak, s;
    pmap_get_stats(&test_pmap, &before);
    const size_t count = 16000; /* runs are 16 bytes: enough of them to fill several blocks */
    map_pages_singly(f, TEST_VA, count);
    pmap_get_stats(&test_pmap, &peak);
    genvaddr_t peak_next = test_pmap.meta_next;
    ck_assert_uint_ge(peak.meta_blocks, before.meta_blocks + 5);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, count * PAGE));
    pmap_get_stats(&test_pmap, &s);
    ck_assert_uint_le(s.meta_blocks, before.meta_blocks + PMAP_SHRINK_SLACK_BLOCKS);
    check_against_model(); /* nothing mapped; the metadata's blocks, holes and tables agree */
    /* The same maps again fit in the window's addresses of the first time. */
    map_pages_singly(f, TEST_VA, count);
    ck_assert_uint_le(test_pmap.meta_next, peak_next);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, count * PAGE));
    /* Map page by page up to the first refill: the last map took the new block's first node. */
    pmap_get_stats(&test_pmap, &s);
    size_t blocks = s.meta_blocks;
    genvaddr_t va = TEST_VA;
    for (; s.meta_blocks == blocks; va += PAGE) {
        ck_assert_uint_lt(va, TEST_VA + count * PAGE);
        ck_assert_ok(pmap_map(&test_pmap, va, f->cap, 0, PAGE, F_RW));
        pmap_get_stats(&test_pmap, &s);
    }
    genvaddr_t last = va - PAGE;
    blocks = s.meta_blocks;
    size_t changes = 0;
    for (int i = 0; i < 1000; i++) {
        ck_assert_ok(pmap_unmap(&test_pmap, last, PAGE));
        pmap_get_stats(&test_pmap, &s);
        changes += s.meta_blocks != blocks;
        ck_assert_ok(pmap_map(&test_pmap, last, f->cap, 0, PAGE, F_RW));
        pmap_get_stats(&test_pmap, &s);
        changes += s.meta_blocks != blocks;
    }
    ck_assert_uint_eq(changes, 0);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, va - TEST_VA));
    free_frames();
    assert_no_leaks();
}
END_TEST

/*
 * Maps single pages from va on until the slab of run nodes has grown by times blocks; returns the
 * pages mapped and sets *per to the nodes a block adds.
 */
static size_t map_until_run_blocks_grow(const struct test_frame *f, genvaddr_t va, int times,
                                        size_t *per)
{
    struct pmap_stats prev, s;
    pmap_get_stats(&test_pmap, &prev);
    size_t pages = 0;
    for (int grown = 0; grown < times; pages++) {
        ck_assert_uint_lt(pages, 100000);
        ck_assert_ok(pmap_map(&test_pmap, va + pages * PAGE, f->cap, 0, PAGE, F_RW));
        pmap_get_stats(&test_pmap, &s);
        if (s.mappings_free > prev.mappings_free) {
            /* A new block of run nodes, less the one this map took. */
            *per = s.mappings_free - prev.mappings_free + 1;
            grown++;
        }
        prev = s;
    }
    return pages;
}

/*
 * The smallest trim: two blocks of run nodes, both idle once their runs are unmapped, and far
 * more than an eighth of the slab. The unmap gives the older back and keeps the newer.
 */
START_TEST(two_idle_blocks_of_a_slab_are_enough_for_a_trim)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    struct pmap_stats before, peak, s;
    pmap_get_stats(&test_pmap, &before);
    size_t per;
    size_t pages = map_until_run_blocks_grow(f, TEST_VA, 2, &per);
    pmap_get_stats(&test_pmap, &peak);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, pages * PAGE));
    pmap_get_stats(&test_pmap, &s);
    ck_assert_uint_lt(s.meta_blocks, peak.meta_blocks);
    /* Every run node is free again: those of the bootstrap area and of one block. */
    ck_assert_msg(s.mappings_free >= per && s.mappings_free <= before.mappings_free + per,
                  "%zu free run nodes after the unmap: expected the %zu there were before the "
                  "maps and one block of %zu",
                  s.mappings_free, before.mappings_free, per);
    free_frames();
    assert_no_leaks();
}
END_TEST

/*
 * Rounds of maps, each up to a new block of run nodes, and unmaps: the trims leave holes in the
 * window, the newest blocks fill the lowest, and a hole comes to lie just below the window's
 * top. Each new block takes a hole, so the window never grows past its first peak.
 */
START_TEST(new_blocks_fill_the_holes_trimmed_blocks_left)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    size_t per;
    const int rounds[] = {3, 1, 1, 1};
    genvaddr_t peak_next = 0;
    for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
        size_t pages = map_until_run_blocks_grow(f, TEST_VA, rounds[r], &per);
        peak_next = r == 0 ? test_pmap.meta_next : peak_next;
        ck_assert_msg(test_pmap.meta_next <= peak_next,
                      "round %zu: the window's top at %#llx, above its first peak %#llx", r,
                      (ull)test_pmap.meta_next, (ull)peak_next);
        ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, pages * PAGE));
        snprintf(where, sizeof(where), "round %zu, %zu pages unmapped", r, pages);
        check_against_model(); /* the blocks tile the window but for the holes counted */
    }
    free_frames();
    assert_no_leaks();
}
END_TEST

START_TEST(random_operations_agree_with_the_model)
{
    uint64_t base_seed = env_u64("PMAP_SEED", DEFAULT_SEED);
    uint64_t seed = base_seed + (uint64_t)_i;
    if (_i == 0) {
        printf("pmap random: seed %#llx (PMAP_SEED), round i uses seed + i\n", (ull)base_seed);
    }
    start();
    if (_i % 2 == 1) { /* odd rounds: a dense 8 MiB window */
        model_reset(TEST_VA - ((genvaddr_t)4 << 20), TEST_VA + ((genvaddr_t)4 << 20));
    }
    struct random_counts c = {0};
    random_round(seed, &c);
    if (_i == random_rounds - 1 || getenv("PMAP_VERBOSE") != NULL) {
        printf("pmap random: round %d seed %#llx: %zu ops (%zu maps, %zu of them refused as "
               "overlapping, "
               "%zu unmaps, %zu modify_flags, %zu lookups), %zu model checks\n",
               _i, (ull)seed, c.ops, c.maps, c.refused, c.unmaps, c.modifies, c.lookups, c.checks);
    }
    if (_i == random_rounds - 1) {
        printf("pmap random: %d rounds x %d ops = %llu operations\n", random_rounds, RANDOM_OPS,
               (ull)random_rounds * RANDOM_OPS);
    }
    fflush(stdout);
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- A million pages, one pmap_map each. ---- */

#define MILLION 1000000u

static void boot_big(void)
{
    pmap_boot_with((gensize_t)1 << 30, NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where the pages go: from the first leaf-table border up, below the metadata window. */
static genvaddr_t million_base(void)
{
    gensize_t t = leaf_table_bytes();
    return (layout()->user_min + t - 1) / t * t;
}

/* A million, or what fits below the metadata window (ARMv7: 2 GiB of user space), less 1/8. */
static size_t million_count(void)
{
    gensize_t room = (test_pmap.meta_base - million_base()) / PAGE;
    return room >= MILLION ? MILLION : (size_t)(room / 8 * 7);
}

static void check_million_page(const struct test_frame *f, genvaddr_t va, bool mapped)
{
    if (!mapped) {
        check_absent(va);
        return;
    }
    walk_present(va, f->base, PAGE);
    struct pmap_mapping_info info = lookup_ok(va);
    ck_assert(info.vaddr == va && info.bytes == PAGE && info.offset_bytes == 0);
    ck_assert(capref_equal(info.frame, f->cap) && info.flags == F_RW);
}

/* Every 997th page, the last one, and the pages just outside. */
static void check_million_sample(const struct test_frame *f, size_t count, bool mapped)
{
    genvaddr_t base = million_base();
    for (size_t i = 0; i < count; i += 997) {
        check_million_page(f, base + i * PAGE, mapped);
    }
    check_million_page(f, base + (count - 1) * PAGE, mapped);
    check_absent(base - PAGE);
    check_absent(base + count * PAGE);
}

/* The stats hold count one-page runs over [base, +count pages) and the metadata's. */
static void check_million_stats(size_t count)
{
    size_t meta_tables, meta_runs;
    metadata_needs(&meta_tables, &meta_runs);
    struct table_count tc = {0};
    if (count > 0) {
        table_count_add(&tc, million_base(), count * PAGE, leaf_level());
    }
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    ck_assert_uint_eq(s.mappings, count + meta_runs);
    ck_assert_uint_eq(s.tables, tc.tables + meta_tables);
}

static void map_million(const struct test_frame *f, size_t count)
{
    genvaddr_t base = million_base();
    for (size_t i = 0; i < count; i++) {
        errval_t err = pmap_map(&test_pmap, base + i * PAGE, f->cap, 0, PAGE, F_RW);
        if (err_is_fail(err)) {
            ck_abort_msg("map of page %zu at %#llx: %s", i, (ull)(base + i * PAGE), errstr(err));
        }
    }
}

/* The first half one page per call, the second in chunks of 64 MiB. */
static void unmap_million(size_t count)
{
    genvaddr_t base = million_base();
    size_t half = count / 2;
    for (size_t i = 0; i < half; i++) {
        errval_t err = pmap_unmap(&test_pmap, base + i * PAGE, PAGE);
        if (err_is_fail(err)) {
            ck_abort_msg("unmap of page %zu: %s", i, errstr(err));
        }
    }
    const size_t chunk = 16384;
    for (size_t i = half; i < count; i += chunk) {
        size_t pages = count - i < chunk ? count - i : chunk;
        ck_assert_ok(pmap_unmap(&test_pmap, base + i * PAGE, pages * PAGE));
    }
}

START_TEST(a_million_pages_one_call_each_and_back_without_a_leak)
{
    start();
    note("million pages");
    size_t count = million_count();
    struct test_frame *f = new_frame(PAGE, PAGE);
    struct pmap_stats before;
    pmap_get_stats(&test_pmap, &before);
    struct resource_counts held;
    resource_counts_take(&held);
    size_t cnodes = slot_alloc_cnodes();
    double t0 = now_seconds();
    map_million(f, count);
    double t1 = now_seconds();
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    size_t min_blocks = count * test_pmap.mapping_slab.obj_bytes / PMAP_REFILL_BYTES;
    ck_assert_uint_ge(s.meta_blocks, min_blocks);
    ck_assert_uint_ge(s.meta_blocks, 100);
    check_million_stats(count);
    check_million_sample(f, count, true);
    double t2 = now_seconds();
    unmap_million(count);
    double t3 = now_seconds();
    check_million_sample(f, count, false);
    check_million_stats(0);
    ck_assert_uint_eq(user_tables(), 0);

    check_metadata_shrank("pmap million", &before, &held, cnodes);
    printf("pmap million: %zu pages mapped one call each in %.2f s, unmapped (half one call "
           "each, half in 64 MiB calls) in %.2f s; %zu metadata blocks, %zu tables at the peak\n",
           count, t1 - t0, t3 - t2, s.meta_blocks, s.tables);
    fflush(stdout);
    free_frames();
    assert_no_leaks();
}
END_TEST

/* The cause under pmap_map's LIB_ERR_PMAP_MAP. */
static errval_t map_cause_err(errval_t err)
{
    ck_assert_err(err, LIB_ERR_PMAP_MAP);
    return err_pop(err);
}

static enum err_code map_cause(errval_t err)
{
    return err_no(map_cause_err(err));
}

/*
 * pmap_map_lent maps the caller's frame itself: no copy (the kernel holds no new capability),
 * the frame translates where asked, and pmap_unmap hands it back unmapped and whole. What a
 * lent capability cannot do is refused with nothing left behind.
 */
START_TEST(a_lent_frame_maps_itself_and_comes_back_unmapped)
{
    struct capref lent, two;
    genpaddr_t base, two_base;
    ck_assert_ok(frame_alloc_base(&lent, PAGE, &base));
    ck_assert_ok(frame_alloc_base(&two, 2 * PAGE, &two_base));
    /* A neighbour keeps the tables: what the lent map adds is then its own. */
    ck_assert_ok(pmap_map(&test_pmap, TEST_VA + 64 * PAGE, two, 0, PAGE, F_RW));
    struct resource_counts before;
    resource_counts_take(&before);
    ck_assert_ok(pmap_map_lent(&test_pmap, TEST_VA, lent, base, PAGE, F_RW));
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.caps_live, before.caps_live); /* no copy */
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    walk_present(TEST_VA + 8, base + 8, PAGE);
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, TEST_VA, &info));
    ck_assert(capref_equal(info.frame, lent) && info.flags == F_RW && info.bytes == PAGE);
    /* Over a mapped page: refused before the kernel is asked. */
    ck_assert_uint_eq(
        map_cause(pmap_map_lent(&test_pmap, TEST_VA + 64 * PAGE, lent, base, PAGE, F_RW)),
        LIB_ERR_PMAP_EXISTING_MAPPING);
    /* One mapping per capability: lent twice, the kernel refuses; nothing stays there. */
    errval_t twice =
        map_cause_err(pmap_map_lent(&test_pmap, TEST_VA + PAGE, lent, base, PAGE, F_RW));
    ck_assert_err(twice, LIB_ERR_VNODE_MAP);
    ck_assert_err(err_pop(twice), SYS_ERR_VM_ALREADY_MAPPED);
    ck_assert(!walk(TEST_VA + PAGE).present);
    ck_assert_err(pmap_lookup(&test_pmap, TEST_VA + PAGE, &info), LIB_ERR_PMAP_NOT_MAPPED);
    /* A range that crosses a leaf table is two runs: refused before anything is mapped. */
    genvaddr_t border = TEST_VA + layout()->span_bytes[layout()->levels - 2];
    ck_assert_uint_eq(
        map_cause(pmap_map_lent(&test_pmap, border - PAGE, two, two_base, 2 * PAGE, F_RW)),
        LIB_ERR_PMAP_LENT_RUNS);
    ck_assert(!walk(border - PAGE).present && !walk(border).present);
    ck_assert_uint_eq(
        map_cause(pmap_map_lent(&test_pmap, border, two, two_base, 2 * PAGE, VREGION_FLAGS_WRITE)),
        LIB_ERR_PMAP_FLAGS_INVALID);
    /* Unmapped, the capability is the caller's again: whole, and free to map once more. */
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, PAGE));
    ck_assert(!walk(TEST_VA).present);
    ck_assert_ok(pmap_map_lent(&test_pmap, border - PAGE, lent, base, PAGE, VREGION_FLAGS_READ));
    walk_present(border - PAGE, base, PAGE);
    ck_assert_ok(pmap_unmap(&test_pmap, border - PAGE, PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA + 64 * PAGE, PAGE));
    ck_assert_ok(frame_free(lent));
    ck_assert_ok(frame_free(two));
    assert_no_leaks();
}
END_TEST

Suite *pmap_suite(void)
{
    Suite *s = suite_create("pmap");
    TCase *layout_case = tcase_create("layout"); /* no fixture: it needs no pmap */
    tcase_add_test(layout_case, the_layout_spans_and_table_sizes_are_powers_of_two);
    suite_add_tcase(s, layout_case);
    TCase *tc = pmap_tcase(s, "deterministic");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, one_page_maps_looks_up_and_unmaps);
    tcase_add_test(tc, a_lent_frame_maps_itself_and_comes_back_unmapped);
    tcase_add_test(tc, a_multi_page_run_is_one_run);
    tcase_add_test(tc, unmapping_the_middle_splits_a_run_in_two);
    tcase_add_test(tc, modify_flags_across_two_runs_splits_both);
    tcase_add_test(tc, unmap_across_a_leaf_table_border);
    tcase_add_test(tc, runs_across_the_border_of_every_table_level);
    tcase_add_test(tc, unmapping_a_page_inside_a_large_page_splits_it);
    tcase_add_test(tc, modify_flags_of_a_page_inside_a_large_page_splits_it);
    tcase_add_test(tc, a_large_aligned_frame_without_the_flag_gets_base_pages);
    tcase_add_test(tc, the_large_flag_falls_back_to_base_pages_where_it_must);
    tcase_add_test(tc, unmapping_everything_reclaims_every_table);
    tcase_add_test(tc, idle_metadata_comes_back_without_churning);
    tcase_add_test(tc, two_idle_blocks_of_a_slab_are_enough_for_a_trim);
    tcase_add_test(tc, new_blocks_fill_the_holes_trimmed_blocks_left);

    tc = tcase_create("foreign");
    tcase_add_checked_fixture(tc, boot_foreign, pmap_shutdown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, a_foreign_pmap_ends_with_no_tables_and_no_runs);
    suite_add_tcase(s, tc);

    tc = pmap_tcase(s, "random");
    tcase_set_timeout(tc, 60);
    random_rounds = (int)env_u64("PMAP_ROUNDS", RANDOM_ROUNDS_DEFAULT);
    tcase_add_loop_test(tc, random_operations_agree_with_the_model, 0, random_rounds);

    tc = tcase_create("million");
    tcase_add_checked_fixture(tc, boot_big, pmap_shutdown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_million_pages_one_call_each_and_back_without_a_leak);
    suite_add_tcase(s, tc);
    return s;
}
