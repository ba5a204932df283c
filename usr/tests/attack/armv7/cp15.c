/* AT413: writing DACR from user mode (all domains "manager": no permission checks) must trap. */
#include "common.h"

int main(void)
{
    printf("EXPECT-FAULT AT413 set DACR to all-manager from user mode (undefined instruction)\n");
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0\n isb" : : "r"(0xffffffffu) : "memory");
    printf("FAIL AT413 DACR write from user mode did not trap\n");
    return 1;
}
