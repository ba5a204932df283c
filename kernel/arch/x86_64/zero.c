/* x86-64 zeroing of physical memory: rep stosq, the string store the CPU makes fastest. */
#include <phys_mem.h>

void phys_zero(genpaddr_t paddr, gensize_t bytes)
{
    void *dest = phys_to_kernel_ptr(paddr);
    uint64_t quads = bytes / 8;
    __asm__ volatile("rep stosq" : "+D"(dest), "+c"(quads) : "a"(0ull) : "memory");
    for (gensize_t tail = bytes % 8; tail > 0; tail--) {
        *(volatile uint8_t *)dest = 0;
        dest = (uint8_t *)dest + 1;
    }
}
