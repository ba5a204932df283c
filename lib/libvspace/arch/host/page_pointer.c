/* On the host, a page of the domain is reached through a view of the simulated tables. */
#include <host_machine.h>
#include <vspace_platform.h>

void *vspace_page_pointer(const struct pmap *pmap, genvaddr_t page)
{
    return host_mmu_view(pmap->root_base, page, BASE_PAGE_BYTES);
}

void *vspace_platform_pointer(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    return host_mmu_view(pmap->root_base, vaddr, bytes);
}
