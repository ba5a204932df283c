/* AT410: a jump into kernel text from user mode must be a prefetch abort that ends the domain. */
#include "common.h"

int main(void)
{
    printf("EXPECT-FAULT AT410 jump to kernel text at 0x%x from user mode (prefetch abort)\n",
           KERNEL_TEXT_VADDR);
    void (*kernel)(void) = (void (*)(void))(uintptr_t)KERNEL_TEXT_VADDR;
    kernel();
    printf("FAIL AT410 kernel text ran in user mode\n");
    return 1;
}
