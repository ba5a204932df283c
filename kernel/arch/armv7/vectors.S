/* ARMv7 exception vectors: every exception is handled on the supervisor stack as struct armv7_frame. */

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
 * a pad word (18 words in all, so C is called with an 8-byte aligned stack).
 * \lr_fix is what to subtract from lr to get the address to return to.
 */
.macro SAVE lr_fix
    .if \lr_fix
    sub lr, lr, #\lr_fix
    .endif
    srsdb sp!, #0x13
    cps #0x13
    push {r0-r12}
    sub sp, sp, #12             /* a pad word keeps the stack 8-byte aligned for C (AAPCS) */
    stmib sp, {sp, lr}^
.endm

.macro EXCEPTION name, lr_fix, kind
\name:
    SAVE \lr_fix
    mov r0, sp
    mov r1, #\kind
    bl armv7_exception
    b restore_and_return
.endm

EXCEPTION undef_entry, 4, 1
EXCEPTION prefetch_entry, 4, 3
EXCEPTION data_entry, 8, 4
EXCEPTION reset_entry, 0, 0
EXCEPTION irq_entry, 4, 6

svc_entry:
    SAVE 0
    mov r0, sp
    bl armv7_syscall
    .globl restore_and_return
restore_and_return:
    ldmib sp, {sp, lr}^
    add sp, sp, #12
    pop {r0-r12}
    rfeia sp!

    .section .note.GNU-stack, "", %progbits
