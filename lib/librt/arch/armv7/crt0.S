/* A domain's first instruction on ARMv7: align the stack, start the runtime (r0: the dispatcher
   frame), which runs main and exits with its status. */
    .text
    .arm
    .globl _start
_start:
    bic sp, sp, #7
    mov fp, #0
    bl librt_start
1:  b 1b

    .section .note.GNU-stack, "", %progbits
