/* A digest of the hosted kernel's state, to show that a refused system call changed nothing. */
#ifndef FUZZ_KSTATE_H
#define FUZZ_KSTATE_H

#include <errors/errno.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Folds every live capability (its slot, type, rights, object and mapping
 * record, in index order) and the entries of every live page table into one
 * word: equal before and after a call when the call changed no capability,
 * record or entry.
 */
uint64_t kstate_digest(void);

/*
 * What every answer of the kernel must be: one kernel error code of the
 * table, and, when the call was refused or only read (changed_nothing),
 * the digest still before. what names the call in a finding.
 */
void kstate_check_answer(errval_t err, uint64_t before, bool changed_nothing, const char *what);

#endif
