/* libtest: a booted test suite's tables of tests, the TESTS selection and the lines it prints. */
#ifndef TEST_BOOTED_H
#define TEST_BOOTED_H

#include <pmap/pmap.h>
#include <stdbool.h>
#include <stddef.h>

/* A test returns NULL when it passes, a reason when it fails, or booted_test_skip(why). */
struct booted_test {
    const char *id;   /* CT101: letters, then digits */
    const char *name; /* what it checks, as a sentence */
    const char *(*run)(void);
};

/* A table ends with an entry whose run is NULL. */

/*
 * What a test that cannot run on this machine returns: a SKIP line with why, counted apart.
 * A skip must say why: an empty why makes the test a failure.
 */
const char *booted_test_skip(const char *why);

/*
 * One run of a suite. booted_run_begin reads the selection (the boot module "tests", which
 * `make run TESTS=...` and tools/qemu-run put into the boot image; none: every test), prints the
 * plan line "SUITE: N tests" (or "SUITE: N of M tests selected by TESTS=..."), and counts the
 * selected tests of tables, which the suite then runs in the same order with booted_run_table.
 * Each test prints "RUN ID name" before it runs and one verdict line after:
 * "PASS ID name", "FAIL ID name: reason" or "SKIP ID name: why". booted_run_end prints
 * "N passed, N failed, N skipped" and returns the domain's exit status (0: nothing failed).
 * A runner can thus tell a suite that ended early (fewer verdicts than planned, no summary) and
 * the test during which it ended (a RUN line without its verdict).
 */
struct booted_run {
    const char *suite;
    char selection[128]; /* the TESTS patterns; empty: every test */
    int planned, passed, failed, skipped;
};

void booted_run_begin(struct booted_run *r, const char *suite, struct pmap *pmap,
                      const struct booted_test *const tables[]);
void booted_run_table(struct booted_run *r, const struct booted_test *table);
int booted_run_end(struct booted_run *r);

/*
 * Does id match the selection: patterns separated by commas or spaces, each with '*' (any
 * run of characters) and '?' (one character)? An empty selection matches every id.
 */
bool booted_test_selected(const char *selection, const char *id);

/*
 * Reads the boot module "tests" into buf (at most bytes - 1 characters, then a NUL; a trailing
 * newline dropped). No such module: buf is empty and the result SYS_ERR_OK.
 */
errval_t booted_test_selection(struct pmap *pmap, char *buf, size_t bytes);

#endif
