/* AT302: SYSCALL with the trap flag set, so that a single-step trap would strike in ring 0. */
#include "rflags.h"
#include <attack.h>
#include <stdio.h>

/*
 * The trap flag is set by popf just before SYSCALL. If the kernel does not mask TF on entry,
 * #DB strikes at the kernel's first instruction, still on the user's stack. Masked, the
 * kernel runs untraced; SYSRET gives the domain its own flags back and the single-step trap
 * lands in user mode, where it ends the domain with the standard fault report.
 */
int main(void)
{
    attack_expect_fault("AT302", "SYSCALL with the trap flag set: the single-step trap must not "
                                 "strike the kernel");
    uintptr_t rax = SYSCALL_PUTCHAR;
    uintptr_t rdi = '.';
    __asm__ volatile("pushfq\n"
                     "orq %[tf], (%%rsp)\n"
                     "popfq\n"
                     "syscall\n"
                     "nop\n"
                     "pushfq\n"
                     "andq %[no_tf], (%%rsp)\n"
                     "popfq\n"
                     : "+a"(rax), "+D"(rdi)
                     : [tf] "i"(ATTACK_RFLAGS_TF), [no_tf] "i"(~ATTACK_RFLAGS_TF)
                     : "rcx", "rsi", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
                       "memory");
    printf("\n");
    return attack_survived("AT302", "SYSCALL with TF set");
}
