/* On the host, metadata is reached as hardware would: through the simulated page tables. */
#include <host_machine.h>
#include <pmap/pmap.h>

void *pmap_platform_meta_pointer(const struct pmap *pmap, genvaddr_t vaddr)
{
    return host_mmu_translate(pmap->root_base, vaddr);
}
