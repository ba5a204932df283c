/* A domain that executes an undefined instruction (the compiler's trap instruction). */
#include <stdio.h>

int main(void)
{
    printf("faulttest: executing an undefined instruction\n");
    __builtin_trap();
}
