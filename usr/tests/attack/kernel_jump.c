/* AT113 (faults on purpose): user mode jumps into the kernel's image. */
#include "attack.h"

static const char *kernel_image(uintptr_t *at)
{
    *at = (uintptr_t)ATTACK_KERNEL_VADDR;
    return NULL;
}

static uintptr_t jump(uintptr_t at)
{
    void (*kernel_code)(void) = (void (*)(void))at;
    kernel_code();
    return at;
}

int main(void)
{
    return attack_fault_main("AT113", "user mode cannot execute the kernel's image", kernel_image,
                             jump);
}
