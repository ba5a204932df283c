/* A domain that writes through a null pointer: tools/check-fault-report reads the report. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("faulttest: writing through a null pointer\n");
    volatile uintptr_t address = 0x8; /* hidden from the compiler's bounds checks */
    *(volatile int *)address = 1;
    printf("faulttest: still running: the write did not fault\n");
    return 0;
}
