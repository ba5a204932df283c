/* One seed end to end: generate and run; on a failure, shrink it and print it as a test. */
#include "kfuzz.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void report(FILE *out, uint64_t seed, const struct step *steps, size_t original,
                   size_t count, const struct failure *f)
{
    char what[256];
    fuzz_describe_failure(f, what, sizeof(what));
    fprintf(out, "fuzz: FAILED seed 0x%" PRIx64 " (FUZZ_SEED=0x%" PRIx64 " replays it): %s\n", seed,
            seed, what);
    fprintf(out, "fuzz: shrunk from %zu to %zu steps:\n", original, count);
    for (size_t i = 0; i < count; i++) {
        char words[256];
        fuzz_describe_step(&steps[i], words, sizeof(words));
        fprintf(out, "  %zu: %s\n", i, words);
    }
    fprintf(out, "fuzz: as a test:\n");
    fuzz_print_test(out, seed, original, steps, count, f);
}

bool fuzz_seed(uint64_t seed, const struct fuzz_options *opt, struct fuzz_counts *counts, FILE *out)
{
    size_t bytes = opt->steps * sizeof(struct step);
    struct step *shared = fuzz_shared_alloc(bytes);
    size_t done = 0;
    struct failure f = fuzz_run_isolated(shared, opt->steps, true, seed, opt, counts, &done);
    if (f.kind == FAIL_NONE) {
        fuzz_shared_free(shared, bytes);
        return true;
    }
    size_t count = f.step + 1;
    struct step *steps = malloc(count * sizeof(*steps));
    memcpy(steps, shared, count * sizeof(*steps));
    fuzz_shared_free(shared, bytes);

    /* Shrinking runs the checker after every step: find the failure as that run sees it. */
    struct fuzz_options strict = *opt;
    strict.check_every = 1;
    struct fuzz_counts ignored = {0};
    struct failure target = fuzz_run_isolated(steps, count, false, seed, &strict, &ignored, &done);
    if (target.kind == FAIL_NONE) {
        char what[256];
        fuzz_describe_failure(&f, what, sizeof(what));
        fprintf(out,
                "fuzz: FAILED seed 0x%" PRIx64 ": %s; NOT reproduced by replaying its %zu "
                "steps (the fuzzer itself failed?)\n",
                seed, what, count);
        free(steps);
        return false;
    }
    count = target.step + 1;
    struct failure last;
    size_t shrunk = fuzz_shrink(steps, count, &target, &strict, &last);
    report(out, seed, steps, f.step + 1, shrunk, &last);
    free(steps);
    return false;
}
