/* A domain's first instruction on ARMv7: run main with an aligned stack, exit with its status. */
    .text
    .arm
    .globl _start
_start:
    bic sp, sp, #7
    mov fp, #0
    bl main
    bl exit
1:  b 1b

    .section .note.GNU-stack, "", %progbits
