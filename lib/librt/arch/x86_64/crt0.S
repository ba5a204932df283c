/* A domain's first instruction on x86-64: align the stack, run main, exit with its status. */
    .text
    .globl _start
_start:
    andq $-16, %rsp
    xorl %ebp, %ebp
    callq main
    movq %rax, %rdi
    callq exit
1:  jmp 1b

    .section .note.GNU-stack, "", @progbits
