/* x86-64 four-level page-table format: geometry, which capability fits where, entry bits. */
#include <paging_arch.h>
#include <phys_mem.h>

#define X86_PRESENT (UINT64_C(1) << 0)
#define X86_WRITE (UINT64_C(1) << 1)
#define X86_USER (UINT64_C(1) << 2)
#define X86_WRITE_THROUGH (UINT64_C(1) << 3)
#define X86_CACHE_DISABLE (UINT64_C(1) << 4)
#define X86_LARGE (UINT64_C(1) << 7)
#define X86_NO_EXECUTE (UINT64_C(1) << 63)
#define X86_ADDR_MASK UINT64_C(0x000ffffffffff000)

#define X86_ENTRIES 512
#define X86_PML4_USER_SLOTS 256 /* the upper half belongs to the kernel */

bool paging_vnode_type_is_native(enum objtype type)
{
    return type == ObjType_VNode_x86_64_pml4 || type == ObjType_VNode_x86_64_pdpt ||
           type == ObjType_VNode_x86_64_pdir || type == ObjType_VNode_x86_64_ptable;
}

enum objtype paging_root_type(void)
{
    return ObjType_VNode_x86_64_pml4;
}

/* 1 for a page table ... 4 for the PML4. */
static unsigned level_of(enum objtype table)
{
    switch (table) {
    case ObjType_VNode_x86_64_pml4:
        return 4;
    case ObjType_VNode_x86_64_pdpt:
        return 3;
    case ObjType_VNode_x86_64_pdir:
        return 2;
    default:
        return 1;
    }
}

cslot_t paging_table_entries(enum objtype table)
{
    (void)table;
    return X86_ENTRIES;
}

gensize_t paging_entry_span_bytes(enum objtype table)
{
    return BASE_PAGE_BYTES << (9 * (level_of(table) - 1));
}

bool paging_slot_reserved(enum objtype table, cslot_t slot)
{
    return table == ObjType_VNode_x86_64_pml4 && slot >= X86_PML4_USER_SLOTS;
}

/* Whether the CPU walks 1 GiB pages; the hosted MMU always does. */
static bool pdpt_pages = true;

void paging_forbid_pages_at(enum objtype table)
{
    if (table == ObjType_VNode_x86_64_pdpt) {
        pdpt_pages = false;
    }
}

enum paging_map_kind paging_map_kind(enum objtype table, enum objtype src)
{
    bool frame = src == ObjType_Frame || src == ObjType_DevFrame;
    switch (table) {
    case ObjType_VNode_x86_64_pml4:
        return src == ObjType_VNode_x86_64_pdpt ? PAGING_MAP_TABLE : PAGING_MAP_NONE;
    case ObjType_VNode_x86_64_pdpt:
        return src == ObjType_VNode_x86_64_pdir ? PAGING_MAP_TABLE
               : frame && pdpt_pages            ? PAGING_MAP_PAGE
                                                : PAGING_MAP_NONE;
    case ObjType_VNode_x86_64_pdir:
        return src == ObjType_VNode_x86_64_ptable ? PAGING_MAP_TABLE
               : frame                            ? PAGING_MAP_PAGE
                                                  : PAGING_MAP_NONE;
    case ObjType_VNode_x86_64_ptable:
        return frame ? PAGING_MAP_PAGE : PAGING_MAP_NONE;
    default:
        return PAGING_MAP_NONE;
    }
}

genpaddr_t paging_paddr_limit(void)
{
    return (genpaddr_t)1 << 52;
}

uint64_t paging_make_table_entry(enum objtype table, genpaddr_t child_base)
{
    (void)table;
    /* Intermediate entries allow everything; the leaf decides. */
    return (child_base & X86_ADDR_MASK) | X86_PRESENT | X86_WRITE | X86_USER;
}

uint64_t paging_make_page_entry(enum objtype table, genpaddr_t paddr, vregion_flags_t flags)
{
    uint64_t entry = (paddr & X86_ADDR_MASK) | X86_PRESENT | X86_USER;
    if (flags & VREGION_FLAGS_WRITE) {
        entry |= X86_WRITE;
    }
    if (!(flags & VREGION_FLAGS_EXECUTE)) {
        entry |= X86_NO_EXECUTE;
    }
    if (flags & VREGION_FLAGS_NOCACHE) {
        entry |= X86_CACHE_DISABLE | X86_WRITE_THROUGH;
    }
    if (level_of(table) > 1) {
        entry |= X86_LARGE;
    }
    return entry;
}

