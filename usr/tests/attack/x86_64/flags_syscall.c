/* AT304-AT306: system calls made with DF, AC and NT set must work and leave the kernel intact. */
#include "rflags.h"
#include <attack.h>
#include <stdio.h>
#include <string.h>

/*
 * This file replaces libcap's syscall_raw and syscall_invoke (the linker takes a program's own
 * definitions before the archive's), so that every call libcap makes can carry extra RFLAGS
 * bits into the kernel.
 */
static uint64_t extra_flags;
static uint64_t flags_after;

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    register uintptr_t rax __asm__("rax") = regs[0];
    register uintptr_t rdi __asm__("rdi") = regs[1];
    register uintptr_t rsi __asm__("rsi") = regs[2];
    register uintptr_t rdx __asm__("rdx") = regs[3];
    register uintptr_t r10 __asm__("r10") = regs[4];
    register uintptr_t r8 __asm__("r8") = regs[5];
    register uintptr_t r9 __asm__("r9") = regs[6];
    register uintptr_t r12 __asm__("r12") = regs[7];
    register uintptr_t r13 __asm__("r13") = regs[8];
    register uintptr_t r14 __asm__("r14") = regs[9];
    register uintptr_t r15 __asm__("r15") = regs[10];
    /* rcx is free until SYSCALL overwrites it; the C code after must see DF, AC, NT clear. */
    __asm__ volatile("movq %[extra], %%rcx\n"
                     "pushfq\n"
                     "orq %%rcx, (%%rsp)\n"
                     "popfq\n"
                     "syscall\n"
                     "pushfq\n"
                     "popq %%rcx\n"
                     "movq %%rcx, %[after]\n"
                     "pushfq\n"
                     "andq %[clear], (%%rsp)\n"
                     "popfq\n"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15), [after] "=m"(flags_after)
                     : [extra] "m"(extra_flags), [clear] "i"(~(ATTACK_RFLAGS_DF | ATTACK_RFLAGS_AC |
                                                               ATTACK_RFLAGS_NT))
                     : "rcx", "r11", "memory", "cc");
    return (struct sysret){.error = rax, .value = {rdi, rsi, rdx, r10}};
}

struct sysret syscall_invoke(capaddr_t invoked, enum invocation_cmd cmd,
                             const uintptr_t args[INVOKE_ARGS])
{
    uintptr_t regs[SYSCALL_REGS];
    invoke_words(regs, invoked, cmd, args);
    return syscall_raw(regs);
}

#define PATTERN 0xa5

/* Maps frame read-write at a fresh address. */
static uint8_t *map(struct pmap *pmap, struct capref frame)
{
    genvaddr_t at;
    if (err_is_fail(pmap_determine_addr(pmap, 4096, 4096, &at)) ||
        err_is_fail(pmap_map(pmap, at, frame, 0, 4096, VREGION_FLAGS_READ_WRITE))) {
        return NULL;
    }
    return (uint8_t *)(uintptr_t)at;
}

/* AT304: an identify with the flags set answers as one without, and gives the flags back. */
static const char *identify_with_flags(void)
{
    struct capref root = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
    struct cap_identity plain, flagged;
    if (err_is_fail(cap_identify(root, &plain))) {
        return "identify without extra flags failed";
    }
    extra_flags = ATTACK_RFLAGS_DF | ATTACK_RFLAGS_AC | ATTACK_RFLAGS_NT;
    errval_t err = cap_identify(root, &flagged);
    extra_flags = 0;
    if (err_is_fail(err) || memcmp(&plain, &flagged, sizeof(plain)) != 0) {
        return "identify with DF, AC and NT set answered differently";
    }
    if ((flags_after & ATTACK_RFLAGS_DF) == 0) {
        return "SYSRET did not give the domain its own DF back";
    }
    return NULL;
}

/*
 * AT305: the kernel zeroes a new frame with DF set. Backwards, it would clear the frame below,
 * which the domain filled with a pattern from the same RAM capability.
 */
static const char *retype_zeroes_forwards(struct pmap *pmap)
{
    struct capref ram, below, above;
    if (err_is_fail(ram_alloc(&ram, 8192)) || err_is_fail(slot_alloc(&below)) ||
        err_is_fail(slot_alloc(&above)) ||
        err_is_fail(cap_retype(below, ram, 0, ObjType_Frame, 4096, 1))) {
        return "set-up failed";
    }
    uint8_t *low = map(pmap, below);
    if (low == NULL) {
        return "mapping the lower frame failed";
    }
    memset(low, PATTERN, 4096);
    extra_flags = ATTACK_RFLAGS_DF | ATTACK_RFLAGS_AC | ATTACK_RFLAGS_NT;
    errval_t err = cap_retype(above, ram, 4096, ObjType_Frame, 4096, 1);
    extra_flags = 0;
    if (err_is_fail(err)) {
        return "retype with DF set failed";
    }
    uint8_t *high = map(pmap, above);
    for (int i = 0; i < 4096; i++) {
        if (low[i] != PATTERN || (high != NULL && high[i] != 0)) {
            return "the kernel wrote outside the new frame";
        }
    }
    return high == NULL ? "mapping the upper frame failed" : NULL;
}

int main(void)
{
    printf("attack: system calls with DF, AC and NT set\n");
    attack_setup("AT304", "set-up of attack_x86_flags_syscall");
    const char *why = identify_with_flags();
    attack_verdict("AT304", "identify with DF, AC and NT set works and keeps the user's flags",
                   why);
    why = retype_zeroes_forwards(&attack_pmap);
    attack_verdict("AT305", "a frame retyped with DF set is zeroed forwards", why);
    attack_verdict("AT306", "the kernel is intact after system calls with DF, AC and NT set",
                   attack_kernel_check());
    return attack_finish();
}
