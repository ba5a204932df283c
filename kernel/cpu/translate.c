/* DEBUG_TRANSLATE: a walk of the caller's own page tables, generic over paging_arch.h. */
#include <paging.h>
#include <paging_arch.h>
#include <translate.h>

/* The words of an entry that ends the walk: a page, or the first absent entry. */
static struct sysret report(enum objtype table, int level, uint64_t entry)
{
    gensize_t span = paging_entry_span_bytes(table);
    struct sysret ret = {.error = SYS_ERR_OK};
    ret.value[0] =
        (uintptr_t)level | ((uintptr_t)__builtin_ctzll(span) << DEBUG_TRANSLATE_LOG2_SHIFT);
    ret.value[3] = (uintptr_t)entry;
    if (paging_entry_is_present(table, entry)) {
        ret.value[0] |= DEBUG_TRANSLATE_PRESENT;
        ret.value[1] = (uintptr_t)paging_entry_paddr(table, entry);
        ret.value[2] = paging_entry_flags(table, entry);
    }
    return ret;
}

struct sysret debug_translate(const struct dcb *dcb, uintptr_t vaddr)
{
    if (dcb == NULL || cte_is_empty(&dcb->vroot)) {
        return (struct sysret){.error = SYS_ERR_TRANSLATE_NO_ROOT};
    }
    enum objtype type = (enum objtype)dcb->vroot.cap.type;
    genpaddr_t table = dcb->vroot.cap.base;
    /*
     * Checked before any entry is read: the kernel's half is not the domain's to see, and an
     * address beyond what the root indexes (x86-64: non-canonical, or the kernel's half
     * sign-extended) names no entry of it.
     */
    if (!paging_user_vaddr(vaddr)) {
        return (struct sysret){.error = SYS_ERR_TRANSLATE_NOT_USER};
    }
    uint64_t rest = vaddr; /* the part of vaddr the current table resolves */
    /* Leaf tables hold no table entries, so the walk ends within the format's levels. */
    for (int level = 0;; level++) {
        gensize_t span = paging_entry_span_bytes(type);
        uint64_t entry = paging_read_entry(type, table, (cslot_t)(rest / span));
        if (!paging_entry_is_present(type, entry) || !paging_entry_is_table(type, entry)) {
            return report(type, level, entry);
        }
        table = paging_entry_paddr(type, entry);
        type = paging_child_table_type(type);
        rest %= span;
    }
}
