/* A domain that writes to a page it mapped read-only: a permission fault. */
#include "common.h"

int main(void)
{
    struct capref frame;
    volatile int *page = map_fresh_page(VREGION_FLAGS_READ, &frame);
    printf("faulttest: reading 0x%llx works: %d\n", (unsigned long long)(uintptr_t)page, *page);
    printf("faulttest: writing to 0x%llx\n", (unsigned long long)(uintptr_t)page);
    *page = 1;
    printf("faulttest: still running: the write did not fault\n");
    return 0;
}
