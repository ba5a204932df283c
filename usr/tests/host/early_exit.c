/* Every Check test case gets a guard: a test that ends its process early fails, named. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * In fork mode Check counts a test whose process exits with status 0 as passed, so a test that
 * calls exit(0) halfway (or whose code under test does) would pass unseen. The host suites link
 * with -Wl,--wrap=tcase_create: every test case gets a checked fixture whose set-up, in the
 * test's own process, arms an atexit handler and whose teardown disarms it. An exit between the
 * two ends the process with a failure status and a line naming it.
 */
static bool test_running;
static bool handler_armed;
static pid_t test_pid; /* a process the test forks may exit as it likes */

static void exit_during_test(void)
{
    if (test_running && getpid() == test_pid) {
        fprintf(stderr, "early_exit: the test called exit() before it finished\n");
        _exit(EXIT_FAILURE);
    }
}

static void guard_setup(void)
{
    if (!handler_armed) {
        handler_armed = atexit(exit_during_test) == 0;
    }
    test_pid = getpid();
    test_running = true;
}

static void guard_teardown(void)
{
    test_running = false;
}

TCase *__real_tcase_create(const char *name);
TCase *__wrap_tcase_create(const char *name);

TCase *__wrap_tcase_create(const char *name)
{
    TCase *tc = __real_tcase_create(name);
    tcase_add_checked_fixture(tc, guard_setup, guard_teardown);
    return tc;
}
