/* AT113 (faults on purpose): user mode writes into the kernel's image. */
#include "attack.h"

static const char *kernel_image(uintptr_t *at)
{
    *at = (uintptr_t)ATTACK_KERNEL_VADDR;
    return NULL;
}

static uintptr_t write_word(uintptr_t at)
{
    *(volatile uint32_t *)at = 0xdeadbeef;
    return *(volatile uint32_t *)at;
}

int main(void)
{
    return attack_fault_main("AT113", "user mode cannot write the kernel's image", kernel_image,
                             write_word);
}
