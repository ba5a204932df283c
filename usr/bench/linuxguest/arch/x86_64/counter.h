/* linuxguest's counter on x86-64: rdtsc, which under QEMU's -icount shift=0 counts instructions. */
#ifndef LINUXGUEST_COUNTER_H
#define LINUXGUEST_COUNTER_H

#include <stdint.h>

/* The name the benchmark prints for the counter it reads. */
#define COUNTER_NAME "rdtsc"

/* Under -icount shift=0 QEMU's TSC advances one per virtual ns, one ns per instruction. */
static inline uint64_t counter_read(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Instructions per counter tick: rdtsc already counts in virtual ns. */
static inline uint64_t counter_scale(void)
{
    return 1;
}

/* Runs 2 * n instructions (dec, jnz), the calibration's known quantity. */
static inline void counter_spin(unsigned long n)
{
    __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n)::"cc");
}

#endif
