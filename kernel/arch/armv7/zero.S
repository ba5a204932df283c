/* ARMv7 zeroing of physical memory: stores of eight registers, 32 bytes an instruction. */
    .syntax unified
    .arm
    .text

/* void armv7_zero(void *dest, uint32_t bytes): dest word-aligned */
    .global armv7_zero
    .type armv7_zero, %function
armv7_zero:
    push    {r4-r9}
    mov     r2, #0
    mov     r3, #0
    mov     r4, #0
    mov     r5, #0
    mov     r6, #0
    mov     r7, #0
    mov     r8, #0
    mov     r9, #0
1:  cmp     r1, #32
    blo     2f
    stmia   r0!, {r2-r9}
    sub     r1, r1, #32
    b       1b
2:  cmp     r1, #0
    beq     3f
    strb    r2, [r0], #1
    sub     r1, r1, #1
    b       2b
3:  pop     {r4-r9}
    bx      lr
    .size armv7_zero, . - armv7_zero
