/* Review: tests for libvspace defects (each fails on the code as reviewed). */
#include "vspace_support.h"
#include <stdio.h>

static struct vspace_stats rstats(void)
{
    struct vspace_stats s;
    vspace_get_stats(&test_vs, &s);
    return s;
}

/* Two copies made by two vspace_copy_on_write calls are two regions: a protect of one must
   not join it with the other, so that each can be unmapped on its own. */
START_TEST(review_copies_of_two_pieces_stay_two_regions)
{
    genvaddr_t a, b, d, e;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &a));
    ck_assert_ok(vspace_copy_on_write(&test_vs, a, &b));           /* a group */
    ck_assert_ok(vspace_protect(&test_vs, b + VPAGE, VPAGE, VS_R)); /* b: two pieces */
    ck_assert_ok(vspace_copy_on_write(&test_vs, b, &d));            /* offset 0, RW */
    ck_assert_ok(vspace_copy_on_write(&test_vs, b + VPAGE, &e));    /* offset 1, R */
    ck_assert_uint_eq(e, d + VPAGE); /* next fit: adjacent */
    ck_assert_ok(vspace_protect(&test_vs, e, VPAGE, VS_RW));
    ck_assert_uint_eq(vspace_region_of(&test_vs, e)->base, e); /* fails: joined with d */
    ck_assert_ok(vspace_unmap(&test_vs, d));
    ck_assert_ptr_nonnull(vspace_region_of(&test_vs, e)); /* e survives d's unmap */
    vspace_assert_no_leaks();
}
END_TEST

/* Plenty of address space, yet a small map fails: a large unmapped region ahead of the pmap's
   next-fit hint eats choose_region_addr's count + 2 tries, one page each. */
START_TEST(review_a_large_lazy_region_ahead_does_not_exhaust_address_choice)
{
    genvaddr_t a, b;
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_RW, &a));
    ck_assert_ok(vspace_map_anon_at(&test_vs, a + VPAGE, 1024 * VPAGE, VS_RW));
    errval_t err = vspace_map_anon(&test_vs, VPAGE, VS_RW, &b);
    ck_assert_msg(err_is_ok(err), "got %s over %s", err_getcode(err), err_getcode(err_pop(err)));
    vspace_assert_no_leaks();
}
END_TEST

/* vspace_map_anon_at over a page the pmap already maps (not vspace's): refused, or at least the
   frame is not freed by vspace_unmap as if vspace owned it. */
START_TEST(review_anon_at_over_a_foreign_mapping_does_not_free_its_frame)
{
    genvaddr_t a;
    struct capref frame;
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_RW, &a)); /* an address the pmap chose */
    ck_assert_ok(vspace_unmap(&test_vs, a));
    ck_assert_ok(frame_alloc(&frame, VPAGE, NULL));
    ck_assert_ok(pmap_map(&test_pmap, a, frame, 0, VPAGE, VS_RW));
    errval_t err = vspace_map_anon_at(&test_vs, a, VPAGE, VS_RW);
    if (err_is_ok(err)) {
        ck_assert_ok(vspace_unmap(&test_vs, a));
        ck_assert_msg(rstats().frames_owned == 0, "frames_owned %zu", rstats().frames_owned);
        ck_assert_ok(frame_free(frame)); /* fails: vspace freed the caller's frame */
    }
    vspace_assert_no_leaks();
}
END_TEST

/* A cow copy whose map fails after the shared page was unmapped (its page table reclaimed, no
   RAM for another): the page must come back with its contents, not zeros. */
START_TEST(review_a_failed_cow_copy_keeps_the_shared_contents)
{
    genvaddr_t src, dst;
    gensize_t bytes = 1024 * VPAGE; /* the two page 0s in different page tables */
    ck_assert_ok(vspace_map_anon(&test_vs, bytes, VS_RW, &src));
    uint32_t v = 0xabcd;
    ck_assert_ok(vs_access(src, FAULT_WRITE, &v));
    ck_assert_ok(vspace_copy_on_write(&test_vs, src, &dst));
    struct capref hoard[256];
    size_t n = 0;
    gensize_t chunk = 16ull << 20;
    while (chunk >= VPAGE && n < 256) {
        if (err_is_fail(frame_alloc(&hoard[n], chunk, NULL))) {
            chunk /= 2;
        } else {
            n++;
        }
    }
    ck_assert_uint_gt(n, 0);
    int failed = 0;
    /* Free RAM a page at a time until the copy succeeds; each failure must leave the page. */
    for (size_t k = n; k-- > 0;) {
        errval_t err = vspace_handle_fault(&test_vs, src, FAULT_WRITE);
        if (err_is_ok(err)) {
            break;
        }
        failed++;
        struct pmap_mapping_info m;
        ck_assert_msg(err_is_ok(pmap_lookup(&test_pmap, src, &m)),
                      "failed copy (%s over %s) left the shared page unmapped",
                      err_getcode(err), err_getcode(err_pop(err)));
        ck_assert_ok(frame_free(hoard[k]));
        n = k;
    }
    for (size_t k = 0; k < n; k++) {
        ck_assert_ok(frame_free(hoard[k]));
    }
    ck_assert_ok(vs_access(src, FAULT_READ, &v));
    ck_assert_uint_eq(v, 0xabcd);
    vspace_assert_no_leaks();
}
END_TEST


