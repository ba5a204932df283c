/* On the host, metadata is reached as hardware would: through views of the simulated tables. */
#include <host_machine.h>
#include <pmap/pmap.h>

void *pmap_platform_meta_pointer(const struct pmap *pmap, genvaddr_t vaddr)
{
    /* A view dies with the mapping: a late access faults here as it does in QEMU. */
    return host_mmu_view(pmap->root_base, vaddr, PMAP_REFILL_BYTES);
}
