/* The boot seed for the kernel's secret choices: RDSEED or RDRAND where the CPU has them. */
#include <mix.h>
#include <printk.h>
#include <stdbool.h>
#include <stdint.h>
#include <x86.h>
#include <x86_cpu.h>

/* One hardware random word; the instructions may fail transiently, so a few tries. */
static bool hardware_random(bool use_rdseed, uint64_t *word)
{
    for (int attempt = 0; attempt < 32; attempt++) {
        uint8_t ok;
        if (use_rdseed) {
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*word), "=qm"(ok));
        } else {
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*word), "=qm"(ok));
        }
        if (ok) {
            return true;
        }
    }
    return false;
}

/*
 * A domain can read the time-stamp counter, so on a CPU without RDSEED and
 * RDRAND (QEMU's qemu64) the seed is only as secret as the boot's timing;
 * the boot line says which source was used, never a value.
 */
uint64_t x86_boot_seed(void)
{
    uint32_t regs[4];
    cpuid(1, 0, regs);
    bool rdrand = (regs[2] >> 30) & 1;
    cpuid(0, 0, regs);
    bool rdseed = false;
    if (regs[0] >= 7) {
        cpuid(7, 0, regs);
        rdseed = (regs[1] >> 18) & 1;
    }
    uint64_t state = mix64(0, rdtsc());
    uint64_t word;
    bool hardware = (rdseed || rdrand) && hardware_random(rdseed, &word);
    if (hardware) {
        state = mix64(state, word);
    }
    printk("kernel: index seed from %s\n",
           hardware ? (rdseed ? "RDSEED" : "RDRAND")
                    : "the time-stamp counter only (no RDSEED/RDRAND: predictable)");
    return mix64(state, rdtsc());
}
