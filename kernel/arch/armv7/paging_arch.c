/* ARMv7 short-descriptor page-table format: geometry, which capability fits where, entry bits. */
#include "include/armv7_paging.h"

#include <maintenance.h>
#include <paging_arch.h>
#include <phys_mem.h>

/* L1 entries (B3.5.1): page-table and section descriptors. */
#define L1_TYPE_PAGE_TABLE 0x1u
#define L1_TYPE_SECTION 0x2u /* bit 0 of a section is PXN where the CPU has it */
#define L1_TYPE_MASK 0x3u
#define L1_TABLE_PXN (1u << 2)
#define L1_SECTION_PXN (1u << 0)
#define L1_TABLE_ADDR_MASK 0xfffffc00u
#define L1_SECTION_ADDR_MASK 0xfff00000u
#define L1_SECTION_B (1u << 2)
#define L1_SECTION_C (1u << 3)
#define L1_SECTION_XN (1u << 4)
#define L1_SECTION_AP01_SHIFT 10
#define L1_SECTION_TEX_SHIFT 12
#define L1_SECTION_AP2 (1u << 15)
#define L1_SECTION_S (1u << 16)
#define L1_SECTION_NG (1u << 17)

/* L2 small-page entries (B3.5.1). */
#define L2_TYPE_SMALL_PAGE 0x2u
#define L2_PAGE_ADDR_MASK 0xfffff000u
#define L2_PAGE_XN (1u << 0)
#define L2_PAGE_B (1u << 2)
#define L2_PAGE_C (1u << 3)
#define L2_PAGE_AP01_SHIFT 4
#define L2_PAGE_TEX_SHIFT 6
#define L2_PAGE_AP2 (1u << 9)
#define L2_PAGE_S (1u << 10)
#define L2_PAGE_NG (1u << 11)

#define L1_ENTRIES 4096
#define L1_USER_SLOTS 2048 /* the upper 2 GiB belong to the kernel */
#define L2_ENTRIES 256

/*
 * Every entry this file makes is a user entry (the kernel's half is copied
 * from the boot table), so each carries PXN: the kernel can then never be
 * made to execute memory a domain wrote, whatever an exploit does to pc.
 */
static bool pxn_available = true;

void armv7_paging_set_pxn(bool available)
{
    pxn_available = available;
}

bool armv7_paging_pxn(void)
{
    return pxn_available;
}

/*
 * Attributes as separate fields, so sections and small pages share one
 * decision. With TEX remap off: Normal write-back write-allocate is TEX=001
 * C=1 B=1, shareable Device is TEX=000 C=0 B=1. AP[2:0] = 011 is read-write
 * and 111 read-only at both privilege levels (B3.7.1, AFE=0).
 */
struct arm_attrs {
    uint32_t tex, c, b, ap2, ap01, xn;
};

static struct arm_attrs attrs_for(vregion_flags_t flags)
{
    bool device = (flags & VREGION_FLAGS_NOCACHE) != 0;
    return (struct arm_attrs){
        .tex = device ? 0 : 1,
        .c = device ? 0 : 1,
        .b = 1,
        .ap2 = (flags & VREGION_FLAGS_WRITE) ? 0 : 1,
        .ap01 = 3,
        .xn = (flags & VREGION_FLAGS_EXECUTE) ? 0 : 1,
    };
}

bool paging_vnode_type_is_native(enum objtype type)
{
    return type == ObjType_VNode_ARM_l1 || type == ObjType_VNode_ARM_l2;
}

enum objtype paging_root_type(void)
{
    return ObjType_VNode_ARM_l1;
}

cslot_t paging_table_entries(enum objtype table)
{
    return table == ObjType_VNode_ARM_l1 ? L1_ENTRIES : L2_ENTRIES;
}

gensize_t paging_entry_span_bytes(enum objtype table)
{
    return table == ObjType_VNode_ARM_l1 ? (gensize_t)1 << 20 : BASE_PAGE_BYTES;
}

