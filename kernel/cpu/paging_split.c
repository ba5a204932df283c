/* SPLIT_MAPPING: one mapping record becomes two, held by two copies, without touching an entry. */
#include <map_index.h>
#include <paging.h>
#include <paging_arch.h>
#include <trace.h>

errval_t paging_split_mapping(struct cte *mapped, uint64_t at, struct cte *dest)
{
    const struct mapping_record *m = &mapped->mapping;
    if (m->pte_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (at == 0 || at >= m->pte_count) {
        TRACE_REFUSAL("a split at entry %llu of a mapping of %u entries leaves a part empty",
                      (unsigned long long)at, m->pte_count);
        return SYS_ERR_VM_BEYOND_MAPPING;
    }
    if (!cap_is_copy(&mapped->cap, &dest->cap)) {
        return SYS_ERR_VM_SPLIT_NOT_A_COPY;
    }
    /* Each entry must stay within its record's rights (the invariant checker's rule). */
    if ((mapped->cap.rights & ~dest->cap.rights) != 0) {
        TRACE_REFUSAL("the copy taking the entries has rights 0x%x, the mapped one 0x%x",
                      dest->cap.rights, mapped->cap.rights);
        return SYS_ERR_VM_RIGHTS_EXCEED;
    }
    if (dest->mapping.pte_count != 0) {
        return SYS_ERR_VM_ALREADY_MAPPED;
    }
    gensize_t page_bytes = paging_entry_span_bytes((enum objtype)m->table_type);
    struct mapping_record tail = *m;
    tail.slot = (uint16_t)(m->slot + at);
    tail.pte_count = (uint16_t)(m->pte_count - at);
    tail.offset_bytes = m->offset_bytes + at * page_bytes;
    /* The index orders records by (table, slot): shortening one in place keeps its place. */
    mapped->mapping.pte_count = (uint16_t)at;
    map_index_record(dest, &tail);
    return SYS_ERR_OK;
}
