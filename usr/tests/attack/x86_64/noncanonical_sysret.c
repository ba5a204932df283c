/* AT307: a SYSCALL in the last two bytes of the lower half, so SYSRET would return to 2^47. */
#include <attack.h>

#define LAST_PAGE 0x7ffffffff000ull
#define SYSCALL_AT (LAST_PAGE + 0xffe) /* its return address, 0x800000000000, is not canonical */

/*
 * Intel's SYSRET raises #GP on a non-canonical RCX while still in ring 0 on the user's stack
 * (CVE-2012-0217); AMD and QEMU return first and fault in user mode. The kernel must check
 * before SYSRET and end the domain with its fault report either way.
 */
static const char *syscall_on_last_page(uintptr_t *at)
{
    struct capref frame;
    ATTACK_OK(frame_alloc(&frame, 4096, NULL));
    ATTACK_OK(pmap_map(&attack_pmap, LAST_PAGE, frame, 0, 4096,
                       VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_EXECUTE));
    volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)SYSCALL_AT;
    code[0] = 0x0f; /* syscall */
    code[1] = 0x05;
    *at = SYSCALL_AT;
    return NULL;
}

static uintptr_t jump(uintptr_t at)
{
    __asm__ volatile("jmp *%[at]\n"
                     :
                     : [at] "r"(at), "a"((uintptr_t)SYSCALL_PUTCHAR), "D"((uintptr_t)'!')
                     : "rcx", "r11", "memory");
    return 0; /* not reached: the SYSRET target is not canonical */
}

int main(void)
{
    /* QEMU returns the AMD way and faults in user mode anyway: only this line shows the check. */
    attack_expect_kernel_line("refused SYSRET to rip 0x800000000000");
    return attack_fault_main("AT307",
                             "SYSCALL at 0x7ffffffffffe: SYSRET must not return to the "
                             "non-canonical 0x800000000000",
                             syscall_on_last_page, jump);
}