bool paging_entry_is_present(enum objtype table, uint64_t entry)
{
    (void)table;
    return (entry & X86_PRESENT) != 0;
}

genpaddr_t paging_entry_paddr(enum objtype table, uint64_t entry)
{
    if (level_of(table) > 1 && (entry & X86_LARGE)) {
        return entry & X86_ADDR_MASK & ~(paging_entry_span_bytes(table) - 1);
    }
    return entry & X86_ADDR_MASK;
}

vregion_flags_t paging_entry_flags(enum objtype table, uint64_t entry)
{
    (void)table;
    return VREGION_FLAGS_READ | ((entry & X86_WRITE) ? VREGION_FLAGS_WRITE : 0) |
           ((entry & X86_NO_EXECUTE) ? 0 : VREGION_FLAGS_EXECUTE) |
           ((entry & X86_CACHE_DISABLE) ? VREGION_FLAGS_NOCACHE : 0);
}

bool paging_entry_is_table(enum objtype table, uint64_t entry)
{
    return level_of(table) > 1 && !(entry & X86_LARGE);
}

enum objtype paging_child_table_type(enum objtype table)
{
    switch (table) {
    case ObjType_VNode_x86_64_pml4:
        return ObjType_VNode_x86_64_pdpt;
    case ObjType_VNode_x86_64_pdpt:
        return ObjType_VNode_x86_64_pdir;
    default:
        return ObjType_VNode_x86_64_ptable;
    }
}

bool paging_walk_to_table(genpaddr_t root_base, uint64_t vaddr, enum objtype table,
                          genpaddr_t *ret_base)
{
    genpaddr_t base = root_base;
    for (unsigned level = 4; level > level_of(table); level--) {
        const volatile uint64_t *entries = phys_to_kernel_ptr(base);
        uint64_t entry = entries[(vaddr >> (12 + 9 * (level - 1))) % X86_ENTRIES];
        if (!(entry & X86_PRESENT) || (entry & X86_LARGE)) {
            return false;
        }
        base = entry & X86_ADDR_MASK;
    }
    *ret_base = base;
    return true;
}

uint64_t paging_read_entry(enum objtype table, genpaddr_t table_base, cslot_t slot)
{
    (void)table;
    const volatile uint64_t *entries = phys_to_kernel_ptr(table_base);
    return entries[slot];
}

void paging_write_entry(enum objtype table, genpaddr_t table_base, cslot_t slot, uint64_t entry)
{
    (void)table;
    volatile uint64_t *entries = phys_to_kernel_ptr(table_base);
    entries[slot] = entry;
}

bool paging_entries_absent(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count)
{
    (void)table;
    const volatile uint64_t *entries = (const volatile uint64_t *)phys_to_kernel_ptr(table_base);
    for (cslot_t i = slot; i < slot + count; i++) {
        if (entries[i] & X86_PRESENT) {
            return false;
        }
    }
    return true;
}

/* The address bits of a page entry at this level (a large page's bit 12 is PAT). */
static uint64_t page_addr_mask(enum objtype table)
{
    return X86_ADDR_MASK & ~(paging_entry_span_bytes(table) - 1);
}

void paging_write_page_run(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count,
                           genpaddr_t paddr, vregion_flags_t flags)
{
    volatile uint64_t *entries = (volatile uint64_t *)phys_to_kernel_ptr(table_base);
    uint64_t entry = paging_make_page_entry(table, paddr, flags);
    uint64_t step = paging_entry_span_bytes(table);
    for (cslot_t i = slot; i < slot + count; i++, entry += step) {
        entries[i] = entry;
    }
}

void paging_rewrite_page_flags(enum objtype table, genpaddr_t table_base, cslot_t slot,
                               cslot_t count, vregion_flags_t flags)
{
    volatile uint64_t *entries = (volatile uint64_t *)phys_to_kernel_ptr(table_base);
    uint64_t bits = paging_make_page_entry(table, 0, flags);
    uint64_t mask = page_addr_mask(table);
    for (cslot_t i = slot; i < slot + count; i++) {
        entries[i] = (entries[i] & mask) | bits;
    }
}

void paging_clear_entries(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count)
{
    (void)table;
    volatile uint64_t *entries = (volatile uint64_t *)phys_to_kernel_ptr(table_base);
    for (cslot_t i = slot; i < slot + count; i++) {
        entries[i] = 0;
    }
}

void paging_entries_written(enum objtype table, genpaddr_t table_base, cslot_t first, cslot_t count)
{
    /* The x86 table walker snoops the caches: nothing to clean. */
    (void)table;
    (void)table_base;
    (void)first;
    (void)count;
}
