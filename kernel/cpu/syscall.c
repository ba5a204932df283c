/* System-call entry: decodes the call number and dispatches invocations. */
#include <cspace.h>
#include <kcheck.h>
#include <platform.h>
#include <printk.h>
#include <syscall.h>
#include <translate.h>

static struct sysret sys_debug(const struct dcb *dcb, uintptr_t cmd, uintptr_t arg)
{
    struct sysret ret = {.error = SYS_ERR_ILLEGAL_DEBUG_CMD};
    if (cmd == DEBUG_CHECK_KERNEL) {
        ret.error = kcheck_run(dcb, &ret.value[0]);
    } else if (cmd == DEBUG_TRANSLATE) {
        ret = debug_translate(dcb, arg);
    }
    return ret;
}

struct sysret sys_syscall(struct dcb *dcb, const uintptr_t regs[SYSCALL_REGS])
{
    switch (regs[0]) {
    case SYSCALL_INVOKE:
        return sys_invoke(dcb, regs[1], regs[2], &regs[3]);
    case SYSCALL_PUTCHAR:
        console_putchar_from_domain((char)regs[1]);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_EXIT:
        dispatcher_end(dcb, DISPATCHER_EXITED, regs[1]);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_YIELD:
        sched_yield();
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_WAIT:
        dispatcher_wait(dcb);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_DEBUG:
        return sys_debug(dcb, regs[1], regs[2]);
    default:
        return (struct sysret){.error = SYS_ERR_ILLEGAL_SYSCALL};
    }
}
