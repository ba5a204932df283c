/* AT411: reading the kernel's half (its direct map of RAM) from user mode must fault. */
#include <attack.h>

int main(void)
{
    attack_expect_fault("AT411", "read kernel memory at 0x%x from user mode (data abort)",
                        (unsigned)ATTACK_KERNEL_TEXT_VADDR);
    volatile uint32_t *kernel = (volatile uint32_t *)(uintptr_t)ATTACK_KERNEL_TEXT_VADDR;
    uint32_t word = *kernel;
    return attack_survived("AT411", "read 0x%x from kernel memory", (unsigned)word);
}