/* doc/selfpaging.md's write barrier over a 256-page heap: each dirtied page costs the table two
   regions, so after ~63 scattered pages vspace_protect refuses and the barrier fails (booted:
   the domain ends). */
static bool review_barrier(struct vspace *vs, genvaddr_t vaddr, unsigned kind)
{
    (void)kind;
    return err_is_ok(vspace_protect(vs, vaddr & ~(genvaddr_t)(VPAGE - 1), VPAGE, VS_RW));
}

START_TEST(review_a_write_barrier_over_a_large_heap_keeps_working)
{
    genvaddr_t heap;
    ck_assert_ok(vspace_map_anon(&test_vs, 256 * VPAGE, VS_RW, &heap));
    ck_assert_ok(vspace_protect(&test_vs, heap, 256 * VPAGE, VS_R));
    vspace_set_protection_handler(&test_vs, review_barrier);
    for (int i = 0; i < 256; i += 2) {
        uint32_t v = (uint32_t)i;
        errval_t err = vs_access(heap + (genvaddr_t)i * VPAGE, FAULT_WRITE, &v);
        ck_assert_msg(err_is_ok(err), "dirtying page %d: %s", i, err_getcode(err));
    }
    vspace_assert_no_leaks();
}
END_TEST

/* An adopted (kept) stack whose lower pages were never mapped: vspace fills them on touch, and
   vspace_destroy drops the region without freeing those frames. */
START_TEST(review_frames_filled_in_an_adopted_stack_are_not_leaked)
{
    genvaddr_t a;
    ck_assert_ok(vspace_map_anon(&test_vs, 8 * VPAGE, VS_RW, &a)); /* just to learn a free range */
    ck_assert_ok(vspace_unmap(&test_vs, a));
    ck_assert_ok(vspace_adopt_stack(&test_vs, a + VPAGE, a + 8 * VPAGE));
    uint32_t v = 1;
    ck_assert_ok(vs_access(a + VPAGE, FAULT_WRITE, &v)); /* a zero fill */
    ck_assert_ok(vspace_destroy(&test_vs));
    ck_assert_msg(rstats().frames_owned == 0, "frames_owned %zu after destroy",
                  rstats().frames_owned);
    vspace_assert_no_leaks();
}
END_TEST

/* An anonymous region over the pmap's reserved metadata window is accepted; every first touch
   there then fails (booted: the domain ends) instead of the map being refused. */
START_TEST(review_anon_at_over_the_pmap_metadata_window_is_refused)
{
    genvaddr_t meta = test_pmap.meta_base;
    errval_t err = vspace_map_anon_at(&test_vs, meta, VPAGE, VS_RW);
    if (err_is_ok(err)) {
        errval_t f = vspace_handle_fault(&test_vs, meta, FAULT_WRITE);
        ck_abort_msg("vspace_map_anon_at(meta_base 0x%llx) accepted; a write fault there: %s over %s",
                     (unsigned long long)meta, err_getcode(f), err_getcode(err_pop(err_pop(f))));
    }
    vspace_assert_no_leaks();
}
END_TEST

Suite *vspace_review_suite(void);
Suite *vspace_review_suite(void)
{
    Suite *s = suite_create("vspace review");
    TCase *tc = vspace_tcase(s, "review");
    tcase_add_test(tc, review_copies_of_two_pieces_stay_two_regions);
    tcase_add_test(tc, review_a_large_lazy_region_ahead_does_not_exhaust_address_choice);
    tcase_add_test(tc, review_anon_at_over_a_foreign_mapping_does_not_free_its_frame);
    tcase_add_test(tc, review_a_failed_cow_copy_keeps_the_shared_contents);
    tcase_add_test(tc, review_a_write_barrier_over_a_large_heap_keeps_working);
    tcase_add_test(tc, review_frames_filled_in_an_adopted_stack_are_not_leaked);
    tcase_add_test(tc, review_anon_at_over_the_pmap_metadata_window_is_refused);
    return s;
}
