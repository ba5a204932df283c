/* What the attack suite aims at from user mode on ARMv7: the kernel image and a hostile entry. */
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

/* A short-descriptor small-page entry: 4 bytes; AP=11 (user read-write), cached, at paddr. */
typedef uint32_t attack_pte_t;
#define ATTACK_HOSTILE_PTE(paddr) ((attack_pte_t)(paddr) | 0x3e)

#endif
