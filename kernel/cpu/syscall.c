/* System-call entry: decodes the call number and dispatches invocations. */
#include <cspace.h>
#include <syscall.h>

struct dcb *dcb_current;

struct sysret sys_syscall(struct dcb *dcb, const uintptr_t regs[SYSCALL_REGS])
{
    switch (regs[0]) {
    case SYSCALL_INVOKE:
        return sys_invoke(dcb, regs[1], regs[2], &regs[3]);
    default:
        return (struct sysret){.error = SYS_ERR_ILLEGAL_SYSCALL};
    }
}
