/* ARMv7 entry on QEMU virt: the first page table in sections, caches and MMU on, into the kernel. */
#include <armv7_layout.h>

#define SECTION_NORMAL 0x1140e /* shareable, TEX=001 C=1 B=1: write-back; AP=01: kernel only */
#define SECTION_DEVICE 0x00416 /* TEX=000 C=0 B=1: shareable device; AP=01; XN */

    .section .boot, "ax"
    .arm
    .globl _start
_start:
    cpsid aif
    ldr sp, =boot_stack_top

    /* Identity and kernel views of 1 GiB of RAM, and 256 MiB of devices, all in sections. */
    ldr r0, =boot_l1
    mov r1, #0                          /* section index */
1:  mov r2, r1, lsl #20
    add r2, r2, #RAM_PBASE
    ldr r3, =SECTION_NORMAL
    orr r3, r2, r3
    add r4, r1, #(RAM_PBASE >> 20)
    str r3, [r0, r4, lsl #2]            /* identity */
    add r4, r1, #(KERNEL_VBASE >> 20)
    str r3, [r0, r4, lsl #2]            /* kernel view */
    add r1, r1, #1
    cmp r1, #1024
    bne 1b
    mov r1, #0
2:  mov r2, r1, lsl #20
    ldr r3, =SECTION_DEVICE
    orr r3, r2, r3
    add r4, r1, #(DEVICE_VBASE >> 20)
    str r3, [r0, r4, lsl #2]
    add r1, r1, #1
    cmp r1, #256
    bne 2b

    mov r1, #0
    mcr p15, 0, r1, c2, c0, 2           /* TTBCR: TTBR0 for everything */
    mcr p15, 0, r0, c2, c0, 0           /* TTBR0: walks uncached, so table writes get cleaned */
    ldr r1, =0x55555555
    mcr p15, 0, r1, c3, c0, 0           /* DACR: every domain a client (permissions checked) */
    mcr p15, 0, r1, c8, c7, 0           /* invalidate the TLB */
    dsb
    mrc p15, 0, r1, c1, c0, 0           /* SCTLR */
    bic r1, r1, #(1 << 1)               /* no alignment faults */
    bic r1, r1, #(1 << 28)              /* no TEX remap */
    bic r1, r1, #(1 << 29)              /* no access flag */
    orr r1, r1, #(1 << 0)               /* MMU */
    orr r1, r1, #(1 << 2)               /* data cache */
    orr r1, r1, #(1 << 11)              /* branch prediction */
    orr r1, r1, #(1 << 12)              /* instruction cache */
    mcr p15, 0, r1, c1, c0, 0
    isb
    ldr pc, =armv7_start_high

    .section .boot.bss, "aw", %nobits
    .align 14
    .globl boot_l1
boot_l1:
    .skip 16384
    .skip 4096
boot_stack_top:

    .text
armv7_start_high:
    ldr r0, =vectors
    mcr p15, 0, r0, c12, c0, 0          /* VBAR */
    cps #0x17                            /* abort mode: a small stack of its own */
    ldr sp, =exception_stack_top
    cps #0x1b                            /* undefined mode */
    ldr sp, =exception_stack_top
    cps #0x13                            /* back to supervisor mode */
    /* The kernel's main runs below the first domain's frame (72 bytes), built at the top. */
    ldr sp, =kernel_stack_top - 72
    bl armv7_kernel_main
3:  b 3b

    .bss
    .align 3
    .skip 16384
    .globl kernel_stack_top
kernel_stack_top:
    .skip 1024
exception_stack_top:

    .section .note.GNU-stack, "", %progbits
