/* AT411: reading the kernel's half (its direct map of RAM) from user mode must fault. */
#include "common.h"

int main(void)
{
    printf("EXPECT-FAULT AT411 read kernel memory at 0x%x from user mode (data abort)\n",
           KERNEL_TEXT_VADDR);
    volatile uint32_t *kernel = (volatile uint32_t *)(uintptr_t)KERNEL_TEXT_VADDR;
    uint32_t word = *kernel;
    printf("FAIL AT411 read 0x%x from kernel memory\n", (unsigned)word);
    return 1;
}
