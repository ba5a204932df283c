/* errval_t: error codes from errno.def and a stack of causes packed in 64 bits. */
#ifndef ERRORS_ERRNO_H
#define ERRORS_ERRNO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum err_code {
#define ERR(code, string) code,
#include <errors/errno.def>
#undef ERR
    ERR_NUM_CODES
};

/*
 * An errval_t holds up to ERR_STACK_DEPTH codes of ERR_CODE_BITS each; the
 * newest (outermost) code sits in the low bits. err_push() shifts the older
 * ones up, so the oldest cause falls off the top when the stack is full.
 */
typedef uint64_t errval_t;

#define ERR_CODE_BITS 10
#define ERR_CODE_MASK ((1u << ERR_CODE_BITS) - 1)
#define ERR_STACK_DEPTH (64 / ERR_CODE_BITS)
#define ERR_STACK_MASK ((UINT64_C(1) << (ERR_STACK_DEPTH * ERR_CODE_BITS)) - 1)

_Static_assert(ERR_NUM_CODES <= (1u << ERR_CODE_BITS), "error table outgrew ERR_CODE_BITS");

/* The newest code of the stack. */
static inline enum err_code err_no(errval_t err)
{
    return (enum err_code)(err & ERR_CODE_MASK);
}

static inline bool err_is_ok(errval_t err)
{
    return err_no(err) == SYS_ERR_OK;
}

static inline bool err_is_fail(errval_t err)
{
    return !err_is_ok(err);
}

/* Adds context code on top of err; pushing onto success yields just code. */
static inline errval_t err_push(errval_t err, enum err_code code)
{
    if (err_is_ok(err)) {
        return code;
    }
    return ((err << ERR_CODE_BITS) | code) & ERR_STACK_MASK;
}

/* Removes the newest code, exposing its cause. */
static inline errval_t err_pop(errval_t err)
{
    return err >> ERR_CODE_BITS;
}

/*
 * The oldest code of the stack: the first cause, under every context pushed on the way up (for
 * a library call that failed in an invocation, the kernel's error). SYS_ERR_OK for success. A
 * stack deeper than ERR_STACK_DEPTH has lost its oldest codes: this is the oldest kept.
 */
static inline enum err_code err_root_cause(errval_t err)
{
    while (err_pop(err) != 0) {
        err = err_pop(err);
    }
    return err_no(err);
}

/* Is code anywhere in the stack (the newest or one of its causes)? */
static inline bool err_has(errval_t err, enum err_code code)
{
    if (err_is_ok(err)) {
        return code == SYS_ERR_OK;
    }
    for (; err != 0; err = err_pop(err)) {
        if (err_no(err) == code) {
            return true;
        }
    }
    return false;
}

/* The symbolic name ("SYS_ERR_SLOT_IN_USE") of the newest code. */
const char *err_getcode(errval_t err);

/* The description of the newest code. */
const char *err_getstring(errval_t err);

/*
 * Writes the whole chain, newest first, as
 * "LIB_ERR_CAP_RETYPE (cap_retype failed) <- SYS_ERR_SLOT_IN_USE (...)"
 * into buf (always NUL-terminated when buf_bytes > 0, truncated to fit).
 * Returns the length the full text would have, like snprintf.
 */
size_t err_format(errval_t err, char *buf, size_t buf_bytes);

#endif
