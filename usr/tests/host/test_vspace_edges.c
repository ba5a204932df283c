/* libvspace at its edges: cases a review found broken, each failing on the code it reviewed. */
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
START_TEST(copies_of_two_pieces_stay_two_regions)
{
    genvaddr_t a, b, d, e;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &a));
    ck_assert_ok(vspace_copy_on_write(&test_vs, a, &b));            /* a group */
    ck_assert_ok(vspace_protect(&test_vs, b + VPAGE, VPAGE, VS_R)); /* b: two pieces */
    ck_assert_ok(vspace_copy_on_write(&test_vs, b, &d));            /* offset 0, RW */
    ck_assert_ok(vspace_copy_on_write(&test_vs, b + VPAGE, &e));    /* offset 1, R */
    ck_assert_uint_eq(e, d + VPAGE);                                /* next fit: adjacent */
    ck_assert_ok(vspace_protect(&test_vs, e, VPAGE, VS_RW));
    ck_assert_uint_eq(vspace_region_of(&test_vs, e)->base, e); /* fails: joined with d */
    ck_assert_ok(vspace_unmap(&test_vs, d));
    ck_assert_ptr_nonnull(vspace_region_of(&test_vs, e)); /* e survives d's unmap */
    vspace_assert_no_leaks();
}
END_TEST

/* Plenty of address space, yet a small map fails: a large unmapped region ahead of the pmap's
   next-fit hint eats choose_region_addr's count + 2 tries, one page each. */
START_TEST(a_large_lazy_region_ahead_does_not_exhaust_address_choice)
{
    genvaddr_t a, b;
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_RW, &a));
    ck_assert_ok(vspace_map_anon_at(&test_vs, a + VPAGE, 1024 * VPAGE, VS_RW));
    errval_t err = vspace_map_anon(&test_vs, VPAGE, VS_RW, &b);
    ck_assert_msg(err_is_ok(err), "got %s over %s", err_getcode(err), err_getcode(err_pop(err)));
    vspace_assert_no_leaks();
}
END_TEST

/* Anonymous memory over a page the pmap already maps (not vspace's) is refused: vspace would
   otherwise free the caller's frame at unmap. */
START_TEST(anon_at_over_a_foreign_mapping_does_not_free_its_frame)
{
    genvaddr_t a;
    struct capref frame;
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_RW, &a)); /* an address the pmap chose */
    ck_assert_ok(vspace_unmap(&test_vs, a));
    ck_assert_ok(frame_alloc(&frame, VPAGE, NULL));
    ck_assert_ok(pmap_map(&test_pmap, a, frame, 0, VPAGE, VS_RW));
    ck_assert_chain(vspace_map_anon_at(&test_vs, a, VPAGE, VS_RW), LIB_ERR_VSPACE_MAP,
                    LIB_ERR_PMAP_EXISTING_MAPPING);
    ck_assert_chain(vspace_map_guard_at(&test_vs, a, VPAGE, 0), LIB_ERR_VSPACE_MAP,
                    LIB_ERR_PMAP_EXISTING_MAPPING);
    ck_assert_uint_eq(rstats().regions, 0);
    ck_assert_ok(pmap_unmap(&test_pmap, a, VPAGE));
    ck_assert_ok(frame_free(frame));
    vspace_assert_no_leaks();
}
END_TEST

/* A cow copy whose map fails after the shared page was unmapped (its page table reclaimed, no
   RAM for another): the page must come back with its contents, not zeros. */
START_TEST(a_failed_cow_copy_keeps_the_shared_contents)
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
                      "failed copy (%s over %s) left the shared page unmapped", err_getcode(err),
                      err_getcode(err_pop(err)));
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
static bool barrier(struct vspace *vs, genvaddr_t vaddr, unsigned kind)
{
    (void)kind;
    return err_is_ok(vspace_protect(vs, vaddr & ~(genvaddr_t)(VPAGE - 1), VPAGE, VS_RW));
}

START_TEST(a_write_barrier_over_a_large_heap_keeps_working)
{
    genvaddr_t heap;
    ck_assert_ok(vspace_map_anon(&test_vs, 256 * VPAGE, VS_RW, &heap));
    ck_assert_ok(vspace_protect(&test_vs, heap, 256 * VPAGE, VS_R));
    vspace_set_protection_handler(&test_vs, barrier);
    for (int i = 0; i < 256; i += 2) {
        uint32_t v = (uint32_t)i;
        errval_t err = vs_access(heap + (genvaddr_t)i * VPAGE, FAULT_WRITE, &v);
        ck_assert_msg(err_is_ok(err), "dirtying page %d: %s", i, err_getcode(err));
    }
    vspace_assert_no_leaks();
}
END_TEST