bool paging_slot_reserved(enum objtype table, cslot_t slot)
{
    return table == ObjType_VNode_ARM_l1 && slot >= L1_USER_SLOTS;
}

void paging_forbid_pages_at(enum objtype table)
{
    (void)table; /* every ARMv7 CPU with this format walks 4 KiB pages and 1 MiB sections */
}

enum paging_map_kind paging_map_kind(enum objtype table, enum objtype src)
{
    bool frame = src == ObjType_Frame || src == ObjType_DevFrame;
    if (table == ObjType_VNode_ARM_l1) {
        return src == ObjType_VNode_ARM_l2 ? PAGING_MAP_TABLE
               : frame                     ? PAGING_MAP_PAGE
                                           : PAGING_MAP_NONE;
    }
    return table == ObjType_VNode_ARM_l2 && frame ? PAGING_MAP_PAGE : PAGING_MAP_NONE;
}

genpaddr_t paging_paddr_limit(void)
{
    return (genpaddr_t)1 << 32;
}

uint64_t paging_make_table_entry(enum objtype table, genpaddr_t child_base)
{
    (void)table;
    /* Domain 0; PXN here covers all 256 pages below, whatever their own entries say. */
    return ((uint32_t)child_base & L1_TABLE_ADDR_MASK) | L1_TYPE_PAGE_TABLE |
           (pxn_available ? L1_TABLE_PXN : 0);
}

static uint32_t section_entry(genpaddr_t paddr, struct arm_attrs a)
{
    return ((uint32_t)paddr & L1_SECTION_ADDR_MASK) | L1_TYPE_SECTION | (a.b ? L1_SECTION_B : 0) |
           (a.c ? L1_SECTION_C : 0) | (a.xn ? L1_SECTION_XN : 0) |
           (a.ap01 << L1_SECTION_AP01_SHIFT) | (a.tex << L1_SECTION_TEX_SHIFT) |
           (a.ap2 ? L1_SECTION_AP2 : 0) | L1_SECTION_S | L1_SECTION_NG |
           (pxn_available ? L1_SECTION_PXN : 0);
}

/* A section descriptor is 0b10, or 0b11 when it has PXN set. */
static bool l1_is_section(uint64_t entry)
{
    return (entry & L1_TYPE_SECTION) != 0;
}

static uint32_t small_page_entry(genpaddr_t paddr, struct arm_attrs a)
{
    return ((uint32_t)paddr & L2_PAGE_ADDR_MASK) | L2_TYPE_SMALL_PAGE | (a.xn ? L2_PAGE_XN : 0) |
           (a.b ? L2_PAGE_B : 0) | (a.c ? L2_PAGE_C : 0) | (a.ap01 << L2_PAGE_AP01_SHIFT) |
           (a.tex << L2_PAGE_TEX_SHIFT) | (a.ap2 ? L2_PAGE_AP2 : 0) | L2_PAGE_S | L2_PAGE_NG;
}

uint64_t paging_make_page_entry(enum objtype table, genpaddr_t paddr, vregion_flags_t flags)
{
    struct arm_attrs a = attrs_for(flags);
    return table == ObjType_VNode_ARM_l1 ? section_entry(paddr, a) : small_page_entry(paddr, a);
}

bool paging_entry_is_present(enum objtype table, uint64_t entry)
{
    if (table == ObjType_VNode_ARM_l1) {
        return (entry & L1_TYPE_MASK) == L1_TYPE_PAGE_TABLE || l1_is_section(entry);
    }
    return (entry & L2_TYPE_SMALL_PAGE) != 0;
}

genpaddr_t paging_entry_paddr(enum objtype table, uint64_t entry)
{
    if (table == ObjType_VNode_ARM_l1) {
        return entry & (l1_is_section(entry) ? L1_SECTION_ADDR_MASK : L1_TABLE_ADDR_MASK);
    }
    return entry & L2_PAGE_ADDR_MASK;
}

