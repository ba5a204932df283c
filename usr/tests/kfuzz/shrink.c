/*
 * Delta debugging (Zeller's ddmin, the chunk-removal half): drop ever smaller
 * chunks of steps while the same failure remains, until no single step can go.
 */
#include "kfuzz.h"

#include <stdlib.h>
#include <string.h>

/* Does the sequence still fail the same way? Its failure in *got; a crash is cut short there. */
static bool still_fails(struct step *steps, size_t *count, const struct failure *target,
                        const struct fuzz_options *opt, struct failure *got)
{
    struct fuzz_counts counts = {0};
    size_t done = 0;
    *got = fuzz_run_isolated(steps, *count, false, 0, opt, &counts, &done);
    if (!fuzz_same_failure(got, target)) {
        return false;
    }
    *count = got->step + 1; /* what follows the failure is never needed */
    return true;
}

/* Removes chunks of steps, halving the chunk size each time none can go. */
static size_t drop_chunks(struct step *steps, size_t count, const struct failure *target,
                          const struct fuzz_options *opt, struct failure *last)
{
    count = target->step + 1 < count ? target->step + 1 : count;
    struct step *trial = malloc(count * sizeof(*trial));
    size_t chunk = count / 2 > 0 ? count / 2 : 1;
    *last = *target;
    while (chunk >= 1) {
        bool removed = false;
        for (size_t start = 0; start < count;) {
            size_t end = start + chunk < count ? start + chunk : count;
            size_t n = 0;
            memcpy(trial, steps, start * sizeof(*trial));
            n = start;
            memcpy(trial + n, steps + end, (count - end) * sizeof(*trial));
            n += count - end;
            struct failure got;
            if (n > 0 && still_fails(trial, &n, target, opt, &got)) {
                memcpy(steps, trial, n * sizeof(*trial));
                count = n;
                *last = got;
                removed = true;
            } else {
                start = end;
            }
        }
        if (!removed) {
            chunk /= 2;
        } else if (chunk > count / 2 && count > 1) {
            chunk = count / 2;
        }
    }
    free(trial);
    return count;
}

/*
 * Drops chunks; then renames every address to its simplest name (canon.c),
 * which frees the steps that only built other paths, and drops again, as long
 * as that makes the sequence shorter and the failure stays.
 */
size_t fuzz_shrink(struct step *steps, size_t count, const struct failure *target,
                   const struct fuzz_options *opt, struct failure *last)
{
    count = drop_chunks(steps, count, target, opt, last);
    struct step *renamed = malloc(count * sizeof(*renamed));
    for (;;) {
        memcpy(renamed, steps, count * sizeof(*renamed));
        fuzz_rename(renamed, count);
        size_t n = count;
        struct failure got;
        if (memcmp(renamed, steps, count * sizeof(*renamed)) == 0 ||
            !still_fails(renamed, &n, target, opt, &got)) {
            break;
        }
        struct failure after = got;
        n = drop_chunks(renamed, n, target, opt, &after);
        if (n >= count) {
            break;
        }
        memcpy(steps, renamed, n * sizeof(*renamed));
        count = n;
        *last = after;
    }
    free(renamed);
    return count;
}
