/* libvspace on the hosted kernel: each memory object, protect, copy-on-write, and refusals. */
#include "vspace_support.h"

static struct vspace_stats stats(void)
{
    struct vspace_stats s;
    vspace_get_stats(&test_vs, &s);
    return s;
}

static bool mapped(genvaddr_t va)
{
    struct pmap_mapping_info m;
    return err_is_ok(pmap_lookup(&test_pmap, va, &m));
}

static vregion_flags_t flags_at(genvaddr_t va)
{
    struct pmap_mapping_info m;
    ck_assert_ok(pmap_lookup(&test_pmap, va, &m));
    return m.flags;
}

/* Anonymous memory: nothing mapped until touched; one zeroed frame per page; data stays. */
START_TEST(first_touch_fills_each_page_once_zeroed)
{
    genvaddr_t va;
    ck_assert_ok(vspace_map_anon(&test_vs, 16 * VPAGE, VS_RW, &va));
    for (int i = 0; i < 16; i++) {
        ck_assert(!mapped(va + i * VPAGE));
    }
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t v = 0xdead;
        ck_assert_ok(vs_access(va + i * VPAGE + 0x124, FAULT_READ, &v));
        ck_assert_uint_eq(v, 0); /* zeroed */
        v = 0x1000 + i;
        ck_assert_ok(vs_access(va + i * VPAGE + 0x124, FAULT_WRITE, &v));
        ck_assert_uint_eq(flags_at(va + i * VPAGE), VS_RW);
    }
    ck_assert_uint_eq(stats().zero_fills, 16);
    ck_assert_uint_eq(stats().faults, 16); /* the writes found the page writable */
    for (uint32_t i = 0; i < 16; i++) {
        ck_assert_uint_eq(*vs_word(va + i * VPAGE + 0x124), 0x1000 + i);
    }
    /* A fault on a page already resolved (a stale TLB entry) changes nothing. */
    ck_assert_ok(vspace_handle_fault(&test_vs, va + 3 * VPAGE, FAULT_WRITE));
    ck_assert_uint_eq(stats().zero_fills, 16);
    ck_assert_uint_eq(stats().frames_owned, 16);
    vspace_assert_no_leaks();
}
END_TEST

/* A read-only region: reads fill, writes are refused as a protection fault, and a handler of
   the domain's (a write barrier) can resolve them. */
static int barrier_calls;
static genvaddr_t barrier_vaddr;
static bool barrier(struct vspace *vs, genvaddr_t vaddr, unsigned kind)
{
    barrier_calls++;
    barrier_vaddr = vaddr;
    ck_assert_uint_eq(DISPATCHER_FAULT_ACCESS(kind), DISPATCHER_FAULT_WRITE);
    genvaddr_t page = vaddr & ~(genvaddr_t)(VPAGE - 1);
    return err_is_ok(vspace_protect(vs, page, VPAGE, VS_RW));
}

START_TEST(protect_refuses_writes_and_a_barrier_unprotects)
{
    genvaddr_t va;
    uint32_t v = 7;
    ck_assert_ok(vspace_map_anon(&test_vs, 4 * VPAGE, VS_RW, &va));
    ck_assert_ok(vs_access(va, FAULT_WRITE, &v));
    ck_assert_ok(vspace_protect(&test_vs, va, 4 * VPAGE, VS_R));
    ck_assert_uint_eq(flags_at(va), VS_R); /* mapped pages change now */
    ck_assert_err(vs_access(va + 0x10, FAULT_WRITE, &v), LIB_ERR_VSPACE_PROTECTED);
    ck_assert_uint_eq(*vs_word(va), 7);                  /* nothing written */
    ck_assert_ok(vs_access(va + VPAGE, FAULT_READ, &v)); /* unmapped pages fill read-only */
    ck_assert_uint_eq(flags_at(va + VPAGE), VS_R);
    vspace_set_protection_handler(&test_vs, barrier);
    v = 8;
    ck_assert_ok(vs_access(va + 2 * VPAGE + 0x35, FAULT_WRITE, &v));
    ck_assert_int_eq(barrier_calls, 1);
    ck_assert_uint_eq(barrier_vaddr, va + 2 * VPAGE + 0x35); /* the exact address */
    ck_assert_uint_eq(flags_at(va + 2 * VPAGE), VS_RW);
    ck_assert_uint_eq(flags_at(va + VPAGE), VS_R); /* its neighbours stay protected */
    ck_assert_uint_eq(stats().regions, 3);         /* split around the unprotected page */
    ck_assert_ok(vspace_protect(&test_vs, va, 4 * VPAGE, VS_RW));
    ck_assert_uint_eq(stats().regions, 1); /* joined again */
    vspace_assert_no_leaks();
}
END_TEST

