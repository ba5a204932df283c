/* System-call entry: decodes the call number and dispatches invocations. */
#include <cspace.h>
#include <platform.h>
#include <printk.h>
#include <syscall.h>

struct dcb *dcb_current;

struct sysret sys_syscall(struct dcb *dcb, const uintptr_t regs[SYSCALL_REGS])
{
    switch (regs[0]) {
    case SYSCALL_INVOKE:
        return sys_invoke(dcb, regs[1], regs[2], &regs[3]);
    case SYSCALL_PUTCHAR:
        platform_console_putchar((char)regs[1]);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_EXIT:
        platform_domain_exit(dcb, regs[1]);
        return (struct sysret){.error = SYS_ERR_OK};
    default:
        return (struct sysret){.error = SYS_ERR_ILLEGAL_SYSCALL};
    }
}
