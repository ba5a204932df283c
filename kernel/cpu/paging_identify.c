/* CMD_IDENTIFY_MAPPING: the mapping record a capability copy holds, with its entries' flags. */
#include <paging.h>
#include <paging_arch.h>

/*
 * The flags a frame's run of entries carries, decoded from the entries themselves: the record
 * keeps none, and modify_flags may have changed part of the run. *mixed says whether they differ.
 */
static vregion_flags_t run_flags(const struct mapping_record *m, bool *mixed)
{
    enum objtype type = (enum objtype)m->table_type;
    vregion_flags_t first =
        paging_entry_flags(type, paging_read_entry(type, m->table_base, m->slot));
    *mixed = false;
    for (cslot_t i = 1; i < m->pte_count && !*mixed; i++) {
        uint64_t entry = paging_read_entry(type, m->table_base, (cslot_t)(m->slot + i));
        *mixed = paging_entry_flags(type, entry) != first;
    }
    return first;
}

struct sysret paging_identify_mapping(const struct cte *copy)
{
    const struct mapping_record *m = &copy->mapping;
    if (m->pte_count == 0) {
        return (struct sysret){.error = SYS_ERR_VM_NOT_MAPPED};
    }
    bool mixed = false;
    /* A table's entry in its parent grants nothing by itself: the leaves decide (paging.md). */
    vregion_flags_t flags = objtype_is_vnode(copy->cap.type) ? 0 : run_flags(m, &mixed);
    return (struct sysret){
        .error = SYS_ERR_OK,
        .value = {(uintptr_t)m->table_base, (uintptr_t)m->offset_bytes,
                  (uintptr_t)m->slot | ((uintptr_t)m->pte_count << IDENTIFY_MAPPING_COUNT_SHIFT),
                  (uintptr_t)m->table_type | ((uintptr_t)flags << IDENTIFY_MAPPING_FLAGS_SHIFT) |
                      (mixed ? IDENTIFY_MAPPING_MIXED : 0)},
    };
}
