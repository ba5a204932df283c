/* Unmap and modify_flags of recorded mappings, and what deletion does to mappings. */
#include <maintenance.h>
#include <map_index.h>
#include <paging.h>
#include <paging_arch.h>
#include <tlb.h>
#include <trace.h>

/* Clears the entries of a recorded mapping, makes the change visible and forgets the record. */
void paging_unmap_record(struct cte *mapped)
{
    struct mapping_record m = mapped->mapping;
    enum objtype type = (enum objtype)m.table_type;
    paging_clear_entries(type, m.table_base, m.slot, m.pte_count);
    paging_entries_written(type, m.table_base, m.slot, m.pte_count);
    tlb_flush_entries(type, m.table_base, m.slot, m.pte_count, 0);
    map_index_forget(mapped);
}

errval_t paging_unmap(struct cte *table, struct cte *src, uint64_t slot, uint64_t pte_count)
{
    const struct mapping_record *m = &src->mapping;
    if (!(table->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_VNODE_NOT_WRITABLE;
    }
    if (m->pte_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (m->table_base != table->cap.base || m->table_type != table->cap.type) {
        TRACE_REFUSAL("the copy is mapped in the %s at 0x%llx, not the %s at 0x%llx",
                      objtype_name((enum objtype)m->table_type), (unsigned long long)m->table_base,
                      objtype_name((enum objtype)table->cap.type),
                      (unsigned long long)table->cap.base);
        return SYS_ERR_VM_WRONG_TABLE;
    }
    if (m->slot != slot || m->pte_count != pte_count) {
        TRACE_REFUSAL("the recorded mapping is slot %u, pte_count %u; asked slot %llu, "
                      "pte_count %llu",
                      m->slot, m->pte_count, (unsigned long long)slot,
                      (unsigned long long)pte_count);
        return SYS_ERR_VM_RANGE_MISMATCH;
    }
    paging_unmap_record(src);
    return SYS_ERR_OK;
}

errval_t paging_modify_flags(struct cte *mapped, uint64_t first_page, uint64_t pages,
                             uint64_t flags, uint64_t vaddr_hint)
{
    const struct mapping_record *m = &mapped->mapping;
    if (m->pte_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (pages == 0 || first_page >= m->pte_count || pages > m->pte_count - first_page) {
        TRACE_REFUSAL("pages [%llu, +%llu) lie beyond the %u pages of the mapping",
                      (unsigned long long)first_page, (unsigned long long)pages, m->pte_count);
        return SYS_ERR_VM_BEYOND_MAPPING;
    }
    errval_t err = paging_check_flags(&mapped->cap, flags);
    if (err_is_fail(err)) {
        return err;
    }
    enum objtype type = (enum objtype)m->table_type;
    cslot_t first = (cslot_t)(m->slot + first_page);
    if (paging_flags_bypass_cache(flags)) {
        /* A run maps consecutive pages of its frame: the first entry gives them all. */
        genpaddr_t paddr = paging_entry_paddr(type, paging_read_entry(type, m->table_base, first));
        platform_cache_clean_range(paddr, pages * paging_entry_span_bytes(type));
    }
    paging_rewrite_page_flags(type, m->table_base, first, (cslot_t)pages, (vregion_flags_t)flags);
    paging_entries_written(type, m->table_base, first, (cslot_t)pages);
    tlb_flush_entries(type, m->table_base, first, (cslot_t)pages, vaddr_hint);
    return SYS_ERR_OK;
}

void paging_table_dying(const struct capability *table)
{
    /* Nothing may keep pointing into memory that can be retyped again: records, then entries. */
    struct cte *mapped = map_index_first_from(table->base, 0);
    while (mapped != NULL && mapped->mapping.table_base == table->base) {
        struct cte *next = map_index_next(mapped);
        paging_unmap_record(mapped);
        mapped = next;
    }
    enum objtype type = (enum objtype)table->type;
    for (cslot_t slot = 0; slot < paging_table_entries(type); slot++) {
        if (!paging_slot_reserved(type, slot) &&
            paging_entry_is_present(type, paging_read_entry(type, table->base, slot))) {
            paging_write_entry(type, table->base, slot, 0);
            paging_entries_written(type, table->base, slot, 1);
        }
    }
}
