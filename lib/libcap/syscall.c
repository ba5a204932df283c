/* System calls built on the platform's raw trap: putchar, exit, yield, wait, debug. */
#include <libcap/invoke.h>
#include <libcap/syscalls.h>

void sys_putchar(char c)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_PUTCHAR, (unsigned char)c};
    syscall_raw(regs);
}

void sys_exit(uint64_t status)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_EXIT, (uintptr_t)status};
    syscall_raw(regs);
}

void sys_yield(void)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_YIELD};
    syscall_raw(regs);
}

void sys_wait(void)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_WAIT};
    syscall_raw(regs);
}

errval_t sys_debug_check_kernel(uintptr_t *detail)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, DEBUG_CHECK_KERNEL};
    struct sysret ret = syscall_raw(regs);
    if (detail != NULL) {
        *detail = ret.value[0];
    }
    return ret.error;
}

errval_t sys_debug_translate(uint64_t vaddr, struct debug_translation *ret)
{
    if ((uintptr_t)vaddr != vaddr) {
        return SYS_ERR_TRANSLATE_NOT_USER; /* above what a 32-bit domain can even name */
    }
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, DEBUG_TRANSLATE, (uintptr_t)vaddr};
    struct sysret r = syscall_raw(regs);
    if (err_is_ok(r.error)) {
        *ret = (struct debug_translation){
            .level = DEBUG_TRANSLATE_LEVEL(r.value[0]),
            .present = (r.value[0] & DEBUG_TRANSLATE_PRESENT) != 0,
            .bytes = (gensize_t)1 << DEBUG_TRANSLATE_LOG2(r.value[0]),
            .paddr = r.value[1],
            .flags = (vregion_flags_t)r.value[2],
            .entry = r.value[3],
        };
    }
    return r.error;
}