START_TEST(guards_refuse_every_access_and_a_stack_guard_says_overflow)
{
    genvaddr_t guard, top;
    ck_assert_ok(vspace_map_guard(&test_vs, 2 * VPAGE, &guard));
    ck_assert_err(vspace_handle_fault(&test_vs, guard + 8, FAULT_READ), LIB_ERR_VSPACE_GUARD);
    ck_assert_err(vspace_handle_fault(&test_vs, guard + VPAGE, FAULT_WRITE), LIB_ERR_VSPACE_GUARD);
    ck_assert(!mapped(guard));
    ck_assert_ok(vspace_map_stack(&test_vs, 8 * VPAGE, VSPACE_ANON, &top));
    uint32_t v = 1;
    ck_assert_ok(vs_access(top - 4, FAULT_WRITE, &v)); /* the stack grows into fresh pages */
    ck_assert_err(vspace_handle_fault(&test_vs, top - 8 * VPAGE - 4, FAULT_WRITE),
                  LIB_ERR_VSPACE_STACK_OVERFLOW);
    ck_assert_uint_eq(stats().zero_fills, 1);
    ck_assert_uint_eq(stats().refused, 3);
    ck_assert_err(test_vs.last_error, LIB_ERR_VSPACE_STACK_OVERFLOW);
    ck_assert_err(vspace_handle_fault(&test_vs, guard - 16 * VPAGE, FAULT_READ),
                  LIB_ERR_VSPACE_NO_REGION);
    vspace_assert_no_leaks();
}
END_TEST

/* A pinned stack is mapped whole at once: the handler's own stack never faults. */
START_TEST(pinned_memory_is_mapped_at_once_and_freed_with_its_region)
{
    genvaddr_t va, top;
    ck_assert_ok(vspace_map_pinned(&test_vs, 3 * VPAGE, VS_RW, &va));
    ck_assert_ok(vspace_map_stack(&test_vs, 4 * VPAGE, VSPACE_PINNED, &top));
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(flags_at(va + i * VPAGE), VS_RW);
    }
    for (int i = 1; i <= 4; i++) {
        ck_assert(mapped(top - i * VPAGE));
    }
    ck_assert(!mapped(top - 5 * VPAGE));
    ck_assert_uint_eq(stats().frames_owned, 2);
    /* Protect splits the pinned region; the frame goes when its last piece goes. */
    ck_assert_ok(vspace_protect(&test_vs, va + VPAGE, VPAGE, VS_R));
    ck_assert_ok(vspace_unmap(&test_vs, va));
    ck_assert(mapped(va + 2 * VPAGE));
    ck_assert_uint_eq(*vs_word(va + 2 * VPAGE), 0);
    vspace_assert_no_leaks();
}
END_TEST

/* A frame region maps the caller's frame now and leaves it the caller's. */
START_TEST(a_frame_region_maps_now_and_leaves_the_frame)
{
    struct capref frame;
    genvaddr_t va;
    ck_assert_ok(frame_alloc(&frame, 2 * VPAGE, NULL));
    ck_assert_ok(vspace_map_frame(&test_vs, frame, VPAGE, VPAGE, VS_RW, &va));
    *vs_word(va) = 0x55;
    ck_assert_ok(vspace_unmap(&test_vs, va));
    ck_assert(!mapped(va));
    genvaddr_t again;
    ck_assert_ok(vspace_map_frame(&test_vs, frame, 0, 2 * VPAGE, VS_R, &again));
    ck_assert_uint_eq(*vs_word(again + VPAGE), 0x55); /* the frame kept its contents */
    ck_assert_ok(vspace_destroy(&test_vs));
    ck_assert_ok(frame_free(frame));
    vspace_assert_no_leaks();
}
END_TEST

