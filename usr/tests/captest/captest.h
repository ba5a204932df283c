/* The capability test suite in a booted domain: each test has an ID, a name and a verdict line. */
#ifndef CAPTEST_H
#define CAPTEST_H

#include <libcap/libcap.h>
#include <libcap/syscalls.h>
#include <pmap/pmap.h>
#include <stdbool.h>
#include <test/booted.h>

/* A test returns NULL when it passes, or a reason (see FAIL_IF); the harness is libtest's. */

/* Returns a failure reason naming the condition, file:line and the error chain. */
const char *captest_reason(const char *what, const char *file, int line, errval_t err);
#define FAIL_IF(cond)                                                                              \
    do {                                                                                           \
        if (cond)                                                                                  \
            return captest_reason(#cond, __FILE__, __LINE__, SYS_ERR_OK);                          \
    } while (0)
#define FAIL_IF_ERR(e)                                                                             \
    do {                                                                                           \
        errval_t captest_err_ = (e);                                                               \
        if (err_is_fail(captest_err_))                                                             \
            return captest_reason(#e, __FILE__, __LINE__, captest_err_);                           \
    } while (0)
#define EXPECT_ERR(e, code)                                                                        \
    do {                                                                                           \
        errval_t captest_err_ = (e);                                                               \
        if (err_no(captest_err_) != (code))                                                        \
            return captest_reason(#e " != " #code, __FILE__, __LINE__, captest_err_);              \
    } while (0)

/* Runs a helper that returns a failure reason, passing the reason on. */
#define RUN(step)                                                                                  \
    do {                                                                                           \
        const char *run_reason_ = (step);                                                          \
        if (run_reason_ != NULL)                                                                   \
            return run_reason_;                                                                    \
    } while (0)

/* A test that cannot run on this machine returns booted_test_skip(why) (a SKIP line). */

/* Has ram no live descendant? Probes by retyping all of it into one frame, then deletes that. */
bool ram_is_whole(struct capref ram);

/*
 * What the hardware translates, read back through the kernel's walk of the domain's own tables
 * (DEBUG_TRANSLATE), never through libpmap's records. Each returns NULL or what differs.
 * hw_mapped: every 4 KiB page of [vaddr, vaddr + bytes) reaches paddr plus its offset, with
 * exactly flags, and the raw entry's bits say the same (captest_arch_entry_agrees).
 */
const char *hw_translate(genvaddr_t vaddr, struct debug_translation *ret);
const char *hw_mapped(genvaddr_t vaddr, gensize_t bytes, genpaddr_t paddr, vregion_flags_t flags);
const char *hw_unmapped(genvaddr_t vaddr, gensize_t bytes);
/* The entry that maps vaddr maps a page of page_bytes (4 KiB, a large page, a section). */
const char *hw_page_bytes(genvaddr_t vaddr, gensize_t page_bytes);
/* The walk towards vaddr ends above level: no table of that level is left on the way. */
const char *hw_no_table_at(genvaddr_t vaddr, int level);

/*
 * The bytes behind pages: tag_pages writes a word at the start and the end of every 4 KiB page
 * of the range, different for each page (page first_page + i of a frame); pages_tagged checks
 * them, through any mapping of the same pages.
 */
void tag_pages(genvaddr_t vaddr, gensize_t bytes, uint32_t tag, size_t first_page);
const char *pages_tagged(genvaddr_t vaddr, gensize_t bytes, uint32_t tag, size_t first_page);

/*
 * Per architecture (arch/<arch>/entry_bits.c): decodes t's raw entry with the format's own bits,
 * independently of the kernel, and checks it says what the kernel reported (page size, address,
 * rights, memory type); NULL when it does.
 */
const char *captest_arch_entry_agrees(const struct debug_translation *t);

/* The domain's own pmap, set up before the tests run. */
extern struct pmap self_pmap;
extern struct capref self_root;

/* The test tables, one per file. */
extern const struct booted_test captest_caps[];
extern const struct booted_test captest_paging[];
extern const struct booted_test captest_pmap[];
extern const struct booted_test captest_pmap_life[];
extern const struct booted_test captest_pmap_adopt[];
extern const struct booted_test captest_retype[];
extern const struct booted_test captest_refusals[];
extern const struct booted_test captest_malloc[];
extern const struct booted_test captest_domains[];
extern const struct booted_test captest_spawn[];
extern const struct booted_test captest_children[];
extern const struct booted_test captest_children_isolation[];
extern const struct booted_test captest_selfpaging[];
extern const struct booted_test captest_vspace[];
extern const struct booted_test captest_pager[];
extern const struct booted_test captest_arch[];
extern const struct booted_test captest_arch_huge[]; /* per architecture: arch/<arch>/ */

/* Writes a function that only returns into buf (arch/<arch>/return_code.c); its length. */
size_t captest_arch_return_code(uint8_t *buf);

/* Can this CPU map pages through entries of a table of this level (0: the root)? */
bool captest_arch_pages_at_level(int level);

#endif