vregion_flags_t paging_entry_flags(enum objtype table, uint64_t entry)
{
    bool section = table == ObjType_VNode_ARM_l1;
    bool read_only = (entry & (section ? L1_SECTION_AP2 : L2_PAGE_AP2)) != 0;
    bool never = (entry & (section ? L1_SECTION_XN : L2_PAGE_XN)) != 0;
    bool cached = (entry & (section ? L1_SECTION_C : L2_PAGE_C)) != 0;
    return VREGION_FLAGS_READ | (read_only ? 0 : VREGION_FLAGS_WRITE) |
           (never ? 0 : VREGION_FLAGS_EXECUTE) | (cached ? 0 : VREGION_FLAGS_NOCACHE);
}

bool paging_entry_is_table(enum objtype table, uint64_t entry)
{
    return table == ObjType_VNode_ARM_l1 && (entry & L1_TYPE_MASK) == L1_TYPE_PAGE_TABLE;
}

enum objtype paging_child_table_type(enum objtype table)
{
    (void)table;
    return ObjType_VNode_ARM_l2;
}

bool paging_walk_to_table(genpaddr_t root_base, uint64_t vaddr, enum objtype table,
                          genpaddr_t *ret_base)
{
    if (table == ObjType_VNode_ARM_l1) {
        *ret_base = root_base;
        return true;
    }
    const volatile uint32_t *l1 = phys_to_kernel_ptr(root_base);
    uint32_t entry = l1[(vaddr >> 20) % L1_ENTRIES];
    if ((entry & L1_TYPE_MASK) != L1_TYPE_PAGE_TABLE) {
        return false;
    }
    *ret_base = entry & L1_TABLE_ADDR_MASK;
    return true;
}

uint64_t paging_read_entry(enum objtype table, genpaddr_t table_base, cslot_t slot)
{
    (void)table;
    const volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    return entries[slot];
}

void paging_write_entry(enum objtype table, genpaddr_t table_base, cslot_t slot, uint64_t entry)
{
    (void)table;
    volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    entries[slot] = (uint32_t)entry;
}

bool paging_entries_absent(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count)
{
    const volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    for (cslot_t i = slot; i < slot + count; i++) {
        if (paging_entry_is_present(table, entries[i])) {
            return false;
        }
    }
    return true;
}

void paging_write_page_run(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count,
                           genpaddr_t paddr, vregion_flags_t flags)
{
    volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    /* The address is the top bits of both formats: consecutive pages differ by the span. */
    uint32_t entry = (uint32_t)paging_make_page_entry(table, paddr, flags);
    uint32_t step = (uint32_t)paging_entry_span_bytes(table);
    for (cslot_t i = slot; i < slot + count; i++, entry += step) {
        entries[i] = entry;
    }
}

void paging_rewrite_page_flags(enum objtype table, genpaddr_t table_base, cslot_t slot,
                               cslot_t count, vregion_flags_t flags)
{
    volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    uint32_t bits = (uint32_t)paging_make_page_entry(table, 0, flags);
    uint32_t mask = table == ObjType_VNode_ARM_l1 ? L1_SECTION_ADDR_MASK : L2_PAGE_ADDR_MASK;
    for (cslot_t i = slot; i < slot + count; i++) {
        entries[i] = (entries[i] & mask) | bits;
    }
}

void paging_clear_entries(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count)
{
    (void)table;
    volatile uint32_t *entries = phys_to_kernel_ptr(table_base);
    for (cslot_t i = slot; i < slot + count; i++) {
        entries[i] = 0;
    }
}

void paging_entries_written(enum objtype table, genpaddr_t table_base, cslot_t first, cslot_t count)
{
    /* The table walker may not look in the L1 data cache: clean the entries to memory. */
    (void)table;
    platform_cache_clean_range(table_base + (genpaddr_t)first * 4, (gensize_t)count * 4);
}
