/* A booted suite's run: the plan line, a RUN line and a verdict per test, the closing counts. */
#include <stdio.h>
#include <test/booted.h>

static char skip_reason[200];

const char *booted_test_skip(const char *why)
{
    snprintf(skip_reason, sizeof(skip_reason), "%s", why);
    return skip_reason;
}

static int count_selected(const char *selection, const struct booted_test *table, int *all)
{
    int n = 0;
    for (const struct booted_test *t = table; t->run != NULL; t++) {
        n += booted_test_selected(selection, t->id);
        (*all)++;
    }
    return n;
}

void booted_run_begin(struct booted_run *r, const char *suite, struct pmap *pmap,
                      const struct booted_test *const tables[])
{
    *r = (struct booted_run){.suite = suite};
    errval_t err = booted_test_selection(pmap, r->selection, sizeof(r->selection));
    if (err_is_fail(err)) {
        char text[160];
        err_format(err, text, sizeof(text));
        printf("%s: the TESTS selection could not be read (%s): running every test\n", suite, text);
        r->selection[0] = '\0';
    }
    int all = 0;
    for (size_t i = 0; tables[i] != NULL; i++) {
        r->planned += count_selected(r->selection, tables[i], &all);
    }
    if (r->selection[0] == '\0') {
        printf("%s: %d tests\n", suite, r->planned);
    } else {
        printf("%s: %d of %d tests selected by TESTS=%s\n", suite, r->planned, all, r->selection);
    }
}

void booted_run_table(struct booted_run *r, const struct booted_test *table)
{
    for (const struct booted_test *t = table; t->run != NULL; t++) {
        if (!booted_test_selected(r->selection, t->id)) {
            continue;
        }
        printf("RUN %s %s\n", t->id, t->name);
        const char *reason = t->run();
        if (reason == NULL) {
            printf("PASS %s %s\n", t->id, t->name);
            r->passed++;
        } else if (reason == skip_reason && skip_reason[0] != '\0') {
            printf("SKIP %s %s: %s\n", t->id, t->name, reason);
            r->skipped++;
        } else {
            printf("FAIL %s %s: %s\n", t->id, t->name,
                   reason == skip_reason ? "skipped without saying why" : reason);
            r->failed++;
        }
    }
}

int booted_run_end(struct booted_run *r)
{
    printf("%d passed, %d failed, %d skipped\n", r->passed, r->failed, r->skipped);
    return r->failed == 0 ? 0 : 1;
}
