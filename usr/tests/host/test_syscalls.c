/* The system calls that are not invocations, through libcap: console, exit and the kernel check. */
#include "fixture.h"
#include <kcheck.h>
#include <libcap/syscalls.h>
#include <mdb.h>
#include <paging_arch.h>
#include <stdio.h>
#include <string.h>

#define CHECK_HOLDS "kernel: check: invariants hold, text intact\n"

static void put_string(const char *s)
{
    for (; *s != '\0'; s++) {
        sys_putchar(*s);
    }
}

/* A fresh machine is intact: what a domain asking the kernel to check itself is told. */
START_TEST(the_kernel_check_of_a_fresh_machine_passes)
{
    uintptr_t detail = 99;
    ck_assert_ok(sys_debug_check_kernel(&detail));
    ck_assert_uint_eq(detail, KCHECK_OK);
    ck_assert_ok(sys_debug_check_kernel(NULL));
}
END_TEST

START_TEST(an_unknown_debug_command_is_refused)
{
    static const uintptr_t unknown[] = {0, 0x1000, UINTPTR_MAX}; /* commands start at 1 */
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, unknown[i]};
        ck_assert_err(syscall_raw(regs).error, SYS_ERR_ILLEGAL_DEBUG_CMD);
    }
}
END_TEST

/* Exit: the kernel checks itself, says so on one line, and the platform records the status. */
START_TEST(exit_reports_the_check_and_the_status)
{
    uint64_t status;
    host_console_capture(kernel_console, sizeof(kernel_console));
    sys_exit(3);
    ck_assert(host_machine_exit_status(&status));
    ck_assert_uint_eq(status, 3);
    ck_assert_str_eq(kernel_console, CHECK_HOLDS);
}
END_TEST

/* The kernel's lines start in column 0: a domain's unfinished line is ended first, and only then.
 */
static const struct {
    const char *domain_output;
    const char *console;
} line_cases[] = {
    {"", CHECK_HOLDS},
    {"ab", "ab\n" CHECK_HOLDS},
    {"done\n", "done\n" CHECK_HOLDS},
    {"one\ntwo", "one\ntwo\n" CHECK_HOLDS},
};

START_TEST(kernel_lines_start_in_column_zero)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    put_string(line_cases[_i].domain_output);
    sys_exit(0);
    ck_assert_str_eq(kernel_console, line_cases[_i].console);
}
END_TEST

/* A machine without the checker after each call, so that a broken invariant reaches the domain. */
static void boot_unchecked(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.no_kcheck = true;
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
}

/* The kernel's own copy of the loaded root, taken out of the index behind its back. */
static void lose_the_kernels_root_copy(void)
{
    enum objtype root = paging_root_type();
    ck_assert_ok(retype_from_ram(0, root, objtype_info[root].fixed_bytes, 1, 0));
    ck_assert_ok(host_machine_load_root(WORK_SLOT(0)));
    ck_assert_ok(sys_debug_check_kernel(NULL));
    mdb_remove(&dcb_current->vroot);
}

START_TEST(a_broken_invariant_is_named_to_the_domain)
{
    lose_the_kernels_root_copy();
    uintptr_t detail = 0;
    ck_assert_err(sys_debug_check_kernel(&detail), SYS_ERR_KERNEL_INVARIANT);
    ck_assert_uint_eq(detail, KCHECK_KERNEL_COPY_LOST);
}
END_TEST

START_TEST(a_broken_invariant_is_reported_at_exit)
{
    lose_the_kernels_root_copy();
    host_console_capture(kernel_console, sizeof(kernel_console));
    sys_exit(0);
    char want[80];
    snprintf(want, sizeof(want), "kernel: check: FAILED: invariant %u broken\n",
             (unsigned)KCHECK_KERNEL_COPY_LOST);
    ck_assert_str_eq(kernel_console, want);
}
END_TEST

Suite *syscalls_suite(void)
{
    Suite *s = suite_create("system calls");
    TCase *tc = fixture_tcase(s, "console, exit, check");
    tcase_add_test(tc, the_kernel_check_of_a_fresh_machine_passes);
    tcase_add_test(tc, an_unknown_debug_command_is_refused);
    tcase_add_test(tc, exit_reports_the_check_and_the_status);
    tcase_add_loop_test(tc, kernel_lines_start_in_column_zero, 0,
                        sizeof(line_cases) / sizeof(line_cases[0]));

    tc = tcase_create("broken kernel");
    tcase_add_checked_fixture(tc, boot_unchecked, fixture_shutdown);
    tcase_add_test(tc, a_broken_invariant_is_named_to_the_domain);
    tcase_add_test(tc, a_broken_invariant_is_reported_at_exit);
    suite_add_tcase(s, tc);
    return s;
}