/* A kept region (an adopted stack) is never filled: its pages were someone else's, and a frame
   vspace put there would outlive the region. A touch of a hole there is refused, named. */
START_TEST(frames_filled_in_an_adopted_stack_are_not_leaked)
{
    genvaddr_t a;
    ck_assert_ok(vspace_map_anon(&test_vs, 8 * VPAGE, VS_RW, &a)); /* just to learn a free range */
    ck_assert_ok(vspace_unmap(&test_vs, a));
    ck_assert_ok(vspace_adopt_stack(&test_vs, a + VPAGE, a + 8 * VPAGE));
    ck_assert_err(vspace_handle_fault(&test_vs, a + VPAGE, FAULT_WRITE), LIB_ERR_VSPACE_NOT_BACKED);
    ck_assert_err(vspace_handle_fault(&test_vs, a + 8, FAULT_WRITE), LIB_ERR_VSPACE_STACK_OVERFLOW);
    ck_assert_chain(vspace_unmap(&test_vs, a + VPAGE), LIB_ERR_VSPACE_UNMAP, LIB_ERR_VSPACE_KEPT);
    ck_assert_uint_eq(rstats().frames_owned, 0);
    vspace_assert_no_leaks();
}
END_TEST

/* Anonymous memory over the pmap's metadata window (or where it grows) is refused: each first
   touch there would fail. */
START_TEST(anon_at_over_the_pmap_metadata_window_is_refused)
{
    ck_assert_chain(vspace_map_anon_at(&test_vs, test_pmap.meta_base, VPAGE, VS_RW),
                    LIB_ERR_VSPACE_MAP, LIB_ERR_PMAP_ADDR_RESERVED);
    ck_assert_chain(vspace_map_anon_at(&test_vs, test_pmap.meta_limit, VPAGE, VS_RW),
                    LIB_ERR_VSPACE_MAP, LIB_ERR_PMAP_ADDR_RESERVED);
    vspace_assert_no_leaks();
}
END_TEST

/* Execute is its own access: a region without it refuses an execute fault that a read would
   pass, and a region with it fills the page executable. */
START_TEST(execute_faults_need_the_execute_right)
{
    genvaddr_t a;
    vregion_flags_t rx = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    ck_assert_ok(vspace_map_anon(&test_vs, 2 * VPAGE, VS_RW, &a));
    ck_assert_err(vspace_handle_fault(&test_vs, a, FAULT_EXEC), LIB_ERR_VSPACE_PROTECTED);
    ck_assert_err(vspace_handle_fault(&test_vs, a + VPAGE, FAULT_EXEC), LIB_ERR_VSPACE_PROTECTED);
    ck_assert_ok(vs_access(a, FAULT_READ, NULL)); /* filled read-write, not executable */
    ck_assert_err(vspace_handle_fault(&test_vs, a, FAULT_EXEC), LIB_ERR_VSPACE_PROTECTED);
    ck_assert_ok(vspace_protect(&test_vs, a, 2 * VPAGE, rx));
    ck_assert_ok(vs_access(a, FAULT_EXEC, NULL));
    ck_assert_ok(vs_access(a + VPAGE, FAULT_EXEC, NULL));
    struct pmap_mapping_info m;
    ck_assert_ok(pmap_lookup(&test_pmap, a + VPAGE, &m));
    ck_assert_uint_eq(m.flags, rx);
    uint32_t v = 1;
    ck_assert_err(vs_access(a, FAULT_WRITE, &v), LIB_ERR_VSPACE_PROTECTED);
    vspace_assert_no_leaks();
}
END_TEST

/* A first touch whose frame comes but whose page table cannot (one free page of RAM): the map
   fails and the frame goes back; nothing is held. */
