/* AT301: reach compatibility mode through a 32-bit user code segment and SYSCALL from there. */
#include <attack.h>

/*
 * GDT slot 3 (selector 0x1b with RPL 3) is where SYSRET's layout puts the 32-bit user code
 * segment. If it is usable, the far return lands in compatibility mode and the SYSCALL there
 * enters the kernel through MSR_CSTAR (AMD, and QEMU whatever the model; Intel raises #UD).
 * Either way the domain must end with a fault report and the kernel must live on.
 */
int main(void)
{
    attack_expect_fault("AT301", "far return to the 32-bit user code selector 0x1b, then SYSCALL "
                                 "in compatibility mode");
    __asm__ volatile("pushq $0x1b\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     ".code32\n"
                     "1: movl $2, %%eax\n" /* SYSCALL_PUTCHAR */
                     "movl $0x21, %%edi\n"
                     "syscall\n"
                     "ud2\n" /* if the kernel ever returns here, end by a fault anyway */
                     ".code64\n"
                     :
                     :
                     : "rax", "rcx", "rdi", "r11", "memory");
    return attack_survived("AT301", "the compatibility-mode SYSCALL");
}
