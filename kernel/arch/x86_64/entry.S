/* Exception and system-call entry: save the registers as struct x86_frame, call C, return. */
#include <x86_entry.h>

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

/* Interrupts: the timer (LAPIC or PIT through the PIC), and the spurious vectors of both. */
EXCEPTION 32, 0
EXCEPTION 39, 0
EXCEPTION 255, 0

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

/*
 * An exception keeps DF and AC as the interrupted code had them (only TF, NT, RF and IF are
 * cleared by the CPU), so a domain could make the kernel's string operations run backwards or
 * switch SMAP off. popfq with 0x2 clears them all; clac would #UD on CPUs without SMAP.
 */
exception_common:
    PUSH_REGS
    pushq $X86_RFLAGS_RESERVED
    popfq
    movq %rsp, %rdi
    callq x86_exception         /* a fault ends the domain; the frame is then the next one's */
/* Returns to the frame at rsp with every register it holds: after an exception, an interrupt,
   or a system call that switched domains (sysret would lose rcx and r11). */
    .globl x86_frame_return
x86_frame_return:
    POP_REGS
    addq $16, %rsp
    iretq

/*
 * Both SYSCALL entries (MSR_LSTAR and MSR_CSTAR) arrive with rcx holding the user rip, r11 the
 * user rflags and rsp still the user's, so they switch stacks and build struct x86_frame the
 * same way; one macro keeps the two from drifting apart. It leaves rdi pointing at the frame.
 * cs is the user code selector recorded in the frame, rip_back how far before rcx the recorded
 * rip lies, vector what the frame's vector field says. SFMASK has cleared every flag (see
 * x86_entry.h), so interrupts stay off and one kernel stack will do; cld repeats SFMASK's DF so
 * the C code never depends on an MSR.
 */
.macro SYSCALL_FRAME cs, rip_back, vector
    movq %rsp, syscall_user_rsp(%rip)
    movq tss_kernel_rsp(%rip), %rsp
    cld
    pushq $USER_SS
    pushq syscall_user_rsp(%rip)
    pushq %r11                  /* rflags */
    pushq $\cs
    pushq %rcx                  /* rip */
    .if \rip_back
    subq $\rip_back, (%rsp)
    .endif
    pushq $0                    /* error code */
    pushq $\vector
    PUSH_REGS
    movq %rsp, %rdi
.endm

/* syscall from 64-bit mode (MSR_LSTAR). */
    .globl x86_syscall_entry
x86_syscall_entry:
    SYSCALL_FRAME USER_CS, 0, -1 /* vector -1: a system call */
    callq x86_syscall
    testb %al, %al              /* another domain's registers (or the same one's upcall)? */
    jnz x86_frame_return
    /*
     * SYSRET loads rip from rcx without a canonical check on Intel until it is back in user
     * mode: a non-canonical rcx raises #GP in ring 0 with the user's rsp already loaded. So
     * the return frame is checked here, the last point where the kernel still owns the stack:
     * rip and rsp must lie in the lower half, and rflags is cut to what a domain may set.
     */
    movq X86_FRAME_RIP(%rsp), %rax
    shrq $X86_USER_TOP_SHIFT, %rax
    jnz bad_return
    movq X86_FRAME_RSP(%rsp), %rax
    shrq $X86_USER_TOP_SHIFT, %rax
    jnz bad_return
    andq $X86_USER_FLAGS, X86_FRAME_RFLAGS(%rsp)
    orq $(X86_RFLAGS_RESERVED | X86_RFLAGS_IF), X86_FRAME_RFLAGS(%rsp)
    POP_REGS
    addq $16, %rsp
    popq %rcx                   /* rip */
    addq $8, %rsp
    popq %r11                   /* rflags */
    popq %rsp                   /* the user's stack: canonical, checked above */
    sysretq
bad_return:
    movq %rsp, %rdi
    callq x86_syscall_bad_return /* ends the domain with a fault report; the next one runs */
    jmp x86_frame_return

/*
 * syscall from compatibility mode (MSR_CSTAR). Domains have no 32-bit code segment, so this is
 * reached only if one appears; AMD (and QEMU) enter here, Intel raises #UD instead. The stub
 * gives both the same outcome: it leaves the user's stack exactly as the 64-bit path does and
 * ends the domain with the report of an invalid opcode at the syscall instruction (rcx - 2).
 * Returning is not an option: SYSRET to 32-bit mode would need the 32-bit segment.
 */
    .globl x86_compat_syscall_entry
x86_compat_syscall_entry:
    /* rip - 2: the syscall instruction itself; vector 6: invalid opcode, as Intel reports it */
    SYSCALL_FRAME USER_COMPAT_CS, 2, 6
    callq x86_user_fault        /* ends the domain; the next one runs */
    jmp x86_frame_return

    .data
    .globl tss_kernel_rsp
syscall_user_rsp:
    .quad 0
tss_kernel_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
