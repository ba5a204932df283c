/* The external pager on the hosted kernel: fault endpoints, badges, blocking, resume, dead pagers.
 */
#include "dispatcher_support.h"
#include <dispatch.h>
#include <exception.h>
#include <libcap/syscalls.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test; /* the domain that faults */
static struct dom p;                          /* its pager: set up, stopped unless a test runs it */
static capaddr_t plain_ep;                    /* init's Endpoint to p, unbadged */
static capaddr_t pager_ep;                    /* a copy badged BADGE */

#define BADGE 0xfeedu
#define FAULT_VA 0x10000123u
#define FAULT_IP 0x404321u
#define KIND (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE | DISPATCHER_FAULT_NOT_PRESENT)
#define BLOCKED DISPATCHER_WORD(DISPATCHER_BLOCKED, 0)
#define RUNNABLE DISPATCHER_WORD(DISPATCHER_RUNNABLE, 0)
#define FAULTED DISPATCHER_WORD(DISPATCHER_FAULTED, 0xff)
#define ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void pager_make(void)
{
    dom_make(&p, "pager");
    ck_assert_ok(dom_setup(&p));
    plain_ep = dom_endpoint(&p);
    pager_ep = new_slot();
    ck_assert_ok(dom_mint_badged(CAPADDR_ROOTCN, pager_ep, plain_ep, CAPRIGHTS_ALLRIGHTS, BADGE));
}

static TCase *pager_tcase(Suite *s, const char *name)
{
    TCase *tc = dom_tcase(s, name);
    tcase_add_checked_fixture(tc, pager_make, NULL);
    return tc;
}

static struct dcb *dcb_at(const struct dom *dom)
{
    return dcb_of(&(struct capability){.base = dom->piece_base + DOM_AT_DISP});
}

/* The registers the faulting domain has when it faults (and must have again when resumed). */
static const struct dispatcher_save_area *there(void)
{
    static struct dispatcher_save_area regs;
    regs = regs_at(FAULT_IP, 0x7c0000, 3);
    return &regs;
}

/* A write page fault of the running domain at FAULT_VA, as the booted kernels take one. */
static void fault_now(void)
{
    dom_fault_write(FAULT_VA, FAULT_IP, there());
}

/* d, paged through pager_ep, runs (init yields to it); the pager, if it runs, queued behind. */
static void d_runs_paged_with(bool pager_runs)
{
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, pager_ep));
    if (pager_runs) {
        ck_assert_ok(invoke_dispatcher_run(p.disp));
    }
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
}

static void d_runs_paged(void)
{
    d_runs_paged_with(false);
}

static void assert_fault_message(void)
{
    const struct dispatcher_shared *s = dom_shared(&p);
    ck_assert_uint_eq(s->lmp_full, 1);
    ck_assert_uint_eq(s->lmp_fault, 1);
    ck_assert_uint_eq(s->lmp_badge, BADGE);
    ck_assert_uint_eq(s->lmp_length, PAGER_MSG_WORDS);
    ck_assert_uint_eq(s->lmp_has_cap, 0);
    ck_assert_uint_eq(s->lmp_words[PAGER_MSG_KIND], KIND);
    ck_assert_uint_eq(s->lmp_words[PAGER_MSG_VADDR], FAULT_VA);
    ck_assert_uint_eq(s->lmp_words[PAGER_MSG_IP], FAULT_IP);
    ck_assert_uint_eq(s->lmp_words[3], 0);
}

/* ---- the round trip ------------------------------------------------------------------------- */

/* The fault blocks d (not dispatched), the message reaches the pager; RESUME runs d again from
   where it faulted, once. */
START_TEST(a_fault_blocks_the_domain_until_its_pager_resumes_it)
{
    d_runs_paged();
    fault_now();
    ck_assert_uint_eq(platform_loaded_root(), 0); /* init: the pager is stopped */
    ck_assert_uint_eq(word_of(d->disp), BLOCKED);
    assert_fault_message();
    dispatcher_word_t dispatches = dom_shared(d)->dispatches;
    sys_yield(); /* init alone: d is not dispatched */
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_uint_eq(dom_shared(d)->dispatches, dispatches);
    assert_kernel_ok();
    ck_assert_ok(invoke_dispatcher_resume(d->disp, 0));
    ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
    ck_assert_err(invoke_dispatcher_resume(d->disp, 0), SYS_ERR_DISPATCHER_NOT_BLOCKED);
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
    ck_assert(regs_equal(host_machine_user_registers(), there()));
    assert_kernel_ok();
}
END_TEST

/* A runnable pager gets the turn the faulting domain gave up, before init. */
START_TEST(the_pager_runs_next)
{
    d_runs_paged_with(true);
    fault_now();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(&p));
    assert_fault_message();
}
END_TEST

