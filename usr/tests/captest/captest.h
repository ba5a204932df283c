/* The capability test suite in a booted domain: each test has an ID, a name and a verdict line. */
#ifndef CAPTEST_H
#define CAPTEST_H

#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdbool.h>

/* A test returns NULL when it passes, or a reason (see FAIL_IF). */
struct captest {
    const char *id;
    const char *name;
    const char *(*run)(void);
};

/* Returns a failure reason naming the condition, the line and the error chain, if cond holds. */
const char *captest_reason(const char *what, int line, errval_t err);
#define FAIL_IF(cond)                                                                              \
    do {                                                                                           \
        if (cond)                                                                                  \
            return captest_reason(#cond, __LINE__, SYS_ERR_OK);                                    \
    } while (0)
#define FAIL_IF_ERR(e)                                                                             \
    do {                                                                                           \
        errval_t captest_err_ = (e);                                                               \
        if (err_is_fail(captest_err_))                                                             \
            return captest_reason(#e, __LINE__, captest_err_);                                     \
    } while (0)
#define EXPECT_ERR(e, code)                                                                        \
    do {                                                                                           \
        errval_t captest_err_ = (e);                                                               \
        if (err_no(captest_err_) != (code))                                                        \
            return captest_reason(#e " != " #code, __LINE__, captest_err_);                        \
    } while (0)

/*
 * A test that cannot run on this machine returns captest_skip(why): it prints a SKIP line and
 * counts as skipped, neither passed nor failed.
 */
const char *captest_skip(const char *why);
bool captest_is_skip(const char *reason);

/* Has ram no live descendant? Probes by retyping all of it into one frame, then deletes that. */
bool ram_is_whole(struct capref ram);

/* The domain's own pmap, set up before the tests run. */
extern struct pmap self_pmap;
extern struct capref self_root;

/* The test tables, one per file. */
extern const struct captest captest_caps[];
extern const struct captest captest_paging[];
extern const struct captest captest_pmap[];
extern const struct captest captest_pmap_life[];
extern const struct captest captest_retype[];
extern const struct captest captest_refusals[];
extern const struct captest captest_malloc[];
extern const struct captest captest_arch[];
extern const struct captest captest_arch_device[];
extern const struct captest captest_arch_small_tables[];
extern const struct captest captest_arch_huge[]; /* per architecture: arch/<arch>/ */

/* Can this CPU map pages through entries of a table of this level (0: the root)? */
bool captest_arch_pages_at_level(int level);

/* Which architecture-dependent tables apply here (decided at run time, from what init has). */
bool captest_has_device_window(void);
bool captest_has_small_tables(void);

#endif
