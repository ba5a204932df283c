/* What the attack suite aims at on ARMv7: the kernel image, half and vectors; a hostile PTE. */
#ifndef ATTACK_TARGETS_H
#define ATTACK_TARGETS_H

#include <stdint.h>

/*
 * kernel/arch/armv7/linker.ld loads the image at physical 0x40100000 and
 * runs it at KERNEL_VBASE (0xC0000000, mapping RAM from 0x40000000) + its
 * offset into RAM: 0xC0100000, in the kernel's half (0x80000000 and up).
 */
#define ATTACK_KERNEL_PADDR UINT64_C(0x40100000)
#define ATTACK_KERNEL_VADDR UINT64_C(0xC0100000)

/* .boot fills the image's first page (linker.ld aligns .text to the next), so text is a page in. */
#define ATTACK_KERNEL_TEXT_VADDR (ATTACK_KERNEL_VADDR + 0x1000)

/* Where the kernel's half begins; the user's half is everything below. */
#define ATTACK_KERNEL_HALF_VADDR UINT64_C(0x80000000)

/* The architecture's high-vectors address: this kernel uses VBAR, but no user write may land. */
#define ATTACK_HIGH_VECTORS_VADDR UINT64_C(0xFFFF0000)

/* A short-descriptor small-page entry: 4 bytes; AP=11 (user read-write), cached, at paddr. */
typedef uint32_t attack_pte_t;
#define ATTACK_HOSTILE_PTE(paddr) ((attack_pte_t)(paddr) | 0x3e)

#endif
