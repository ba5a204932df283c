/* A Check suite with one test that passes and one that calls exit(0) halfway (tools/test-tools). */
#include <check.h>
#include <stdlib.h>

START_TEST(passes)
{
    ck_assert_int_eq(1 + 1, 2);
}
END_TEST

START_TEST(exits_zero_halfway)
{
    exit(0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("checkprobe");
    TCase *tc = tcase_create("probes");
    tcase_add_test(tc, passes);
    tcase_add_test(tc, exits_zero_halfway);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
