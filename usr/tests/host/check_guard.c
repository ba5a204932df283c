/* The host suites' guard around Check: a plan line, and a test that ends its process early fails.
 */
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
        fprintf(stderr, "check_guard: the test called exit() before it finished\n");
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

/*
 * The plan: every registration is counted (a loop test once per index), and before the run a
 * line "check: N tests registered" says how many tests Check must report; tools/run-host-tests
 * compares it with Check's summary. Not printed when CK_RUN_SUITE, CK_RUN_CASE or tags select
 * a part.
 */
static int tests_registered;

void __real__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end);
void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end);
void __real_srunner_run_all(SRunner *sr, enum print_output print_mode);
void __wrap_srunner_run_all(SRunner *sr, enum print_output print_mode);

void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal, int allowed_exit_value,
                            int start, int end)
{
    tests_registered += end > start ? end - start : 0;
    __real__tcase_add_test(tc, ttest, signal, allowed_exit_value, start, end);
}

void __wrap_srunner_run_all(SRunner *sr, enum print_output print_mode)
{
    const char *selects[] = {"CK_RUN_SUITE", "CK_RUN_CASE", "CK_INCLUDE_TAGS", "CK_EXCLUDE_TAGS"};
    bool all = true;
    for (size_t i = 0; i < sizeof(selects) / sizeof(selects[0]); i++) {
        all = all && getenv(selects[i]) == NULL;
    }
    if (all) {
        printf("check: %d tests registered\n", tests_registered);
        fflush(stdout);
    }
    __real_srunner_run_all(sr, print_mode);
}