/* A blocked domain that is stopped and run again stays blocked until resumed; resumed while
   stopped, it waits for RUN. */
START_TEST(stop_and_run_keep_a_blocked_domain_blocked)
{
    d_runs_paged();
    fault_now();
    ck_assert_ok(invoke_dispatcher_stop(d->disp));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    ck_assert_uint_eq(word_of(d->disp), BLOCKED);
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_ok(invoke_dispatcher_stop(d->disp));
    ck_assert_ok(invoke_dispatcher_resume(d->disp, 0));
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_STOPPED, 0));
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    sys_yield();
    ck_assert(regs_equal(host_machine_user_registers(), there()));
}
END_TEST

/* The upcall wins while the domain can take it; disabled, the pager gets the fault. */
START_TEST(the_upcall_wins_while_enabled_the_pager_otherwise)
{
    d_runs_paged();
    struct dispatcher_shared *s = dom_shared(d);
    s->exception_entry = 0x406000;
    s->exception_stack = 0x7b0000;
    s->disabled = 0;
    fault_now();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d)); /* in its handler */
    ck_assert_uint_eq(s->faults, 1);
    ck_assert_uint_eq(dom_shared(&p)->lmp_full, 0);
    fault_now(); /* inside the handler: disabled */
    ck_assert_uint_eq(word_of(d->disp), BLOCKED);
    assert_fault_message();
    ck_assert_uint_eq(s->faults, 1);
}
END_TEST

/* ---- the pager cannot serve ---------------------------------------------------------------- */

/* A full buffer: d gives up its turn and is still runnable, with no message and no block; its
   fault, run again once there is room, gets through. */
START_TEST(a_full_buffer_makes_the_fault_wait_for_room)
{
    d_runs_paged();
    dom_shared(&p)->lmp_full = 1;
    fault_now();
    ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
    ck_assert_uint_eq(platform_loaded_root(), 0); /* init: d went to the back */
    ck_assert_uint_eq(dom_shared(&p)->lmp_fault, 0);
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
    ck_assert(regs_equal(host_machine_user_registers(), there()));
    dom_shared(&p)->lmp_full = 0;
    fault_now(); /* the instruction again */
    ck_assert_uint_eq(word_of(d->disp), BLOCKED);
    assert_fault_message();
    assert_kernel_ok();
}
END_TEST

/* A declined fault runs again and ends the domain; the pager hears of it no more. */
START_TEST(a_declined_fault_ends_the_domain_at_its_next_exception)
{
    d_runs_paged();
    fault_now();
    dom_shared(&p)->lmp_full = 0;
    ck_assert_ok(invoke_dispatcher_resume(d->disp, DISPATCHER_RESUME_DECLINE));
    ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
    fault_now();
    ck_assert_uint_eq(word_of(d->disp), FAULTED);
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_uint_eq(dom_shared(&p)->lmp_full, 0);
    assert_kernel_ok();
}
END_TEST

/* How the pager goes while d is blocked on it: its Dispatcher deleted, or its own exit. */
enum pager_end { DELETED, EXITS };

START_TEST(a_pager_that_goes_ends_its_blocked_domain)
{
    d_runs_paged_with(_i == EXITS);
    fault_now();
    if (_i == EXITS) {
        ck_assert_uint_eq(platform_loaded_root(), dom_vroot(&p));
        sys_exit(0); /* as the pager */
    } else {
        ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, p.disp));
    }
    ck_assert_ptr_null(dcb_at(d)->pager);
    ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
    while (platform_loaded_root() != dom_vroot(d)) {
        sys_yield();
    }
    ck_assert(regs_equal(host_machine_user_registers(), there()));
    fault_now(); /* the faulting instruction again: no pager now */
    ck_assert_uint_eq(word_of(d->disp), FAULTED);
    assert_kernel_ok();
}
END_TEST

/* A pager never set up (or itself) cannot take the fault: the domain ends at once. */
START_TEST(a_fault_no_pager_can_take_ends_the_domain)
{
    struct dom q;
    dom_make(&q, "unborn");
    capaddr_t ep = _i == 0 ? dom_endpoint(&q) : dom_endpoint(d);
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, ep));
    sys_yield();
    fault_now();
    ck_assert_uint_eq(word_of(d->disp), FAULTED);
    ck_assert_uint_eq(platform_loaded_root(), 0);
    assert_kernel_ok();
}
END_TEST

/* ---- refusals -------------------------------------------------------------------------------- */

