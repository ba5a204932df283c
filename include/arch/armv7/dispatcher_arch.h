/* The ARMv7 save area of a dispatcher frame: a domain's registers while it is not running. */
#ifndef DISPATCHER_ARCH_H
#define DISPATCHER_ARCH_H

/* Offsets for a domain's resume code (lib/librt), checked against the structs below. */
#define DISPATCHER_DISABLED 0
#define DISPATCHER_ENABLED_AREA 40
#define SAVE_AREA_PC 60
#define SAVE_AREA_CPSR 64

#ifndef __ASSEMBLY__
#include <stdint.h>

/* A word of the dispatcher frame: as wide as the domain's registers. */
typedef uint32_t dispatcher_word_t;

/*
 * r0-r12, sp, lr, pc and the CPSR (only its flags mean anything to a
 * domain). The order is the ABI: the kernel writes and reads it, and a
 * domain's resume code loads r0-r15 from it with one instruction.
 */
struct dispatcher_save_area {
    uint32_t r[13];
    uint32_t sp, lr, pc, cpsr;
};

_Static_assert(__builtin_offsetof(struct dispatcher_save_area, pc) == SAVE_AREA_PC &&
                   __builtin_offsetof(struct dispatcher_save_area, cpsr) == SAVE_AREA_CPSR,
               "resume code offsets");

/* A fresh context: pc with sp, and arg in the first argument register (user mode, ARM). */
static inline void save_area_start(struct dispatcher_save_area *a, uint32_t pc, uint32_t sp,
                                   uint32_t arg)
{
    *a = (struct dispatcher_save_area){.pc = pc, .sp = sp, .r = {arg}, .cpsr = 0x10};
}

static inline uint32_t save_area_pc(const struct dispatcher_save_area *a)
{
    return a->pc;
}

static inline uint32_t save_area_sp(const struct dispatcher_save_area *a)
{
    return a->sp;
}

/*
 * Can the domain's own resume code (lib/librt) continue this context? Not inside a Thumb IT
 * block: user mode cannot restore the IT state (CPSR bits 10-15, 25-26), so the kernel resumes
 * such a context itself. The Thumb bit it can: the resume code sets bit 0 of the pc it loads.
 */
static inline int save_area_user_resumable(const struct dispatcher_save_area *a)
{
    return (a->cpsr & UINT32_C(0x0600fc00)) == 0;
}
#endif /* __ASSEMBLY__ */

#endif
