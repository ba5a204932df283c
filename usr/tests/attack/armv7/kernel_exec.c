/* AT410: a jump into kernel text from user mode must be a prefetch abort that ends the domain. */
#include <attack.h>

int main(void)
{
    attack_expect_fault("AT410", "jump to kernel text at 0x%x from user mode (prefetch abort)",
                        (unsigned)ATTACK_KERNEL_TEXT_VADDR);
    void (*kernel)(void) = (void (*)(void))(uintptr_t)ATTACK_KERNEL_TEXT_VADDR;
    kernel();
    return attack_survived("AT410", "kernel text ran in user mode");
}