/* Copy-on-write: both sides see the contents of the copy's time, then only their own writes. */
START_TEST(copy_on_write_isolates_both_sides)
{
    genvaddr_t src, dst;
    ck_assert_ok(vspace_map_anon(&test_vs, 4 * VPAGE, VS_RW, &src));
    for (uint32_t i = 0; i < 3; i++) { /* page 3 never touched */
        uint32_t v = 100 + i;
        ck_assert_ok(vs_access(src + i * VPAGE, FAULT_WRITE, &v));
    }
    ck_assert_ok(vspace_copy_on_write(&test_vs, src, &dst));
    ck_assert_uint_eq(flags_at(src), VS_R); /* shared: no write on either side */
    ck_assert_uint_eq(flags_at(dst), VS_R);
    ck_assert(!mapped(dst + 3 * VPAGE));
    uint32_t v = 0;
    ck_assert_ok(vs_access(dst + VPAGE, FAULT_READ, &v));
    ck_assert_uint_eq(v, 101);
    v = 201; /* the copy writes page 1: its own copy */
    ck_assert_ok(vs_access(dst + VPAGE, FAULT_WRITE, &v));
    ck_assert_uint_eq(stats().cow_copies, 1);
    ck_assert_uint_eq(*vs_word(src + VPAGE), 101);
    v = 300; /* the source writes page 0, still shared: a copy too */
    ck_assert_ok(vs_access(src, FAULT_WRITE, &v));
    ck_assert_uint_eq(stats().cow_copies, 2);
    ck_assert_uint_eq(*vs_word(dst), 100);
    v = 301; /* the source writes page 1, no longer shared: just write again */
    ck_assert_ok(vs_access(src + VPAGE, FAULT_WRITE, &v));
    ck_assert_uint_eq(stats().cow_copies, 2);
    ck_assert_uint_eq(stats().cow_upgrades, 1);
    ck_assert_uint_eq(*vs_word(dst + VPAGE), 201);
    v = 5; /* an untouched page: each side its own zeroed frame */
    ck_assert_ok(vs_access(src + 3 * VPAGE, FAULT_WRITE, &v));
    ck_assert_ok(vs_access(dst + 3 * VPAGE, FAULT_READ, &v));
    ck_assert_uint_eq(v, 0);
    /* Unmapping the source frees what only it holds; page 2 stays with the copy. */
    ck_assert_ok(vspace_unmap(&test_vs, src));
    ck_assert_ok(vs_access(dst + 2 * VPAGE, FAULT_READ, &v));
    ck_assert_uint_eq(v, 102);
    v = 9;
    ck_assert_ok(vs_access(dst + 2 * VPAGE, FAULT_WRITE, &v)); /* sole holder: upgrade */
    ck_assert_uint_eq(stats().cow_copies, 2);
    vspace_assert_no_leaks();
}
END_TEST

/* Out of RAM in the handler: a named error over the allocator's, nothing half-done, and the
   same fault resolves once memory is back. */
START_TEST(a_fill_without_ram_fails_named_and_leaves_nothing)
{
    genvaddr_t va;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &va));
    struct capref hoard[64];
    size_t n = 0;
    gensize_t chunk = 16ull << 20;
    while (chunk >= VPAGE && n < 64) {
        if (err_is_fail(frame_alloc(&hoard[n], chunk, NULL))) {
            chunk /= 2;
        } else {
            n++;
        }
    }
    struct resource_counts before;
    resource_counts_take(&before);
    errval_t err = vspace_handle_fault(&test_vs, va + 8, FAULT_WRITE);
    ck_assert_err(err, LIB_ERR_VSPACE_FILL);
    ck_assert_err(err_pop(err), LIB_ERR_FRAME_ALLOC);
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.caps_live, before.caps_live);
    ck_assert(!mapped(va));
    ck_assert_uint_eq(stats().frames_owned, 0);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ok(frame_free(hoard[i]));
    }
    ck_assert_ok(vspace_handle_fault(&test_vs, va + 8, FAULT_WRITE));
    vspace_assert_no_leaks();
}
END_TEST

/*
 * Past VSPACE_SPARE_RUN fills, frames come from runs retyped in one invocation: a run's first
 * fill leaves the rest spare, and the run's pages lie one after the other. Each page still has
 * its own zeroed frame; vspace_destroy gives back what is spare.
 */
