/* On a booted machine the pmap runs in the address space it manages: the address is the pointer. */
#include <pmap/pmap.h>

void *pmap_platform_meta_pointer(const struct pmap *pmap, genvaddr_t vaddr)
{
    (void)pmap;
    return (void *)(uintptr_t)vaddr;
}
