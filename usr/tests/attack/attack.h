/* The attack suite's frame: tables of attacks, the verdict lines the runner reads, shared set-up.
 */
#ifndef ATTACK_H
#define ATTACK_H

#include <attack_targets.h>
#include <libcap/libcap.h>
#include <libcap/syscalls.h>
#include <pmap/pmap.h>
#include <stdbool.h>

/*
 * One attack that the kernel must refuse or render harmless. run returns
 * NULL when the kernel held, or a reason naming file:line (ATTACK_* macros).
 */
struct attack {
    const char *id;
    const char *name;
    const char *(*run)(void);
};

/* A reason "file:line: what[: error chain]" in a static buffer. */
const char *attack_reason(const char *file, int line, const char *what, errval_t err);

/* The same for a call that should have been refused: always says what came back. */
const char *attack_refusal_reason(const char *file, int line, const char *what, errval_t err);

#define ATTACK_FAIL_IF(cond)                                                                       \
    do {                                                                                           \
        if (cond)                                                                                  \
            return attack_reason(__FILE__, __LINE__, #cond, SYS_ERR_OK);                           \
    } while (0)
#define ATTACK_OK(e)                                                                               \
    do {                                                                                           \
        errval_t attack_err_ = (e);                                                                \
        if (err_is_fail(attack_err_))                                                              \
            return attack_reason(__FILE__, __LINE__, #e, attack_err_);                             \
    } while (0)
/* The call must be refused with code (compared with the chain's root cause, err_root_cause:
   the kernel's own error under libcap's wrappers). */
#define ATTACK_EXPECT(e, code)                                                                     \
    do {                                                                                           \
        errval_t attack_err_ = (e);                                                                \
        if (err_root_cause(attack_err_) != (code))                                                 \
            return attack_refusal_reason(__FILE__, __LINE__, #e " != " #code, attack_err_);        \
    } while (0)
/* A sub-step returning a reason (NULL: fine). */
#define ATTACK_STEP(call)                                                                          \
    do {                                                                                           \
        const char *attack_why_ = (call);                                                          \
        if (attack_why_ != NULL)                                                                   \
            return attack_why_;                                                                    \
    } while (0)

/* The domain's pmap and its root page table (PAGECN slot 0), after attack_setup. */
extern struct pmap attack_pmap;
struct capref attack_vroot(void);

/* libcap and the pmap; on failure prints "FAIL id name: set-up ..." and exits 1. */
void attack_setup(const char *id, const char *name);

/* The kernel's self-check (invariants and text): NULL when it holds, else a reason. */
const char *attack_kernel_check(void);

/*
 * One verdict line, "PASS id name" when why is NULL, else "FAIL id name: why", counted for
 * attack_finish. A domain with a boolean outcome passes ok ? NULL : "what went wrong".
 */
void attack_verdict(const char *id, const char *name, const char *why);

/*
 * The kernel's self-check after an attack whose verdict is already printed: silent when it
 * holds (so the PASS lines stay one per attack), else a counted FAIL line of its own.
 */
void attack_check_kernel_after(const char *id);

/* Runs a table ({NULL} ends it), one verdict line per row, the kernel check folded into each. */
void attack_run_table(const struct attack *table);

/* Prints the closing "N passed, N failed" line of every verdict; returns the exit status. */
int attack_finish(void);

/*
 * The line before an access whose correct outcome is the kernel's fault report:
 * "EXPECT-FAULT id name", the name formatted as by printf (some name the address they aim at).
 */
void attack_expect_fault(const char *id, const char *name_fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Before attack_expect_fault: the kernel must also print a line starting "kernel: text" after
 * it (a check of the kernel's own that the CPU's fault alone would not show).
 */
void attack_expect_kernel_line(const char *text);

/* After an expected fault did not happen: "id survived: what" (printf); the exit status (1). */
int attack_survived(const char *id, const char *what_fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A page-table path of the domain's own, built at the top of the user half
 * where neither the kernel nor the pmap put anything: parent is the table
 * whose entries hold leaf tables (the root on ARMv7), va the address its
 * entry first_slot covers; entries first_slot .. +3 are free; each covers
 * leaf_span bytes.
 */
struct attack_path {
    genvaddr_t va;
    struct capref parent;
    cslot_t first_slot;
    gensize_t leaf_span;
};
errval_t attack_path_make(struct attack_path *path);

/* The page-table types of this architecture's leaf tables (they hold pages). */
enum objtype attack_leaf_type(void);

/* The CSpace still works: RAM retyped into a frame identifies as one; NULL or a reason. */
const char *attack_cspace_works(void);

/* Runs one attack as the domain's only test: set-up, the row, the closing line. */
int attack_main(const struct attack *only);

/*
 * A domain whose one attack must end it with the kernel's fault report:
 * set-up, prepare (NULL and the address to touch, or a reason), the
 * EXPECT-FAULT line, then touch(at). Returns 1 if the domain is still alive.
 */
int attack_fault_main(const char *id, const char *name, const char *(*prepare)(uintptr_t *at),
                      uintptr_t (*touch)(uintptr_t at));
uintptr_t attack_touch_read(uintptr_t at);

/* Fills and checks a pattern in mapped memory. */
void attack_fill(volatile uint32_t *p, size_t words, uint32_t seed);
bool attack_pattern_intact(const volatile uint32_t *p, size_t words, uint32_t seed);

#endif
