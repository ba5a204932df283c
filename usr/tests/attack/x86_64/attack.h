/* Shared by the x86-64 attack domains: verdict lines, the kernel self-check after an attack. */
#ifndef ATTACK_X86_H
#define ATTACK_X86_H

#include <libcap/libcap.h>
#include <libcap/syscalls.h>
#include <pmap/pmap.h>
#include <stdio.h>

/* The RFLAGS bits the attacks set before entering the kernel. */
#define ATTACK_RFLAGS_TF 0x100ull
#define ATTACK_RFLAGS_DF 0x400ull
#define ATTACK_RFLAGS_NT 0x4000ull
#define ATTACK_RFLAGS_AC 0x40000ull

static int attack_passed;
static int attack_failed;

/* One verdict line: PASS when why is NULL, FAIL with the reason otherwise. */
static inline void attack_verdict(const char *id, const char *desc, const char *why)
{
    if (why == NULL) {
        printf("PASS %s %s\n", id, desc);
        attack_passed++;
    } else {
        printf("FAIL %s %s: %s\n", id, desc, why);
        attack_failed++;
    }
}

/*
 * Asks the kernel to check its invariants and text after an attack it survived.
 */
static inline const char *attack_kernel_check(void)
{
    static char why[160];
    uintptr_t detail = 0;
    errval_t err = sys_debug_check_kernel(&detail);
    if (err_is_ok(err)) {
        return NULL;
    }
    char text[120];
    err_format(err, text, sizeof(text));
    snprintf(why, sizeof(why), "kernel self-check failed: %s (detail %lu)", text,
             (unsigned long)detail);
    return why;
}

/* The closing line the runner counts; the domain's status. */
static inline int attack_summary(void)
{
    printf("%d passed, %d failed\n", attack_passed, attack_failed);
    return attack_failed == 0 ? 0 : 1;
}

/* For EXPECT-FAULT domains: the attack returned, so the kernel did not end the domain. */
static inline int attack_no_fault(const char *id, const char *desc)
{
    attack_verdict(id, desc, "the domain was not ended by a fault");
    return attack_summary();
}

#endif
