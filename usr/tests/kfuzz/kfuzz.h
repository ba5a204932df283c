/* The random-invocation fuzzer of the kernel: steps, runs against the model, shrinking, reports. */
#ifndef KFUZZ_KFUZZ_H
#define KFUZZ_KFUZZ_H

#include <invocations.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* One step: a system call with all its words, or loading a root table (host_machine_load_root). */
enum step_kind { STEP_SYSCALL, STEP_LOAD_ROOT };
struct step {
    uint8_t kind;
    uintptr_t w[SYSCALL_REGS]; /* STEP_LOAD_ROOT: w[1] is the address */
};

/* How a run went wrong; FAIL_NONE if it did not. */
enum fail_kind {
    FAIL_NONE,
    FAIL_RESULT,    /* a step's error differs from the model's */
    FAIL_VALUES,    /* identify's values differ from the model's */
    FAIL_TRANSLATE, /* DEBUG_TRANSLATE ends its walk elsewhere than the model's */
    FAIL_CHECKER,   /* the kernel's invariant checker failed after a step */
    FAIL_SLOT,      /* a slot the model knows reads back differently through identify */
    FAIL_CRASH,     /* the process died (kernel panic, abort, signal) */
    FAIL_UNSOUND,   /* a step the fuzzer must not make: loading init's root while another runs */
};

struct failure {
    enum fail_kind kind;
    size_t step;                         /* index of the step after which it was seen */
    uint64_t expected;                   /* error code, invariant or type the model wanted */
    uint64_t got;                        /* what the kernel gave */
    uint64_t addr;                       /* FAIL_SLOT: the address identified */
    uintptr_t values[SYSRET_VALUES];     /* FAIL_VALUES, FAIL_SLOT: the model's identify values */
    uintptr_t got_values[SYSRET_VALUES]; /* and the kernel's */
};

struct fuzz_options {
    size_t steps;       /* steps per sequence */
    size_t check_every; /* the invariant checker after every n-th step (1: each); always last */
    size_t sweep_every; /* every slot of init's CSpace identified every n steps; always last */
    bool quiet;
};

/* What one run did, for the counts in progress lines and docs. */
#define FUZZ_OUTCOME_ROWS (CMD_NUM + 2) /* the commands, other system calls, load root */
struct fuzz_counts {
    uint64_t steps, checks, identifies, sequences;
    uint64_t foreign_steps; /* steps made by a domain other than init (after a switch) */
    uint64_t outcome[FUZZ_OUTCOME_ROWS][ERR_NUM_CODES]; /* what each kind of step returned */
};

/* Adds b's counts to a; prints the table of outcomes. */
void fuzz_counts_add(struct fuzz_counts *a, const struct fuzz_counts *b);
void fuzz_print_outcomes(FILE *out, const struct fuzz_counts *n);

/*
 * Runs a sequence on a freshly booted machine. With generate, steps[] is
 * filled as it goes from the seed (up to count); else the count given steps
 * replay. Returns the first failure; *done is how many steps ran.
 */
struct failure fuzz_run(struct step *steps, size_t count, bool generate, uint64_t seed,
                        const struct fuzz_options *opt, struct fuzz_counts *counts, size_t *done);

/*
 * The same in a child process, so a crashing kernel is a failure like any
 * other; steps must be shared memory (fuzz_shared_alloc) for generation.
 */
struct failure fuzz_run_isolated(struct step *steps, size_t count, bool generate, uint64_t seed,
                                 const struct fuzz_options *opt, struct fuzz_counts *counts,
                                 size_t *done);
void *fuzz_shared_alloc(size_t bytes);
void fuzz_shared_free(void *p, size_t bytes);

/* Is b the same failure as a (kind and codes), for shrinking? */
bool fuzz_same_failure(const struct failure *a, const struct failure *b);

/* Delta debugging: drops chunks of steps while the same failure stays; returns the new count. */
size_t fuzz_shrink(struct step *steps, size_t count, const struct failure *target,
                   const struct fuzz_options *opt, struct failure *last);

/*
 * Gives every address the simplest name of its slot through init's CSpace and
 * sends CNode commands through init's root where it can (shrink.c checks the
 * failure stays).
 */
void fuzz_rename(struct step *steps, size_t count);

/* One seed end to end: run, and on failure shrink and print a ready test to out. */
bool fuzz_seed(uint64_t seed, const struct fuzz_options *opt, struct fuzz_counts *counts,
               FILE *out);

/* The generator: the next step, from the model's state. */
struct gen {
    uint64_t state;
};
void gen_init(struct gen *g, uint64_t seed);
void gen_step(struct gen *g, const struct model *m, struct step *out);

/* Text: one step in words, a failure in words, and the shrunk sequence as a Check test. */
void fuzz_describe_step(const struct step *s, char *buf, size_t bytes);
void fuzz_describe_failure(const struct failure *f, char *buf, size_t bytes);
void fuzz_print_test(FILE *out, uint64_t seed, size_t original, const struct step *steps,
                     size_t count, const struct failure *f);

/* The model of the machine fuzz_run boots (a machine is booted and shut down to learn it). */
void fuzz_model_boot(struct model *m);

#endif
