/* libcap's lent L1 slots and slot_alloc redirection (how libspawn fills a child's CNodes). */
#include "spawn_check.h"
#include <libcap/libcap.h>

static void boot_libcap(void)
{
    fixture_boot();
    ck_assert_ok(libcap_init());
}

START_TEST(lent_l1_slots_are_the_callers_until_given_back)
{
    uint32_t a, b;
    ck_assert_ok(slot_alloc_l1(&a));
    ck_assert_ok(slot_alloc_l1(&b));
    ck_assert_uint_eq(a, ROOTCN_SLOTS_USER);
    ck_assert_uint_eq(b, ROOTCN_SLOTS_USER + 1);
    ck_assert_uint_eq(slot_alloc_l1_lent(), 2);
    /* The allocator's own next CNode goes elsewhere. */
    size_t cnodes = slot_alloc_cnodes();
    struct capref slot;
    for (cslot_t i = 0; i <= L2_CNODE_SLOTS; i++) {
        ck_assert_ok(slot_alloc(&slot));
    }
    ck_assert_uint_eq(slot_alloc_cnodes(), cnodes + 1);
    ck_assert_uint_eq(slot.cnode.l1_index, ROOTCN_SLOTS_USER + 2);
    ck_assert_err(slot_free_l1(ROOTCN_SLOT_SLOT_ALLOC0), LIB_ERR_SLOT_FREE);
    ck_assert_err(slot_free_l1(ROOTCN_SLOTS_USER + 2), LIB_ERR_SLOT_FREE);
    ck_assert_err(slot_free_l1(INIT_ROOTCN_SLOTS), LIB_ERR_SLOT_FREE);
    ck_assert_ok(slot_free_l1(a));
    ck_assert_err(slot_free_l1(a), LIB_ERR_SLOT_FREE);
    ck_assert_uint_eq(slot_alloc_l1_lent(), 1);
    uint32_t again;
    ck_assert_ok(slot_alloc_l1(&again));
    ck_assert_uint_eq(again, a);
}
END_TEST

START_TEST(no_l1_slot_left_is_an_error)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER + 1);
    uint32_t a;
    ck_assert_ok(slot_alloc_l1(&a));
    ck_assert_err(slot_alloc_l1(&a), LIB_ERR_SLOT_ALLOC_NO_SPACE);
}
END_TEST

/* An L2 CNode at a lent L1 slot, for slot_alloc to be redirected to. */
static uint32_t make_cnode(void)
{
    uint32_t l1;
    ck_assert_ok(slot_alloc_l1(&l1));
    struct ram_piece piece;
    ck_assert_ok(ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece));
    ck_assert_ok(cap_retype((struct capref){.cnode = cnode_root(), .slot = l1}, piece.src,
                            piece.offset, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    return l1;
}

START_TEST(redirected_slots_come_from_the_cnode_in_order)
{
    uint32_t l1 = make_cnode();
    static struct slot_redirect r;
    r = (struct slot_redirect){.l1 = l1};
    size_t used = slot_alloc_used();
    ck_assert_ptr_null(slot_alloc_redirect(&r));
    struct capref s[3];
    for (int i = 0; i < 3; i++) {
        ck_assert_ok(slot_alloc(&s[i]));
        ck_assert_uint_eq(s[i].cnode.l1_index, l1);
        ck_assert_uint_eq(s[i].slot, (cslot_t)i);
    }
    /* What libcap makes lands there: a frame in the fourth slot. */
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    ck_assert_uint_eq(frame.cnode.l1_index, l1);
    ck_assert_uint_eq(frame.slot, 3);
    ck_assert_ok(slot_free(s[1]));
    ck_assert_err(slot_free(s[1]), LIB_ERR_SLOT_FREE);
    struct capref reused;
    ck_assert_ok(slot_alloc(&reused));
    ck_assert_uint_eq(reused.slot, 1);
    ck_assert_uint_eq(slot_alloc_used(), used); /* none of these is the allocator's */
    ck_assert_ptr_eq(slot_alloc_redirect(NULL), &r);
    struct capref normal;
    ck_assert_ok(slot_alloc(&normal));
    ck_assert_uint_ne(normal.cnode.l1_index, l1);
    ck_assert_uint_eq(slot_alloc_used(), used + 1);
    /* The frame goes while redirected again: its slot returns to the CNode's bitmap. */
    slot_alloc_redirect(&r);
    ck_assert_ok(frame_free(frame));
    ck_assert_uint_eq(r.used[0], 0x7u);
    slot_alloc_redirect(NULL);
}
END_TEST

START_TEST(a_full_redirected_cnode_is_an_error_and_other_slots_free_as_usual)
{
    uint32_t l1 = make_cnode();
    struct capref mine;
    ck_assert_ok(slot_alloc(&mine));
    static struct slot_redirect r;
    r = (struct slot_redirect){.l1 = l1};
    slot_alloc_redirect(&r);
    struct capref s;
    for (cslot_t i = 0; i < L2_CNODE_SLOTS; i++) {
        ck_assert_ok(slot_alloc(&s));
    }
    ck_assert_chain(slot_alloc(&s), LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_REDIRECT_FULL);
    size_t used = slot_alloc_used();
    ck_assert_ok(slot_free(mine)); /* not the CNode's: back to the allocator */
    ck_assert_uint_eq(slot_alloc_used(), used - 1);
    slot_alloc_redirect(NULL);
}
END_TEST

Suite *slot_redirect_suite(void)
{
    Suite *s = suite_create("libcap lent L1 slots and redirection");
    TCase *tc = tcase_create("slots");
    tcase_add_checked_fixture(tc, boot_libcap, fixture_shutdown);
    tcase_add_test(tc, lent_l1_slots_are_the_callers_until_given_back);
    tcase_add_test(tc, no_l1_slot_left_is_an_error);
    tcase_add_test(tc, redirected_slots_come_from_the_cnode_in_order);
    tcase_add_test(tc, a_full_redirected_cnode_is_an_error_and_other_slots_free_as_usual);
    suite_add_tcase(s, tc);
    return s;
}
