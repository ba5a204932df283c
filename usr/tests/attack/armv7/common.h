/* Shared by the ARMv7 attack domains: result lines, the kernel's self-check, addresses to aim at.
 */
#ifndef ATTACK_ARMV7_COMMON_H
#define ATTACK_ARMV7_COMMON_H

#include <libcap/syscalls.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The kernel's half on QEMU virt (kernel/arch/armv7/include/armv7_layout.h): text near its start.
 */
#define KERNEL_TEXT_VADDR 0xc0101000u
#define KERNEL_HALF_VADDR 0x80000000u
#define HIGH_VECTORS_VADDR 0xffff0000u

#define PSR_MODE_MASK 0x1fu
#define PSR_MODE_USR 0x10u

static int attack_passed, attack_failed;

static inline void attack_result(bool ok, const char *id, const char *desc, const char *why)
{
    if (ok) {
        printf("PASS %s %s\n", id, desc);
        attack_passed++;
    } else {
        printf("FAIL %s %s: %s\n", id, desc, why);
        attack_failed++;
    }
}

/* After an attack the domain survived: the kernel's own check. */
static inline void attack_check_kernel(const char *id)
{
    uintptr_t detail = 0;
    errval_t err = sys_debug_check_kernel(&detail);
    if (err_is_fail(err)) {
        printf("FAIL %s the kernel's self-check afterwards: %s (detail %lu)\n", id,
               err_getcode(err), (unsigned long)detail);
        attack_failed++;
    }
}

static inline int attack_finish(void)
{
    printf("%d passed, %d failed\n", attack_passed, attack_failed);
    return attack_failed == 0 ? 0 : 1;
}

static inline uint32_t read_cpsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}

#endif
