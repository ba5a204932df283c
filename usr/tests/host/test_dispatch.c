/* The hosted dispatch of domains: the registers and root the hosted CPU has after each switch. */
#include "dispatcher_support.h"
#include <libcap/syscalls.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test;

#define RUN_ENTRY 0x402000
#define UPCALL_STACK 0x7e0000
#define CRIT_LOW 0x403000
#define CRIT_HIGH 0x403100

static genpaddr_t vroot_of(const struct dom *dom)
{
    return dom->piece_base + DOM_AT_VROOT;
}

/* DEBUG_TRANSLATE of an address as the domain that runs now: which root it walks, if any. */
static errval_t translate_as_current(void)
{
    struct debug_translation t;
    return sys_debug_translate(DOM_ENTRY, &t);
}

/* init makes the domain runnable and yields: it starts at its entry, on its stack and root. */
START_TEST(yielding_starts_the_domain_on_its_stack_and_root)
{
    dom_start(d);
    ck_assert_err(translate_as_current(), SYS_ERR_TRANSLATE_NO_ROOT); /* init has none loaded */
    sys_yield();
    struct dispatcher_save_area start = regs_at(DOM_ENTRY, DOM_STACK_TOP, DOM_FRAME_VADDR);
    ck_assert(regs_equal(host_machine_user_registers(), &start));
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    ck_assert_uint_eq(dom_shared(d)->dispatches, 1);
    ck_assert_uint_eq(dom_shared(d)->disabled, 1);
    ck_assert_ok(translate_as_current()); /* the domain's calls walk its own root */
    assert_kernel_ok();
    sys_yield(); /* the domain yields: init again */
    ck_assert_err(translate_as_current(), SYS_ERR_TRANSLATE_NO_ROOT);
    assert_kernel_ok();
}
END_TEST

/* Back from a domain (by its yield, or by its exit), init runs on the root it loaded. */
START_TEST(init_gets_its_own_root_back_from_a_domain)
{
    ck_assert_ok(host_machine_load_root(root_table));
    dom_start(d);
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    sys_yield(); /* the domain yields */
    ck_assert_uint_eq(platform_loaded_root(), root_base());
    assert_kernel_ok();
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    sys_exit(0); /* the domain exits */
    ck_assert_uint_eq(platform_loaded_root(), root_base());
    assert_kernel_ok();
}
END_TEST

/*
 * A domain that stops itself is saved like one that yields: run again, it resumes where it
 * stopped (its CSpace here is init's, so that it can name its own dispatcher).
 */
START_TEST(a_domain_that_stops_itself_resumes_where_it_stopped)
{
    ck_assert_ok(invoke_dispatcher_setup(d->disp, CAPADDR_ROOTCN, d->vroot, d->frame,
                                         DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    sys_yield();
    struct dispatcher_save_area there = regs_at(0x405000, 0x7c0000, 3);
    *host_machine_user_registers() = there;        /* it ran on to there */
    ck_assert_ok(invoke_dispatcher_stop(d->disp)); /* as the domain: init runs */
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_STOPPED, 0));
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert(regs_equal(&dom_shared(d)->disabled_area, &there));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    sys_yield();
    ck_assert(regs_equal(host_machine_user_registers(), &there));
    assert_kernel_ok();
}
END_TEST

/* Two domains and init take turns in the order they became runnable, each on its own root. */
START_TEST(runnable_domains_take_turns)
{
    struct dom second;
    dom_make(&second, "second");
    dom_start(d);
    dom_start(&second);
    const genpaddr_t turns[] = {vroot_of(d), vroot_of(&second), 0, vroot_of(d), vroot_of(&second)};
    for (size_t i = 0; i < sizeof(turns) / sizeof(turns[0]); i++) {
        sys_yield();
        ck_assert_msg(platform_loaded_root() == turns[i], "turn %zu", i);
    }
    ck_assert_uint_eq(dom_shared(d)->dispatches, 2);
    ck_assert_uint_eq(dom_shared(&second)->dispatches, 2);
}
END_TEST