enum ep_refusal {
    EP_NO_WRITE_DISP,
    EP_NEW_DISP,
    EP_ENDED_DISP,
    EP_EMPTY,
    EP_FRAME,
    EP_NO_WRITE_EP,
    EP_DEAD_PAGER,
};

static const enum err_code ep_refusals[] = {
    [EP_NO_WRITE_DISP] = SYS_ERR_DISPATCHER_NOT_WRITABLE,
    [EP_NEW_DISP] = SYS_ERR_DISPATCHER_NOT_SET_UP,
    [EP_ENDED_DISP] = SYS_ERR_DISPATCHER_ENDED,
    [EP_EMPTY] = SYS_ERR_CAP_NOT_FOUND,
    [EP_FRAME] = SYS_ERR_FAULT_EP_NOT_ENDPOINT,
    [EP_NO_WRITE_EP] = SYS_ERR_ENDPOINT_NOT_WRITABLE,
    [EP_DEAD_PAGER] = SYS_ERR_ENDPOINT_DEAD,
};

/* Each SET_FAULT_EP refusal is named and leaves the pager the domain had. */
START_TEST(each_fault_ep_refusal_is_named_and_changes_nothing)
{
    enum ep_refusal r = (enum ep_refusal)_i;
    capaddr_t disp = d->disp, ep = pager_ep;
    if (r != EP_NEW_DISP) {
        dom_start(d);
        ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, plain_ep));
    }
    if (r == EP_NO_WRITE_DISP) {
        disp = mint_copy(d->disp, CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_WRITE);
    } else if (r == EP_ENDED_DISP) {
        sys_yield();
        sys_exit(3); /* as d */
    } else if (r == EP_EMPTY) {
        ep = new_slot();
    } else if (r == EP_FRAME) {
        ep = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    } else if (r == EP_NO_WRITE_EP) {
        ep = mint_copy(pager_ep, CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_WRITE);
    } else if (r == EP_DEAD_PAGER) {
        struct dom q;
        dom_make(&q, "gone");
        ep = dom_endpoint(&q);
        ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, q.disp)); /* the Endpoint stays */
    }
    uint8_t before[sizeof(struct dcb)];
    memcpy(before, dcb_at(d), sizeof(before));
    ck_assert_err(invoke_dispatcher_set_fault_ep(disp, ep), ep_refusals[r]);
    ck_assert(memcmp(before, dcb_at(d), sizeof(before)) == 0);
    assert_kernel_ok();
}
END_TEST

/* Setting, replacing and clearing: the kernel keeps the domain and the badge, not the capability.
 */
START_TEST(the_kernel_keeps_the_pager_and_badge_not_the_capability)
{
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, plain_ep));
    ck_assert_ptr_eq(dcb_at(d)->pager, dcb_at(&p));
    ck_assert_uint_eq(dcb_at(d)->pager_badge, 0);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, pager_ep));
    ck_assert_uint_eq(dcb_at(d)->pager_badge, BADGE);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, pager_ep));
    ck_assert_ptr_eq(dcb_at(d)->pager, dcb_at(&p));
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, 0));
    ck_assert_ptr_null(dcb_at(d)->pager);
    ck_assert_uint_eq(dcb_at(d)->pager_badge, 0);
}
END_TEST

enum resume_refusal { RS_NO_WRITE, RS_FLAGS, RS_NEW, RS_ENDED, RS_NOT_BLOCKED };

static const enum err_code resume_refusals[] = {
    [RS_NO_WRITE] = SYS_ERR_DISPATCHER_NOT_WRITABLE,   [RS_FLAGS] = SYS_ERR_INVALID_ARGS,
    [RS_NEW] = SYS_ERR_DISPATCHER_NOT_SET_UP,          [RS_ENDED] = SYS_ERR_DISPATCHER_ENDED,
    [RS_NOT_BLOCKED] = SYS_ERR_DISPATCHER_NOT_BLOCKED,
};

/* Each RESUME refusal is named; a blocked domain stays blocked. */
START_TEST(each_resume_refusal_is_named_and_changes_nothing)
{
    enum resume_refusal r = (enum resume_refusal)_i;
    capaddr_t disp = d->disp;
    uintptr_t flags = r == RS_FLAGS ? 2 : 0;
    if (r == RS_NO_WRITE || r == RS_FLAGS) {
        d_runs_paged();
        fault_now();
    } else if (r == RS_ENDED) {
        dom_start(d);
        sys_yield();
        sys_exit(3);
    } else if (r == RS_NOT_BLOCKED) {
        dom_start(d);
    }
    if (r == RS_NO_WRITE) {
        disp = mint_copy(d->disp, CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_WRITE);
    }
    uintptr_t word = word_of(d->disp);
    ck_assert_err(invoke_dispatcher_resume(disp, flags), resume_refusals[r]);
    ck_assert_uint_eq(word_of(d->disp), word);
    assert_kernel_ok();
}
END_TEST