START_TEST(fills_past_a_run_take_frames_retyped_together)
{
    genvaddr_t va;
    const size_t pages = 3 * VSPACE_SPARE_RUN;
    ck_assert_ok(vspace_map_anon(&test_vs, pages * VPAGE, VS_RW, &va));
    genpaddr_t first_run_base = 0;
    for (size_t i = 0; i < pages; i++) {
        uint32_t v = (uint32_t)i + 1;
        ck_assert_ok(vs_access(va + i * VPAGE + 8, FAULT_WRITE, &v));
        /* Alone for the first fills; then a run's first fill leaves the rest spare. */
        size_t spare = i < VSPACE_SPARE_RUN
                           ? 0
                           : VSPACE_SPARE_RUN - 1 - (i - VSPACE_SPARE_RUN) % VSPACE_SPARE_RUN;
        ck_assert_uint_eq(stats().frames_spare, spare);
        struct walk_result w = walk_translate(test_pmap.root_base, va + i * VPAGE);
        ck_assert(w.present && w.writable);
        if (i == VSPACE_SPARE_RUN) {
            first_run_base = w.paddr;
        } else if (i > VSPACE_SPARE_RUN && i < 2 * VSPACE_SPARE_RUN) {
            ck_assert_uint_eq(w.paddr, first_run_base + (i - VSPACE_SPARE_RUN) * VPAGE);
        }
    }
    for (size_t i = 0; i < pages; i++) {
        ck_assert_uint_eq(*vs_word(va + i * VPAGE + 8), i + 1);
        ck_assert_uint_eq(*vs_word(va + i * VPAGE + 12), 0); /* zeroed */
    }
    ck_assert_uint_eq(stats().frames_owned, pages);
    /* Touch one page of a fresh run, then end: the spare rest goes back with the vspace. */
    genvaddr_t more;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &more));
    ck_assert_ok(vspace_handle_fault(&test_vs, more, FAULT_WRITE));
    ck_assert_uint_eq(stats().frames_spare, VSPACE_SPARE_RUN - 1);
    vspace_assert_no_leaks();
}
END_TEST