/* A stopped domain is passed over; a deleted one too. */
START_TEST(a_stopped_domain_is_not_dispatched)
{
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_stop(d->disp));
    struct dispatcher_save_area cpu = *host_machine_user_registers();
    sys_yield();
    ck_assert(regs_equal(host_machine_user_registers(), &cpu));
    ck_assert_uint_eq(dom_shared(d)->dispatches, 0);
    ck_assert_uint_eq(platform_loaded_root(), 0);
}
END_TEST

/*
 * Where a domain that yields is saved and how it comes back, from its flag, its run upcall and
 * its critical range [CRIT_LOW, CRIT_HIGH): disabled (or inside the range) it is saved into
 * disabled_area and resumed from there; enabled it is saved into enabled_area and re-entered by
 * the run upcall, disabled, with its frame's address as the argument; enabled without a run
 * upcall, resumed from enabled_area. Resumed inside the range, it runs on enabled: its resume code
 * was clearing the flag when the kernel stopped it (else it would run disabled from then on, and
 * take no fault upcall).
 */
enum comes_back { RESUMED_DISABLED, RUN_UPCALL, RESUMED_ENABLED };

static const struct {
    const char *name;
    dispatcher_word_t disabled, run_entry;
    uint64_t pc;
    enum comes_back how;
    dispatcher_word_t disabled_after; /* the flag once it runs again */
} save_rows[] = {
    {"enabled, outside the range", 0, RUN_ENTRY, CRIT_HIGH + 0x100, RUN_UPCALL, 1},
    {"enabled, below the range", 0, RUN_ENTRY, CRIT_LOW - 1, RUN_UPCALL, 1},
    {"enabled, at its start", 0, RUN_ENTRY, CRIT_LOW, RESUMED_DISABLED, 0},
    {"enabled, at its last byte", 0, RUN_ENTRY, CRIT_HIGH - 1, RESUMED_DISABLED, 0},
    {"enabled, at its end (outside)", 0, RUN_ENTRY, CRIT_HIGH, RUN_UPCALL, 1},
    {"disabled, outside the range", 1, RUN_ENTRY, CRIT_HIGH + 0x100, RESUMED_DISABLED, 1},
    {"disabled, inside the range", 1, RUN_ENTRY, CRIT_LOW + 4, RESUMED_DISABLED, 0},
    {"enabled without a run upcall", 0, 0, CRIT_HIGH + 0x100, RESUMED_ENABLED, 0},
};

START_TEST(a_yield_saves_where_the_frame_says_and_resumes_from_there)
{
    dom_start(d);
    sys_yield(); /* the domain runs */
    struct dispatcher_shared *s = dom_shared(d);
    s->disabled = save_rows[_i].disabled;
    s->run_entry = save_rows[_i].run_entry;
    s->upcall_stack = UPCALL_STACK;
    s->crit_pc_low = CRIT_LOW;
    s->crit_pc_high = CRIT_HIGH;
    struct dispatcher_save_area regs = regs_at(save_rows[_i].pc, 0x7d0000, 0x77);
    *host_machine_user_registers() = regs;
    sys_yield(); /* it yields: saved; init runs */
    bool disabled = save_rows[_i].how == RESUMED_DISABLED;
    ck_assert_uint_eq(s->disabled, disabled);
    ck_assert(regs_equal(disabled ? &s->disabled_area : &s->enabled_area, &regs));
    sys_yield(); /* init yields: the domain comes back */
    struct dispatcher_save_area upcall = regs_at(RUN_ENTRY, UPCALL_STACK, DOM_FRAME_VADDR);
    bool by_upcall = save_rows[_i].how == RUN_UPCALL;
    ck_assert(regs_equal(host_machine_user_registers(), by_upcall ? &upcall : &regs));
    ck_assert_uint_eq(s->disabled, save_rows[_i].disabled_after);
    ck_assert_uint_eq(s->dispatches, 2);
    assert_kernel_ok();
}
END_TEST