/* ---- badges ---------------------------------------------------------------------------------- */

/* A badge goes on a copy of an unbadged Endpoint once; every refusal leaves the slot empty. */
START_TEST(a_badge_is_set_once_on_an_endpoint_only)
{
    capaddr_t slot = new_slot();
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_err(dom_mint_badged(CAPADDR_ROOTCN, slot, frame, CAPRIGHTS_ALLRIGHTS, 7),
                  SYS_ERR_BADGE_NOT_ENDPOINT);
    ck_assert(slot_is_empty(slot));
    ck_assert_err(dom_mint_badged(CAPADDR_ROOTCN, slot, plain_ep, CAPRIGHTS_ALLRIGHTS,
                                  (uint64_t)UINT32_MAX + 1),
                  SYS_ERR_BADGE_TOO_WIDE);
    ck_assert(slot_is_empty(slot));
    ck_assert_err(dom_mint_badged(CAPADDR_ROOTCN, slot, pager_ep, CAPRIGHTS_ALLRIGHTS, BADGE + 1),
                  SYS_ERR_ENDPOINT_BADGED);
    ck_assert(slot_is_empty(slot));
    ck_assert_ok(dom_mint_badged(CAPADDR_ROOTCN, slot, pager_ep, CAPRIGHTS_ALLRIGHTS,
                                 BADGE)); /* the same: a copy */
    ck_assert_uint_eq(identify(slot).type_word, BADGE);
    capaddr_t again = new_slot();
    ck_assert_ok(dom_mint_badged(CAPADDR_ROOTCN, again, slot, CAPRIGHTS_READ, 0)); /* 0 keeps it */
    ck_assert_uint_eq(identify(again).type_word, BADGE);
    ck_assert_uint_eq(identify(plain_ep).type_word, 0);
    capaddr_t copied = new_slot();
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(copied)),
                                   capaddr_l2_slot(copied), pager_ep));
    ck_assert_uint_eq(identify(copied).type_word, BADGE);
    assert_kernel_ok();
}
END_TEST

/* SEND delivers the badge of the Endpoint it went through (0 for none), as a plain message. */
START_TEST(a_send_delivers_its_endpoints_badge)
{
    const uintptr_t args[INVOKE_ARGS] = {0, 0, 1, 42};
    ck_assert_ok(syscall_invoke(pager_ep, CMD_ENDPOINT_SEND, args).error);
    ck_assert_uint_eq(dom_shared(&p)->lmp_badge, BADGE);
    ck_assert_uint_eq(dom_shared(&p)->lmp_fault, 0);
    dom_shared(&p)->lmp_full = 0;
    ck_assert_ok(syscall_invoke(plain_ep, CMD_ENDPOINT_SEND, args).error);
    ck_assert_uint_eq(dom_shared(&p)->lmp_badge, 0);
    ck_assert_uint_eq(dom_shared(&p)->lmp_words[0], 42);
}
END_TEST

Suite *pager_suite(void)
{
    Suite *s = suite_create("pager");
    TCase *tc = pager_tcase(s, "round trip");
    tcase_add_test(tc, a_fault_blocks_the_domain_until_its_pager_resumes_it);
    tcase_add_test(tc, the_pager_runs_next);
    tcase_add_test(tc, stop_and_run_keep_a_blocked_domain_blocked);
    tcase_add_test(tc, the_upcall_wins_while_enabled_the_pager_otherwise);
    tc = pager_tcase(s, "cannot serve");
    tcase_add_test(tc, a_full_buffer_makes_the_fault_wait_for_room);
    tcase_add_test(tc, a_declined_fault_ends_the_domain_at_its_next_exception);
    tcase_add_loop_test(tc, a_pager_that_goes_ends_its_blocked_domain, DELETED, EXITS + 1);
    tcase_add_loop_test(tc, a_fault_no_pager_can_take_ends_the_domain, 0, 2);
    tc = pager_tcase(s, "refusals");
    tcase_add_loop_test(tc, each_fault_ep_refusal_is_named_and_changes_nothing, 0,
                        ROWS(ep_refusals));
    tcase_add_test(tc, the_kernel_keeps_the_pager_and_badge_not_the_capability);
    tcase_add_loop_test(tc, each_resume_refusal_is_named_and_changes_nothing, 0,
                        ROWS(resume_refusals));
    tc = pager_tcase(s, "badges");
    tcase_add_test(tc, a_badge_is_set_once_on_an_endpoint_only);
    tcase_add_test(tc, a_send_delivers_its_endpoints_badge);
    return s;
}
