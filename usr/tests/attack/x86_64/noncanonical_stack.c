/* AT308: SYSCALL with a non-canonical stack pointer, which the kernel loads before SYSRET. */
#include <attack.h>

/*
 * The entry path loads the user's RSP in ring 0 just before SYSRET. A non-canonical value
 * there would make any exception in that window fault again on the stack; the kernel must
 * refuse to return to it and end the domain with its fault report.
 */
int main(void)
{
    /* QEMU would fault on such a stack too: the kernel must have said it refused first. */
    attack_expect_kernel_line("refused SYSRET to rip");
    attack_expect_fault("AT308", "SYSCALL with the non-canonical stack pointer "
                                 "0x8000000000000000");
    __asm__ volatile("movq %%rsp, %%rbx\n"
                     "movabsq $0x8000000000000000, %%rsp\n"
                     "syscall\n"
                     "movq %%rbx, %%rsp\n"
                     :
                     : "a"((uintptr_t)SYSCALL_PUTCHAR), "D"((uintptr_t)'!')
                     : "rbx", "rcx", "r11", "memory");
    return attack_survived("AT308", "SYSCALL with a non-canonical stack pointer");
}
