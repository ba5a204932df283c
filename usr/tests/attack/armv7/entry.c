/* Attacks on the ARMv7 system-call entry and exit that must have no effect (AT401..AT407). A
 * system call returns its error in r0-r1 and results in r2-r7; every other register is kept. */
#include "psr.h"
#include <attack.h>
#include <stdio.h>

#define BOGUS_CALL 0x7fffu /* no such system call: the kernel refuses it and returns */

void svc_probe_regs(uint32_t out[16], uint32_t call);
uint32_t svc_probe_sp(uint32_t call, uint32_t sp);
uint32_t svc_probe_big_endian(uint32_t call);
uint32_t svc_probe_thumb(uint32_t call);

/* What svc_probe_regs loaded into r1-r12 and lr (the same numbers as probe.S). */
static const uint32_t loaded[14] = {0,          0xa10001d3, 0xa20001d3, 0xa30001df, 0xa40001d3,
                                    0xa50001d7, 0xa60001db, 0xa70001d3, 0xa80001d1, 0xa90001d2,
                                    0xaa0001d3, 0xab0001d3, 0xac0001d3, 0xae0001d3};

static uint32_t out[16];

static void forged_mode_bits(void)
{
    svc_probe_regs(out, BOGUS_CALL);
    uint32_t cpsr = out[15];
    bool user = (cpsr & PSR_MODE_MASK) == PSR_MODE_USR;
    attack_verdict("AT401",
                   "svc with SVC mode bits in every register and an msr to SVC mode returns in "
                   "user mode",
                   user ? NULL : "the domain runs in a privileged mode");
    attack_check_kernel_after("AT401");
}

static void registers_kept(void)
{
    bool kept = out[14] == (uint32_t)(uintptr_t)&out[14];
    for (int r = 8; r <= 13; r++) {
        kept = kept && out[r] == loaded[r];
    }
    attack_verdict("AT402", "r8-r12, sp and lr come back as the domain left them",
                   kept ? NULL : "the kernel changed a register that is not a result");
}

static void no_kernel_values(void)
{
    bool clean = err_no(((errval_t)out[1] << 32) | out[0]) == SYS_ERR_ILLEGAL_SYSCALL;
    for (int r = 2; r <= 7; r++) {
        clean = clean && out[r] < ATTACK_KERNEL_HALF_VADDR;
    }
    attack_verdict("AT403", "a refused call returns its error and no kernel address in r2-r7",
                   clean ? NULL : "a result register holds a kernel-half value");
}

static void hostile_stack_pointer(void)
{
    const uint32_t sps[] = {(uint32_t)ATTACK_KERNEL_TEXT_VADDR, 0xc0000003u, 0, 0xfffffffdu};
    bool ok = true;
    for (unsigned i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
        ok = ok && svc_probe_sp(BOGUS_CALL, sps[i]) == sps[i];
    }
    attack_verdict("AT404", "svc with sp in the kernel, misaligned or null: the kernel ignores it",
                   ok ? NULL : "sp changed across the call");
    attack_check_kernel_after("AT404");
}

/* A domain runs with IRQs on (the timer preempts it) and FIQs off; masking IRQs would let it
   keep the CPU, entering a privileged mode would own the machine. */
static void privileged_mode_changes(void)
{
    __asm__ volatile("cps #0x13\n msr cpsr_c, #0x1f\n cpsid if\n msr cpsr_c, #0xd0" ::: "memory");
    uint32_t cpsr = read_cpsr();
    bool held = (cpsr & PSR_MODE_MASK) == PSR_MODE_USR && (cpsr & 0xc0u) == 0x40u;
    attack_verdict("AT405",
                   "cps and msr to privileged modes, to mask IRQs or to unmask FIQs are ignored",
                   held ? NULL : "the mode or the interrupt masks changed");
}

static void big_endian_entry(void)
{
    uint32_t r0 = svc_probe_big_endian(BOGUS_CALL);
    attack_verdict("AT406",
                   "svc in big-endian data mode: the kernel still reads its own data right",
                   err_no(r0) == SYS_ERR_ILLEGAL_SYSCALL ? NULL : "a wrong result");
    attack_check_kernel_after("AT406");
}

static void thumb_entry(void)
{
    uint32_t r0 = svc_probe_thumb(BOGUS_CALL);
    attack_verdict("AT407", "svc from Thumb code returns to the next Thumb instruction",
                   err_no(r0) == SYS_ERR_ILLEGAL_SYSCALL ? NULL : "a wrong result");
    attack_check_kernel_after("AT407");
}

int main(void)
{
    printf("attack_arm_entry: system-call entry and exit\n");
    forged_mode_bits();
    registers_kept();
    no_kernel_values();
    hostile_stack_pointer();
    privileged_mode_changes();
    big_endian_entry();
    thumb_entry();
    return attack_finish();
}
