/* The raw system calls a domain makes, and the few that are not invocations. */
#ifndef LIBCAP_SYSCALLS_H
#define LIBCAP_SYSCALLS_H

#include <invocations.h>

/* The platform's trap: regs as in include/invocations.h (host: a call into the hosted kernel). */
struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS]);

/* Writes one character to the kernel console. */
void sys_putchar(char c);

/* Ends the domain with status (0: success). */
void sys_exit(uint64_t status);

/*
 * Asks the kernel to check itself (DEBUG_CHECK_KERNEL): SYS_ERR_OK, or
 * SYS_ERR_KERNEL_INVARIANT with the invariant's number in *detail, or
 * SYS_ERR_KERNEL_TEXT_CHANGED. detail may be NULL.
 */
errval_t sys_debug_check_kernel(uintptr_t *detail);

#endif
