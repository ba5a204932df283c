/* Finds the virtual addresses a table's entries translate, by climbing the mapping records. */
#include <maintenance.h>
#include <mdb.h>
#include <paging.h>
#include <paging_arch.h>
#include <tlb.h>

/* The copy of the table object at base that is mapped into a parent (one at most); NULL if none. */
static const struct cte *mapped_copy(enum objtype type, genpaddr_t base)
{
    struct capability table = {
        .type = (uint8_t)type,
        .base = base,
        .bytes = objtype_info[type].fixed_bytes,
    };
    return mdb_find_mapped_copy(&table, NULL);
}

/* Where slot 0 of the table lies in the address space of root; false if no root reaches it. */
static bool table_vaddr(enum objtype type, genpaddr_t base, uint64_t *vaddr, genpaddr_t *root)
{
    uint64_t va = 0;
    while (type != paging_root_type()) {
        const struct cte *up = mapped_copy(type, base);
        if (up == NULL) {
            return false;
        }
        type = (enum objtype)up->mapping.table_type;
        base = up->mapping.table_base;
        va += (uint64_t)up->mapping.slot * paging_entry_span_bytes(type);
    }
    *vaddr = va;
    *root = base;
    return true;
}

void tlb_flush_entries(enum objtype table, genpaddr_t table_base, cslot_t first, cslot_t count)
{
    uint64_t vaddr;
    genpaddr_t root;
    if (!table_vaddr(table, table_base, &vaddr, &root)) {
        return;
    }
    gensize_t span = paging_entry_span_bytes(table);
    if (count * (span / BASE_PAGE_BYTES) > TLB_FLUSH_RANGE_MAX_PAGES) {
        platform_tlb_flush_all();
        return;
    }
    platform_tlb_flush_range(root, vaddr + first * span, count * span);
}
