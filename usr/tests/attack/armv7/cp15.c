/* AT413: writing DACR from user mode (all domains "manager": no permission checks) must trap. */
#include <attack.h>

int main(void)
{
    attack_expect_fault("AT413", "set DACR to all-manager from user mode (undefined instruction)");
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0\n isb" : : "r"(0xffffffffu) : "memory");
    return attack_survived("AT413", "the DACR write from user mode did not trap");
}