START_TEST(a_fill_whose_map_fails_gives_its_frame_back)
{
    genvaddr_t a, far;
    struct capref spare, hoard[64];
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_RW, &a));
    far = (a + (64ull << 20)) & ~(genvaddr_t)((4ull << 20) - 1); /* no page table there yet */
    ck_assert_ok(vspace_map_anon_at(&test_vs, far, VPAGE, VS_RW));
    ck_assert_ok(frame_alloc(&spare, VPAGE, NULL));
    size_t n = 0;
    for (gensize_t chunk = 16ull << 20; chunk >= VPAGE && n < 64;) {
        if (err_is_fail(frame_alloc(&hoard[n], chunk, NULL))) {
            chunk /= 2;
        } else {
            n++;
        }
    }
    ck_assert_ok(frame_free(spare)); /* one page of RAM: the frame's, none for a table */
    struct resource_counts before, after;
    resource_counts_take(&before);
    errval_t err = vspace_handle_fault(&test_vs, far + 4, FAULT_WRITE);
    ck_assert_err(err, LIB_ERR_VSPACE_FILL);
    ck_assert_err(err_pop(err), LIB_ERR_PMAP_MAP);
    resource_counts_take(&after);
    ck_assert_uint_eq(after.ram_free, before.ram_free);
    ck_assert_uint_eq(after.slots_used, before.slots_used);
    ck_assert_uint_eq(after.caps_live, before.caps_live);
    ck_assert_uint_eq(rstats().frames_owned, 0);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ok(frame_free(hoard[i]));
    }
    ck_assert_ok(vspace_handle_fault(&test_vs, far + 4, FAULT_WRITE));
    vspace_assert_no_leaks();
}
END_TEST

/* A protect asking more than the caller's frame allows is refused before any page changes. */
START_TEST(protect_beyond_a_frames_rights_is_refused_whole)
{
    struct capref frame, readonly;
    genvaddr_t anon, fr;
    ck_assert_ok(frame_alloc(&frame, VPAGE, NULL));
    ck_assert_ok(slot_alloc(&readonly));
    ck_assert_ok(cap_mint(readonly, frame, CAPRIGHTS_READ));
    ck_assert_ok(vspace_map_anon(&test_vs, VPAGE, VS_R, &anon));
    ck_assert_ok(vs_access(anon, FAULT_READ, NULL));
    ck_assert_ok(vspace_map_frame(&test_vs, readonly, 0, VPAGE, VS_R, &fr));
    genvaddr_t lo = anon < fr ? anon : fr, hi = anon < fr ? fr : anon;
    if (hi == lo + VPAGE) { /* side by side: one protect over both, refused for the frame */
        ck_assert_chain(vspace_protect(&test_vs, lo, 2 * VPAGE, VS_RW), LIB_ERR_VSPACE_PROTECT,
                        SYS_ERR_VM_RIGHTS_EXCEED);
        struct pmap_mapping_info m;
        ck_assert_ok(pmap_lookup(&test_pmap, anon, &m));
        ck_assert_uint_eq(m.flags, VS_R); /* the anonymous page did not change either */
    }
    ck_assert_chain(vspace_protect(&test_vs, fr, VPAGE, VS_RW), LIB_ERR_VSPACE_PROTECT,
                    SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_uint_eq(vspace_region_of(&test_vs, fr)->rights, VS_R);
    ck_assert_ok(vspace_destroy(&test_vs));
    ck_assert_ok(cap_destroy(readonly));
    ck_assert_ok(frame_free(frame));
    vspace_assert_no_leaks();
}
END_TEST

Suite *vspace_edges_suite(void)
{
    Suite *s = suite_create("vspace edges");
    TCase *tc = vspace_tcase(s, "edges");
    tcase_add_test(tc, copies_of_two_pieces_stay_two_regions);
    tcase_add_test(tc, a_large_lazy_region_ahead_does_not_exhaust_address_choice);
    tcase_add_test(tc, anon_at_over_a_foreign_mapping_does_not_free_its_frame);
    tcase_add_test(tc, a_failed_cow_copy_keeps_the_shared_contents);
    tcase_add_test(tc, a_write_barrier_over_a_large_heap_keeps_working);
    tcase_add_test(tc, frames_filled_in_an_adopted_stack_are_not_leaked);
    tcase_add_test(tc, anon_at_over_the_pmap_metadata_window_is_refused);
    tcase_add_test(tc, execute_faults_need_the_execute_right);
    tcase_add_test(tc, a_fill_whose_map_fails_gives_its_frame_back);
    tcase_add_test(tc, protect_beyond_a_frames_rights_is_refused_whole);
    return s;
}