/*
 * A saved pc or stack outside user space is never loaded: the domain ends as faulted (status
 * 0xff), its held copies go, and init runs on with its registers and root as they were.
 */
static const struct {
    const char *name;
    bool bad_pc;
    uint64_t bad; /* kernel_half() + bad */
} fault_rows[] = {
    {"a pc at the kernel's half", true, 0},
    {"a pc inside the kernel's half", true, 0x1234},
    {"a stack at the kernel's half", false, 0},
};

START_TEST(a_saved_context_outside_user_space_ends_the_domain_as_faulted)
{
    ck_assert_ok(dom_setup(d));
    dom_delete_user_copies(d);
    uint64_t bad = kernel_half() + fault_rows[_i].bad;
    dom_shared(d)->disabled_area =
        fault_rows[_i].bad_pc ? regs_at(bad, DOM_STACK_TOP, 0) : regs_at(DOM_ENTRY, bad, 0);
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    struct dispatcher_save_area cpu = *host_machine_user_registers();
    host_console_capture(kernel_console, sizeof(kernel_console));
    sys_yield();
    ck_assert_str_eq(kernel_console, "kernel: domain child cannot be resumed: its saved pc or "
                                     "stack is not in user space\n"
                                     "kernel: domain child ended by its fault\n");
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_FAULTED, 0xff));
    ck_assert(regs_equal(host_machine_user_registers(), &cpu));
    ck_assert_uint_eq(platform_loaded_root(), 0);
    dom_assert_held(d, false); /* its end gave the kernel's copies back */
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp));
    dom_assert_all_back(d);
}
END_TEST

/* ---- the timer ---------------------------------------------------------------------------- */

/* With several runnable, each tick takes the CPU from the one that runs and gives it to the
   next in the queue; a preempted domain resumes where the tick took it. */
START_TEST(ticks_preempt_runnable_domains_in_turn)
{
    struct dom second;
    dom_make(&second, "second");
    dom_start(d);
    dom_start(&second);
    host_machine_timer_tick();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    struct dispatcher_save_area start = regs_at(DOM_ENTRY, DOM_STACK_TOP, DOM_FRAME_VADDR);
    ck_assert(regs_equal(host_machine_user_registers(), &start));
    struct dispatcher_save_area there = regs_at(0x405000, 0x7c0000, 3);
    *host_machine_user_registers() = there; /* it ran on to there */
    host_machine_timer_tick();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(&second));
    host_machine_timer_tick();
    ck_assert_uint_eq(platform_loaded_root(), 0); /* init */
    host_machine_timer_tick();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    ck_assert(regs_equal(host_machine_user_registers(), &there));
    ck_assert_uint_eq(dom_shared(d)->dispatches, 2);
    ck_assert_uint_eq(dom_shared(&second)->dispatches, 1);
    assert_kernel_ok();
}
END_TEST

Suite *dispatch_suite(void)
{
    Suite *s = suite_create("dispatch");
    TCase *tc = dom_tcase(s, "switch");
    tcase_add_test(tc, yielding_starts_the_domain_on_its_stack_and_root);
    tcase_add_test(tc, init_gets_its_own_root_back_from_a_domain);
    tcase_add_test(tc, runnable_domains_take_turns);
    tcase_add_test(tc, a_domain_that_stops_itself_resumes_where_it_stopped);
    tcase_add_test(tc, a_stopped_domain_is_not_dispatched);
    tc = dom_tcase(s, "timer");
    tcase_add_test(tc, ticks_preempt_runnable_domains_in_turn);
    tc = dom_tcase(s, "save areas");
    tcase_add_loop_test(tc, a_yield_saves_where_the_frame_says_and_resumes_from_there, 0,
                        (int)(sizeof(save_rows) / sizeof(save_rows[0])));
    tc = dom_tcase(s, "faults");
    tcase_add_loop_test(tc, a_saved_context_outside_user_space_ends_the_domain_as_faulted, 0,
                        (int)(sizeof(fault_rows) / sizeof(fault_rows[0])));
    return s;
}
