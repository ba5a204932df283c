/* ARMv7 exception vectors: every exception is handled on the supervisor stack as struct armv7_frame. */

#define PSR_MODE_MASK 0x1f
#define PSR_MODE_USR 0x10
#define PSR_F (1 << 6)
#define PSR_I (1 << 7)
#define PSR_A (1 << 8)
#define PSR_J (1 << 24)
#define FRAME_CPSR (17 * 4)

    .text
    .arm
    .align 5
    .globl vectors
vectors:
    b reset_entry
    b undef_entry
    b svc_entry
    b prefetch_entry
    b data_entry
    b reset_entry
    b irq_entry
    b irq_entry

/*
 * Saves the interrupted context: the return address and SPSR (srs, onto the
 * supervisor stack whatever the mode), r0-r12, the user-mode sp and lr, and
 * the supervisor lr (18 words in all): the interrupted kernel's lr when the
 * exception struck in the kernel, which its report needs.
 * \lr_fix is what to subtract from lr to get the address to return to.
 */
.macro SAVE lr_fix
    .if \lr_fix
    sub lr, lr, #\lr_fix
    .endif
    srsdb sp!, #0x13
    cps #0x13
    push {r0-r12}
    sub sp, sp, #12
    stmib sp, {sp, lr}^
    str lr, [sp]
.endm

/*
 * Calls \fn(frame, r1) with an 8-byte aligned stack, as AAPCS requires (64-bit
 * varargs are read from 8-byte slots). From user mode the stack is aligned
 * already; in the kernel the exception may strike where a leaf function left
 * it 4 bytes off, so the frame's address is kept in r4 (callee-saved, and
 * restored from the frame later) and sp is rounded down around the call.
 */
.macro CALL_C fn
    mov r0, sp
    mov r4, sp
    bic sp, sp, #7
    bl \fn
    mov sp, r4
.endm

.macro EXCEPTION name, lr_fix, kind
\name:
    SAVE \lr_fix
    mov r1, #\kind
    CALL_C armv7_exception
    b restore_and_return
.endm

EXCEPTION undef_entry, 4, 1
EXCEPTION prefetch_entry, 4, 3
EXCEPTION data_entry, 8, 4
EXCEPTION reset_entry, 0, 0
EXCEPTION irq_entry, 4, 6

svc_entry:
    SAVE 0
    CALL_C armv7_syscall
/*
 * The only way back to a domain. Whatever the frame says, the domain resumes
 * in user mode with IRQs on (the timer preempts it), FIQs masked, Jazelle
 * off and asynchronous aborts unmasked: a forged or corrupted saved PSR can
 * never return into a privileged mode. Its own bits (flags, GE, E, T, IT)
 * are kept. The frame may be another domain's than the one that entered.
 */
    .globl restore_and_return
restore_and_return:
    ldr r0, [sp, #FRAME_CPSR]
    bic r0, r0, #PSR_MODE_MASK
    bic r0, r0, #PSR_A
    bic r0, r0, #PSR_J
    bic r0, r0, #PSR_I
    orr r0, r0, #(PSR_MODE_USR | PSR_F)
    str r0, [sp, #FRAME_CPSR]
    ldmib sp, {sp, lr}^
    add sp, sp, #12
    pop {r0-r12}
    rfeia sp!

    .section .note.GNU-stack, "", %progbits
