/* The hosted system-call stub: the same words a trap would carry, passed to the hosted kernel. */
#include <host_machine.h>
#include <libcap/invoke.h>

struct sysret syscall_invoke(capaddr_t invoked, enum invocation_cmd cmd,
                             const uintptr_t args[INVOKE_ARGS])
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_INVOKE, invoked, cmd};
    for (int i = 0; i < INVOKE_ARGS; i++) {
        regs[3 + i] = args[i];
    }
    return host_syscall(regs);
}
