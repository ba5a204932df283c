/* Finds the virtual addresses a table's entries translate, by climbing the mapping records. */
#include <dispatch.h>
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

/*
 * Does vaddr lie exactly at entry `first` of the table, in the address space the caller runs
 * on? A walk of the caller's own tables answers with one read per level, where the climb
 * searches the mapping index per level; a table is mapped once at most, so an address the walk
 * confirms is the only one. Any other hint is ignored: the climb then finds the address.
 */
static bool hint_is_exact(enum objtype table, genpaddr_t table_base, gensize_t span, cslot_t first,
                          uint64_t vaddr, genpaddr_t *root)
{
    const struct dcb *dcb = dcb_current;
    if (vaddr == 0 || dcb == NULL || cte_is_empty(&dcb->vroot) || !paging_user_vaddr(vaddr)) {
        return false;
    }
    /* span, the table's entry span, is a power of two, as the entry counts are */
    genpaddr_t reached;
    if ((vaddr & (span - 1)) != 0 ||
        ((vaddr >> __builtin_ctzll(span)) & (paging_table_entries(table) - 1)) != first ||
        !paging_walk_to_table(dcb->vroot.cap.base, vaddr, table, &reached)) {
        return false;
    }
    *root = dcb->vroot.cap.base;
    return reached == table_base;
}

void tlb_flush_entries(enum objtype table, genpaddr_t table_base, cslot_t first, cslot_t count,
                       uint64_t vaddr_hint)
{
    uint64_t vaddr;
    genpaddr_t root;
    gensize_t span = paging_entry_span_bytes(table);
    if (hint_is_exact(table, table_base, span, first, vaddr_hint, &root)) {
        vaddr = vaddr_hint - first * span;
    } else if (!table_vaddr(table, table_base, &vaddr, &root)) {
        return;
    }
    if (count * (span / BASE_PAGE_BYTES) > TLB_FLUSH_RANGE_MAX_PAGES) {
        platform_tlb_flush_all();
        return;
    }
    platform_tlb_flush_range(root, vaddr + first * span, count * span);
}
