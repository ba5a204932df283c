/* The hosted MMU: walks the simulated page tables with the kernel's own entry formats. */
#include <host_machine.h>
#include <paging_arch.h>
#include <phys_mem.h>

#include "host_internal.h"

bool host_mmu_translate_paddr(genpaddr_t root, uint64_t vaddr, genpaddr_t *paddr)
{
    enum objtype type = paging_root_type();
    genpaddr_t table = root;
    /* The span of one entry at the root; each level below divides it by its entry count. */
    for (;;) {
        gensize_t span = paging_entry_span_bytes(type);
        uint64_t index = vaddr / span;
        if (index >= paging_table_entries(type)) {
            return false;
        }
        uint64_t entry = paging_read_entry(type, table, (cslot_t)index);
        if (!paging_entry_is_present(type, entry)) {
            return false;
        }
        if (!paging_entry_is_table(type, entry)) {
            *paddr = paging_entry_paddr(type, entry) + vaddr % span;
            return true;
        }
        table = paging_entry_paddr(type, entry);
        vaddr %= span;
        type = paging_child_table_type(type);
    }
}

void *host_mmu_translate(genpaddr_t root, uint64_t vaddr)
{
    genpaddr_t paddr;
    return host_mmu_translate_paddr(root, vaddr, &paddr) ? phys_to_kernel_ptr(paddr) : NULL;
}
