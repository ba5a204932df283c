/* The ARMv7 program status the attack domains inspect: mode bits and CPSR (all else: attack.h). */
#ifndef ATTACK_ARMV7_PSR_H
#define ATTACK_ARMV7_PSR_H

#include <stdint.h>

#define PSR_MODE_MASK 0x1fu
#define PSR_MODE_USR 0x10u

static inline uint32_t read_cpsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}

#endif
