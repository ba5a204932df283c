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

Suite *dispatch_suite(void)
{
    Suite *s = suite_create("dispatch");
    TCase *tc = dom_tcase(s, "switch");
    tcase_add_test(tc, init_gets_its_own_root_back_from_a_domain);
    return s;
}