/* Bad input: a named error and nothing changed. */
START_TEST(bad_input_is_refused_named_with_nothing_changed)
{
    genvaddr_t anon, guard, ret = 0;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &anon));
    ck_assert_ok(vspace_map_guard(&test_vs, VPAGE, &guard));
    struct resource_counts before;
    resource_counts_take(&before);
    struct {
        errval_t err;
        enum err_code top, cause;
    } rows[] = {
        {vspace_map_anon(&test_vs, 0, VS_RW, &ret), LIB_ERR_VSPACE_MAP, LIB_ERR_VSPACE_NOT_ALIGNED},
        {vspace_map_anon(&test_vs, 100, VS_RW, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_NOT_ALIGNED},
        {vspace_map_anon(&test_vs, VPAGE, VREGION_FLAGS_WRITE, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_RIGHTS_INVALID},
        {vspace_map_anon(&test_vs, VPAGE, VS_RW | VREGION_FLAGS_NOCACHE, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_RIGHTS_INVALID},
        {vspace_map_pinned(&test_vs, VPAGE, 0, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_RIGHTS_INVALID},
        {vspace_map_anon_at(&test_vs, anon + VPAGE, VPAGE, VS_RW), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_OVERLAP},
        {vspace_map_anon_at(&test_vs, anon + 1, VPAGE, VS_RW), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_NOT_ALIGNED},
        {vspace_map_guard_at(&test_vs, guard, VPAGE, 0), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_OVERLAP},
        {vspace_protect(&test_vs, anon, 3 * VPAGE, VS_R), LIB_ERR_VSPACE_PROTECT,
         LIB_ERR_VSPACE_NOT_COVERED},
        {vspace_protect(&test_vs, guard, VPAGE, VS_R), LIB_ERR_VSPACE_PROTECT,
         LIB_ERR_VSPACE_NOT_COVERED},
        {vspace_protect(&test_vs, anon, VPAGE, VREGION_FLAGS_NOCACHE), LIB_ERR_VSPACE_PROTECT,
         LIB_ERR_VSPACE_RIGHTS_INVALID},
        {vspace_protect(&test_vs, anon + 8, VPAGE, VS_R), LIB_ERR_VSPACE_PROTECT,
         LIB_ERR_VSPACE_NOT_ALIGNED},
        {vspace_copy_on_write(&test_vs, guard, &ret), LIB_ERR_VSPACE_COPY, LIB_ERR_VSPACE_NOT_ANON},
        {vspace_copy_on_write(&test_vs, anon + VPAGE, &ret), LIB_ERR_VSPACE_COPY,
         LIB_ERR_VSPACE_NO_REGION},
        {vspace_unmap(&test_vs, anon + VPAGE), LIB_ERR_VSPACE_UNMAP, LIB_ERR_VSPACE_NO_REGION},
        {vspace_map_stack(&test_vs, VPAGE, VSPACE_GUARD, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_NOT_ANON},
        {vspace_map_stack(&test_vs, 100, VSPACE_ANON, &ret), LIB_ERR_VSPACE_MAP,
         LIB_ERR_VSPACE_NOT_ALIGNED},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ck_assert_msg(err_no(rows[i].err) == rows[i].top &&
                          err_no(err_pop(rows[i].err)) == rows[i].cause,
                      "row %zu: got %s over %s", i, err_getcode(rows[i].err),
                      err_getcode(err_pop(rows[i].err)));
    }
    ck_assert_uint_eq(ret, 0);
    ck_assert_uint_eq(stats().regions, 2);
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.ram_free, before.ram_free);
    vspace_assert_no_leaks();
}
END_TEST

/* A full table (its limit lowered: the table first grows out of struct vspace into pinned
   memory): new regions, splits and copies are refused whole; a protect needing no split is not. */
START_TEST(a_full_region_table_refuses_maps_and_splits_whole)
{
    genvaddr_t first, ret;
    test_vs.max_regions = 2 * VSPACE_INLINE_REGIONS + 3;
    ck_assert_ok(vspace_map_anon(&test_vs, 4 * VPAGE, VS_RW, &first));
    while (stats().regions < test_vs.max_regions) {
        ck_assert_ok(vspace_map_guard(&test_vs, VPAGE, &ret));
    }
    ck_assert_uint_gt(test_vs.capacity, VSPACE_INLINE_REGIONS); /* it grew */
    struct resource_counts before;
    resource_counts_take(&before);
    ck_assert_chain(vspace_map_anon(&test_vs, VPAGE, VS_RW, &ret), LIB_ERR_VSPACE_MAP,
                    LIB_ERR_VSPACE_TOO_MANY_REGIONS);
    ck_assert_chain(vspace_protect(&test_vs, first + VPAGE, VPAGE, VS_R), LIB_ERR_VSPACE_PROTECT,
                    LIB_ERR_VSPACE_TOO_MANY_REGIONS);
    ck_assert_chain(vspace_copy_on_write(&test_vs, first, &ret), LIB_ERR_VSPACE_COPY,
                    LIB_ERR_VSPACE_TOO_MANY_REGIONS);
    ck_assert_ok(vspace_protect(&test_vs, first, 4 * VPAGE, VS_R)); /* no split: allowed */
    ck_assert_uint_eq(vspace_region_of(&test_vs, first + VPAGE)->rights, VS_R);
    struct resource_counts after;
    resource_counts_take(&after);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(stats().regions, test_vs.max_regions);
    vspace_assert_no_leaks();
}
END_TEST

/* Addresses vspace chooses never fall on a region the pmap does not know of. */
START_TEST(chosen_addresses_avoid_regions_nothing_is_mapped_in)
{
    genvaddr_t a, b;
    ck_assert_ok(vspace_map_anon(&test_vs, 64 * VPAGE, VS_RW, &a));
    for (int i = 0; i < 32; i++) {
        ck_assert_ok(vspace_map_anon(&test_vs, 64 * VPAGE, VS_RW, &b));
        ck_assert(b + 64 * VPAGE <= a || b >= a + 64 * VPAGE);
    }
    vspace_assert_no_leaks();
}
END_TEST

Suite *vspace_suite(void)
{
    Suite *s = suite_create("vspace");
    TCase *tc = vspace_tcase(s, "objects");
    tcase_add_test(tc, first_touch_fills_each_page_once_zeroed);
    tcase_add_test(tc, protect_refuses_writes_and_a_barrier_unprotects);
    tcase_add_test(tc, guards_refuse_every_access_and_a_stack_guard_says_overflow);
    tcase_add_test(tc, pinned_memory_is_mapped_at_once_and_freed_with_its_region);
    tcase_add_test(tc, a_frame_region_maps_now_and_leaves_the_frame);
    tcase_add_test(tc, copy_on_write_isolates_both_sides);
    tcase_add_test(tc, a_fill_without_ram_fails_named_and_leaves_nothing);
    tcase_add_test(tc, fills_past_a_run_take_frames_retyped_together);
    tc = vspace_tcase(s, "refusals");
    tcase_add_test(tc, bad_input_is_refused_named_with_nothing_changed);
    tcase_add_test(tc, a_full_region_table_refuses_maps_and_splits_whole);
    tcase_add_test(tc, chosen_addresses_avoid_regions_nothing_is_mapped_in);
    return s;
}
