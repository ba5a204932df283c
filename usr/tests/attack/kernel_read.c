/* AT113 (faults on purpose): user mode reads the kernel's image. */
#include "attack.h"

static const char *kernel_image(uintptr_t *at)
{
    *at = (uintptr_t)ATTACK_KERNEL_VADDR;
    return NULL;
}

int main(void)
{
    return attack_fault_main("AT113", "user mode cannot read the kernel's image", kernel_image,
                             attack_touch_read);
}
