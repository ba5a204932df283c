/* ARMv7 zeroing of physical memory: stores of eight registers, 32 bytes an instruction. */
    .syntax unified
    .arm
    .text

/* void armv7_zero(void *dest, uint32_t bytes): dest word-aligned. Four stores a turn (128
   bytes) keep the loop's subtract and branch to a sixth of the instructions. */
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
    subs    r1, r1, #128
    blo     2f
1:  stmia   r0!, {r2-r9}
    stmia   r0!, {r2-r9}
    stmia   r0!, {r2-r9}
    stmia   r0!, {r2-r9}
    subs    r1, r1, #128
    bhs     1b
2:  add     r1, r1, #128        /* what is left: below 128 bytes */
3:  cmp     r1, #32
    blo     4f
    stmia   r0!, {r2-r9}
    sub     r1, r1, #32
    b       3b
4:  cmp     r1, #0
    beq     5f
    strb    r2, [r0], #1
    sub     r1, r1, #1
    b       4b
5:  pop     {r4-r9}
    bx      lr
    .size armv7_zero, . - armv7_zero
