/* A domain's first instruction on x86-64: align the stack, start the runtime (rdi: the
   dispatcher frame), which runs main and exits with its status. */
    .text
    .globl _start
_start:
    andq $-16, %rsp
    xorl %ebp, %ebp
    callq librt_start
1:  jmp 1b

    .section .note.GNU-stack, "", @progbits
