/* Exception and system-call entry: save the registers as struct x86_frame, call C, return. */
#include <x86_layout.h>

    .text

/* Exceptions 0-31: push a zero error code where the CPU pushes none, then the vector. */
.macro EXCEPTION vector, has_error
    .globl x86_exception_\vector
x86_exception_\vector:
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vector
    jmp exception_common
.endm

EXCEPTION 0, 0
EXCEPTION 1, 0
EXCEPTION 2, 0
EXCEPTION 3, 0
EXCEPTION 4, 0
EXCEPTION 5, 0
EXCEPTION 6, 0
EXCEPTION 7, 0
EXCEPTION 8, 1
EXCEPTION 9, 0
EXCEPTION 10, 1
EXCEPTION 11, 1
EXCEPTION 12, 1
EXCEPTION 13, 1
EXCEPTION 14, 1
EXCEPTION 15, 0
EXCEPTION 16, 0
EXCEPTION 17, 1
EXCEPTION 18, 0
EXCEPTION 19, 0
EXCEPTION 20, 0
EXCEPTION 21, 1

    .section .rodata
    .globl x86_exception_stubs
x86_exception_stubs:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21
    .quad x86_exception_\n
    .endr
    .text

.macro PUSH_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

exception_common:
    PUSH_REGS
    movq %rsp, %rdi
    callq x86_exception         /* does not return for faults it cannot resolve */
    POP_REGS
    addq $16, %rsp
    iretq

/*
 * syscall: rcx holds the user rip, r11 the user rflags, rsp is still the
 * user's. Interrupts stay off (SFMASK clears IF), so one kernel stack will do.
 */
    .globl x86_syscall_entry
x86_syscall_entry:
    movq %rsp, syscall_user_rsp(%rip)
    movq tss_kernel_rsp(%rip), %rsp
    pushq $0                    /* ss */
    pushq syscall_user_rsp(%rip)
    pushq %r11                  /* rflags */
    pushq $0                    /* cs */
    pushq %rcx                  /* rip */
    pushq $0                    /* error code */
    pushq $-1                   /* vector: a system call */
    PUSH_REGS
    movq %rsp, %rdi
    callq x86_syscall
    POP_REGS
    addq $16, %rsp
    popq %rcx                   /* rip */
    addq $8, %rsp
    popq %r11                   /* rflags */
    popq %rsp                   /* the user's stack */
    sysretq

    .data
    .globl tss_kernel_rsp
syscall_user_rsp:
    .quad 0
tss_kernel_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
