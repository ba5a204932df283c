/*
 * The fuzzer as a program (`make fuzz`): new seeds until stopped or a bound,
 * progress with counts, every failure shrunk and printed as a test.
 *
 *   fuzz [--seeds N] [--steps N] [--check-every N] [--sweep-every N]
 *        [--first-seed S] [--total-steps N]
 *   FUZZ_SEED=S fuzz     replays seed S alone
 */
#include "kfuzz.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cli {
    struct fuzz_options opt;
    uint64_t first_seed, seeds, total_steps;
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr, "usage: fuzz [--seeds N] [--steps N] [--check-every N] [--sweep-every N] "
                    "[--first-seed S] [--total-steps N]\n");
    exit(2);
}

static struct cli parse(int argc, char **argv)
{
    struct cli c = {.opt = {.steps = 2000, .check_every = 1, .sweep_every = 500},
                    .first_seed = (uint64_t)time(NULL) << 20};
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            usage();
        }
        uint64_t v = strtoull(argv[i + 1], NULL, 0);
        if (strcmp(argv[i], "--seeds") == 0) {
            c.seeds = v;
        } else if (strcmp(argv[i], "--steps") == 0 && v > 0) {
            c.opt.steps = v;
        } else if (strcmp(argv[i], "--check-every") == 0 && v > 0) {
            c.opt.check_every = v;
        } else if (strcmp(argv[i], "--sweep-every") == 0 && v > 0) {
            c.opt.sweep_every = v;
        } else if (strcmp(argv[i], "--first-seed") == 0) {
            c.first_seed = v;
        } else if (strcmp(argv[i], "--total-steps") == 0) {
            c.total_steps = v;
        } else {
            usage();
        }
        i++;
    }
    const char *one = getenv("FUZZ_SEED");
    if (one != NULL) {
        c.first_seed = strtoull(one, NULL, 0);
        c.seeds = 1;
    }
    return c;
}

static void progress(const struct fuzz_counts *n, uint64_t failed, double start, uint64_t seed)
{
    double secs = now() - start;
    printf("fuzz: %.0f s: %" PRIu64 " sequences, %" PRIu64 " invocations (%.0f/s), %" PRIu64
           " checker runs, %" PRIu64 " identify probes, %" PRIu64 " failed; next seed 0x%" PRIx64
           "\n",
           secs, n->sequences, n->steps, secs > 0 ? (double)n->steps / secs : 0.0, n->checks,
           n->identifies, failed, seed);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct cli c = parse(argc, argv);
    printf("fuzz: page tables of %s; seeds from 0x%" PRIx64 " on, %zu steps each, the checker "
           "every %zu steps, every slot every %zu\n",
           objtype_name(fmt_root()), c.first_seed, c.opt.steps, c.opt.check_every,
           c.opt.sweep_every);
    struct fuzz_counts n = {0};
    uint64_t failed = 0;
    double start = now(), last = start;
    uint64_t i = 0;
    for (; (c.seeds == 0 || i < c.seeds) && (c.total_steps == 0 || n.steps < c.total_steps); i++) {
        if (!fuzz_seed(c.first_seed + i, &c.opt, &n, stdout)) {
            failed++;
        }
        if (now() - last >= 10) {
            progress(&n, failed, start, c.first_seed + i + 1);
            last = now();
        }
    }
    progress(&n, failed, start, c.first_seed + i);
    if (getenv("FUZZ_STATS") != NULL) {
        fuzz_print_outcomes(stdout, &n);
    }
    printf("fuzz: %" PRIu64 " passed, %" PRIu64 " failed\n", i - failed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
