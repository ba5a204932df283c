/* linuxguest's counter on ARMv7: the generic timer's virtual count (CNTVCT), open to user space. */
#ifndef LINUXGUEST_COUNTER_H
#define LINUXGUEST_COUNTER_H

#include <stdint.h>

/* The name the benchmark prints for the counter it reads. */
#define COUNTER_NAME "CNTVCT x (1e9 / CNTFRQ)"

/* Linux sets CNTKCTL.PL0VCTEN for its vDSO, so user space may read the virtual count. */
static inline uint64_t counter_read(void)
{
    uint32_t lo, hi;
    __asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/*
 * The count ticks at CNTFRQ; under -icount shift=0 the virtual clock runs one ns per
 * instruction, so one tick is 1e9 / CNTFRQ instructions (QEMU's 62.5 MHz: 16).
 */
static inline uint64_t counter_scale(void)
{
    uint32_t freq;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(freq));
    return freq ? 1000000000u / freq : 0;
}

/* Runs 2 * n instructions (subs, bne), the calibration's known quantity. */
static inline void counter_spin(unsigned long n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n)::"cc");
}

#endif
