/* On hardware, a page of the domain's own address space is reached at its address. */
#include <vspace_platform.h>

void *vspace_page_pointer(const struct pmap *pmap, genvaddr_t page)
{
    (void)pmap;
    return (void *)(uintptr_t)page;
}

void *vspace_platform_pointer(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    (void)pmap;
    (void)bytes;
    return (void *)(uintptr_t)vaddr;
}
