/* The architecture-independent system-call entry, reached from each platform's trap path. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <dispatch.h>
#include <invocations.h>

/*
 * Handles one system call of dcb. regs holds the words a trap carries:
 * regs[0] the call number, then for SYSCALL_INVOKE the invoked capability
 * address, the command and INVOKE_ARGS arguments.
 */
struct sysret sys_syscall(struct dcb *dcb, const uintptr_t regs[SYSCALL_REGS]);

/* Invokes the capability at invoked in dcb's CSpace with command cmd. */
struct sysret sys_invoke(struct dcb *dcb, uint64_t invoked, uint64_t cmd,
                         const uintptr_t args[INVOKE_ARGS]);

#endif
