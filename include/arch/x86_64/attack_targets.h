/* What the attack suite aims at from user mode on x86-64: the kernel image and a hostile entry. */
#ifndef ATTACK_TARGETS_H
#define ATTACK_TARGETS_H

#include <stdint.h>

/*
 * kernel/arch/x86_64/linker.ld loads the image at physical 0x100000 and
 * runs it at KERNEL_IMAGE_VBASE (0xFFFFFFFF80000000) + that address.
 */
#define ATTACK_KERNEL_PADDR UINT64_C(0x100000)
#define ATTACK_KERNEL_VADDR UINT64_C(0xFFFFFFFF80100000)

/* A leaf page-table entry: 8 bytes; present, writable, user, pointing at paddr. */
typedef uint64_t attack_pte_t;
#define ATTACK_HOSTILE_PTE(paddr) ((attack_pte_t)(paddr) | 0x7)

#endif
