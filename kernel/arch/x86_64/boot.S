/* Multiboot entry: builds the first page tables in 32-bit mode and enters long mode. */
#include <x86_entry.h>
#include <x86_layout.h>

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 0) | (1 << 1)) /* page-aligned modules, memory map */

    .section .boot, "ax"
    .code32
    .align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .globl _start32
_start32:
    movl %eax, boot_mb_magic
    movl %ebx, boot_mb_info
    movl $boot_stack_top, %esp

    /* Four page directories of 2 MiB pages map the first 4 GiB. */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                 /* present, writable, 2 MiB */
    movl %eax, (%edi, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* bits 32+ of the physical address */
    movl %eax, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b

    /* PDPT entries for low identity (1 GiB), the direct map (4 GiB) and the kernel image. */
    movl $boot_pdpt_low, %edi
    movl $boot_pd + 0x3, (%edi)
    movl $boot_pdpt_direct, %edi
    movl $boot_pd + 0x3, 0(%edi)
    movl $boot_pd + 0x1003, 8(%edi)
    movl $boot_pd + 0x2003, 16(%edi)
    movl $boot_pd + 0x3003, 24(%edi)
    movl $boot_pdpt_high, %edi
    movl $boot_pd + 0x3, 510 * 8(%edi)

    movl $boot_pml4, %edi
    movl $boot_pdpt_low + 0x3, 0(%edi)
    movl $boot_pdpt_direct + 0x3, PML4_DIRECT_SLOT * 8(%edi)
    movl $boot_pdpt_high + 0x3, 511 * 8(%edi)

    movl %edi, %cr3
    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    /* EFER: long mode, syscall, and no-execute if CPUID 0x80000001 EDX[20] says the CPU has it
       (setting NXE without it raises #GP; x86_protect_init refuses to run on such a CPU). */
    movl $0x80000001, %eax
    cpuid
    xorl %esi, %esi
    testl $(1 << 20), %edx
    jz 3f
    movl $(1 << 11), %esi
3:  movl $0xC0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 0)), %eax
    orl %esi, %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax /* paging, write-protect */
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    /* The kernel's main runs below the first domain's frame, which it builds at the top. */
    movabsq $kernel_stack_top - X86_FRAME_BYTES, %rsp
    movl boot_mb_magic, %edi
    movl boot_mb_info, %esi
    movabsq $x86_kernel_main, %rax
    callq *%rax
2:  hlt
    jmp 2b

    .align 16
boot_gdt:
    .quad 0
    .quad 0x00209A0000000000        /* 64-bit code */
    .quad 0x0000920000000000        /* data */
boot_gdt_pointer:
    .word boot_gdt_pointer - boot_gdt - 1
    .long boot_gdt

    .globl boot_mb_magic, boot_mb_info
boot_mb_magic:
    .long 0
boot_mb_info:
    .long 0

    .section .boot.bss, "aw", @nobits
    .align 4096
    .globl boot_pml4, boot_pdpt_high, boot_pd
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_direct:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .skip 4096
boot_stack_top:

    .section .bss
    .align 16
    .skip 16384
    .globl kernel_stack_top
kernel_stack_top:

    .section .note.GNU-stack, "", @progbits
