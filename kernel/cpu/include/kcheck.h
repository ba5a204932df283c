/* The kernel's self-check: every invariant of capability and page-table state, and its text. */
#ifndef KERNEL_KCHECK_H
#define KERNEL_KCHECK_H

#include <dispatch.h>
#include <invocations.h>

/* Records the checksum of the kernel's text and read-only data; called once before init runs. */
void kcheck_boot(void);

/*
 * Checks every invariant of doc/security.md over all live capabilities and
 * tables, and dcb's own copies (dcb may be NULL). Returns KCHECK_OK or the
 * first invariant found broken; *culprit (may be NULL) is then the
 * capability involved, if any.
 */
enum kcheck_invariant kcheck_state(const struct dcb *dcb, const struct cte **culprit);

/*
 * kcheck_state, then the text checksum: SYS_ERR_OK, SYS_ERR_KERNEL_INVARIANT
 * (*detail: the invariant), or SYS_ERR_KERNEL_TEXT_CHANGED.
 */
errval_t kcheck_run(const struct dcb *dcb, uintptr_t *detail);

/* One line on the console saying whether the kernel is intact: "kernel: check: ...". */
void kcheck_report(const struct dcb *dcb);

#endif
