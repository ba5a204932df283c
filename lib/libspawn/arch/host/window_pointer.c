/* On the host, the parent reaches what it mapped as hardware would: through a view of its tables.
 */
#include "../../spawn_internal.h"
#include <host_machine.h>

void *spawn_platform_pointer(struct pmap *parent, genvaddr_t vaddr, gensize_t bytes)
{
    return host_mmu_view(parent->root_base, vaddr, (size_t)bytes);
}
