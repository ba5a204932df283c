/*
 * The bounded fuzz run of `make test`: a fixed list of seeds, each a Check
 * test that fails with the shrunk reproduction printed; and a test of the
 * fuzzer itself, which must find, shrink and print a planted disagreement.
 */
#include "kfuzz.h"

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Seeds and length: a few seconds per target (the sanitizer builds are the slow ones). */
static const uint64_t seeds[] = {0x1, 0x2, 0x3, 0x5eed2024, 0xdecafbad, 0xfeedface};
#define STEPS_PER_SEED 1500

static const struct fuzz_options options = {
    .steps = STEPS_PER_SEED, .check_every = 1, .sweep_every = 250};

START_TEST(test_seed)
{
    struct fuzz_counts counts = {0};
    uint64_t seed = seeds[_i];
    bool ok = fuzz_seed(seed, &options, &counts, stdout);
    ck_assert_msg(ok, "seed 0x%" PRIx64 ": the kernel disagreed with the model (above)", seed);
    ck_assert_uint_eq(counts.steps, STEPS_PER_SEED);
    ck_assert_uint_eq(counts.checks, STEPS_PER_SEED);
}
END_TEST

/* The planted bug: the model lets mint add rights, which the kernel rightly refuses. */
START_TEST(test_finds_planted_disagreement)
{
    char *text = NULL;
    size_t bytes = 0;
    FILE *out = open_memstream(&text, &bytes);
    struct fuzz_counts counts = {0};
    model_planted_mint_bug = true;
    bool ok = fuzz_seed(0x1, &options, &counts, out);
    model_planted_mint_bug = false;
    fclose(out);
    ck_assert_msg(!ok, "the planted disagreement went unseen");
    size_t from = 0, to = 0;
    const char *shrunk = strstr(text, "shrunk from ");
    ck_assert_ptr_nonnull(shrunk);
    ck_assert_int_eq(sscanf(shrunk, "shrunk from %zu to %zu", &from, &to), 2);
    ck_assert_msg(to <= 8 && to < from, "shrunk from %zu to %zu steps:\n%s", from, to, text);
    ck_assert_ptr_nonnull(strstr(text, "expected SYS_ERR_OK, got SYS_ERR_MINT_RIGHTS_EXCEED"));
    ck_assert_ptr_nonnull(strstr(text, "START_TEST(test_fuzz_seed_1)"));
    ck_assert_ptr_nonnull(strstr(text, "FUZZ_INVOKE(SYS_ERR_OK, 0x1, CMD_CNODE_MINT"));
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("seeds");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_seed, 0, sizeof(seeds) / sizeof(seeds[0]));
    tcase_add_test(tc, test_finds_planted_disagreement);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
