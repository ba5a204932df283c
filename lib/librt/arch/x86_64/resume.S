/* x86-64 user-level dispatch: the run upcall's entry, and resuming the enabled save area. */
#include <dispatcher_arch.h>

    .text
/* The kernel enters here, disabled, with rdi the dispatcher frame and rsp the upcall stack. */
    .globl disp_run_entry
disp_run_entry:
    andq $-16, %rsp
    callq disp_run_upcall
1:  jmp 1b

/* An exception enters here, disabled, with rdi the frame and rsp the exception stack. */
    .globl disp_exception_entry
disp_exception_entry:
    andq $-16, %rsp
    callq disp_exception_upcall
1:  jmp 1b

/*
 * disp_resume(frame): loads every register of frame->enabled_area and continues there, enabled.
 * rflags and rip go on the resumed stack, just below its rsp (domains have no red zone), so
 * that popfq and ret restore them last. (iretq from user mode would do it in one, but QEMU
 * reads its stack as a supervisor access, which SMAP refuses on CPUs that have it.) From the
 * moment disabled is cleared until ret has left, a preempted pc lies in [crit_start,
 * crit_end): the kernel then saves into the disabled area, and the resumed code finishes this.
 */
    .globl disp_resume, disp_resume_crit_start, disp_resume_crit_end
disp_resume:
    leaq DISPATCHER_ENABLED_AREA(%rdi), %rsi
    movq SAVE_AREA_RSP(%rsi), %rax
    subq $16, %rax
    movq SAVE_AREA_RIP(%rsi), %rcx
    movq %rcx, 8(%rax)
    movq SAVE_AREA_RFLAGS(%rsi), %rcx
    movq %rcx, 0(%rax)
    movq %rax, %rsp
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
    popfq
    ret
disp_resume_crit_end:

    .section .note.GNU-stack, "", @progbits
