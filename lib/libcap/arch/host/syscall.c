/* The hosted trap: the same words a hardware system call carries, passed to the hosted kernel. */
#include <host_machine.h>
#include <libcap/invoke.h>
#include <libcap/syscalls.h>

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    return host_syscall(regs);
}

struct sysret syscall_invoke(capaddr_t invoked, enum invocation_cmd cmd,
                             const uintptr_t args[INVOKE_ARGS])
{
    uintptr_t regs[SYSCALL_REGS];
    invoke_words(regs, invoked, cmd, args);
    return host_syscall(regs);
}
