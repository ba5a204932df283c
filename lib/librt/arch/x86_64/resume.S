/* x86-64 user-level dispatch: the run upcall's entry, and resuming the enabled save area. */
#include <dispatcher_arch.h>

    .text
/* The kernel enters here, disabled, with rdi the dispatcher frame and rsp the upcall stack. */
    .globl disp_run_entry
disp_run_entry:
    andq $-16, %rsp
    callq disp_run_upcall
1:  jmp 1b

/*
 * disp_resume(frame): loads every register of frame->enabled_area and continues there, enabled.
 * iretq (allowed from user to user mode) restores rip, rflags and rsp together. From the
 * moment disabled is cleared until iretq has left, a preempted pc lies in [crit_start,
 * crit_end): the kernel then saves into the disabled area, and the resumed code finishes this.
 */
    .globl disp_resume, disp_resume_crit_start, disp_resume_crit_end
disp_resume:
    leaq DISPATCHER_ENABLED_AREA(%rdi), %rsi
    movl %ss, %eax
    pushq %rax
    pushq SAVE_AREA_RSP(%rsi)
    pushq SAVE_AREA_RFLAGS(%rsi)
    movl %cs, %eax
    pushq %rax
    pushq SAVE_AREA_RIP(%rsi)
disp_resume_crit_start:
    movq $0, DISPATCHER_DISABLED(%rdi)
    movq 0(%rsi), %rax
    movq 8(%rsi), %rbx
    movq 16(%rsi), %rcx
    movq 24(%rsi), %rdx
    movq 40(%rsi), %rdi
    movq 48(%rsi), %rbp
    movq 64(%rsi), %r8
    movq 72(%rsi), %r9
    movq 80(%rsi), %r10
    movq 88(%rsi), %r11
    movq 96(%rsi), %r12
    movq 104(%rsi), %r13
    movq 112(%rsi), %r14
    movq 120(%rsi), %r15
    movq SAVE_AREA_RSI(%rsi), %rsi
    iretq
disp_resume_crit_end:

    .section .note.GNU-stack, "", @progbits
