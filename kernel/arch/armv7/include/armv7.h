/* ARMv7-A system registers and barriers the kernel needs, one static inline each. */
#ifndef ARMV7_H
#define ARMV7_H

#include <stdint.h>

#define CP15_READ(name, op1, crn, crm, op2)                                                        \
    static inline uint32_t read_##name(void)                                                       \
    {                                                                                              \
        uint32_t v;                                                                                \
        __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v));            \
        return v;                                                                                  \
    }

CP15_READ(dfsr, 0, c5, c0, 0)
CP15_READ(ifsr, 0, c5, c0, 1)
CP15_READ(dfar, 0, c6, c0, 0)
CP15_READ(ifar, 0, c6, c0, 2)
CP15_READ(ttbr0, 0, c2, c0, 0)
CP15_READ(id_mmfr0, 0, c0, c1, 4)
CP15_READ(ctr, 0, c0, c0, 1)

static inline void write_ttbr0(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0\n isb" : : "r"(v) : "memory");
}

static inline void dsb(void)
{
    __asm__ volatile("dsb" : : : "memory");
}

static inline void isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

/* TLB maintenance: one page for every ASID, or everything. */
static inline void tlb_invalidate_mva_all_asids(uint32_t vaddr)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 3" : : "r"(vaddr) : "memory");
}

static inline void tlb_invalidate_all(void)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
}

/* Cleans the data cache line holding vaddr to the point of coherency. */
static inline void dcache_clean_mva(uint32_t vaddr)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c10, 1" : : "r"(vaddr) : "memory");
}

#endif
