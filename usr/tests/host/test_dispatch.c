/* The hosted dispatch of domains: the registers and root the hosted CPU has after each switch. */
#include "dispatcher_support.h"
#include <libcap/syscalls.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test;

static genpaddr_t vroot_of(const struct dom *dom)
{
    return dom->piece_base + DOM_AT_VROOT;
}

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

Suite *dispatch_suite(void)
{
    Suite *s = suite_create("dispatch");
    TCase *tc = dom_tcase(s, "switch");
    tcase_add_test(tc, init_gets_its_own_root_back_from_a_domain);
    tcase_add_test(tc, a_domain_that_stops_itself_resumes_where_it_stopped);
    return s;
}
