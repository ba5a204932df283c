/* Architecture interface for page tables; each kernel/arch/<arch> folder implements it. */
#ifndef KERNEL_PAGING_ARCH_H
#define KERNEL_PAGING_ARCH_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <paging_flags.h>

/* Is type a page-table level of this architecture's format? */
bool paging_vnode_type_is_native(enum objtype type);

/* The top-level table type: the root of an address space. */
enum objtype paging_root_type(void);

/* Entries in a table of this type, and the bytes of address space each entry spans. */
cslot_t paging_table_entries(enum objtype table);
gensize_t paging_entry_span_bytes(enum objtype table);

/* Is this slot of a table reserved for the kernel's half of the address space? */
bool paging_slot_reserved(enum objtype table, cslot_t slot);

/* What a capability of type src becomes in a table of type table. */
enum paging_map_kind {
    PAGING_MAP_NONE,  /* it cannot go there */
    PAGING_MAP_TABLE, /* a next-level table, one entry */
    PAGING_MAP_PAGE,  /* pages of paging_entry_span_bytes(table) each */
};
enum paging_map_kind paging_map_kind(enum objtype table, enum objtype src);

/*
 * Called at boot when the CPU cannot walk the pages that entries of this
 * table type would map (x86-64: 1 GiB pages without CPUID PDPE1GB): map
 * then refuses frames there (SYS_ERR_VM_MAP_WRONG_LEVEL) rather than write
 * an entry the hardware would fault on as reserved.
 */
void paging_forbid_pages_at(enum objtype table);

/* The highest physical address (exclusive) an entry can name. */
genpaddr_t paging_paddr_limit(void);

/* Entry encodings; entries travel as 64-bit values whatever their hardware width. */
uint64_t paging_make_table_entry(enum objtype table, genpaddr_t child_base);
uint64_t paging_make_page_entry(enum objtype table, genpaddr_t paddr, vregion_flags_t flags);
bool paging_entry_is_present(enum objtype table, uint64_t entry);
genpaddr_t paging_entry_paddr(enum objtype table, uint64_t entry);

/* Does a present entry point to a next-level table (rather than map a page)? Of which type? */
bool paging_entry_is_table(enum objtype table, uint64_t entry);
enum objtype paging_child_table_type(enum objtype table);

/* The rights and caching a present page entry gives (VREGION_FLAGS_*). */
vregion_flags_t paging_entry_flags(enum objtype table, uint64_t entry);

/*
 * The table of type `table` that a walk from the root table at root_base
 * towards user address vaddr reaches, in *ret_base; false when an entry on
 * the way is absent or maps pages. The TLB code's check of a hint: one read
 * per level, without the per-entry calls of a generic walk.
 */
bool paging_walk_to_table(genpaddr_t root_base, uint64_t vaddr, enum objtype table,
                          genpaddr_t *ret_base);

/* Reading and writing entries of the table at table_base. */
uint64_t paging_read_entry(enum objtype table, genpaddr_t table_base, cslot_t slot);
void paging_write_entry(enum objtype table, genpaddr_t table_base, cslot_t slot, uint64_t entry);

/*
 * Runs of entries [slot, slot + count) of one table, one call per run (map,
 * unmap and modify_flags of many pages cost a loop of a few instructions
 * per entry): are they all absent; write page entries mapping consecutive
 * pages from paddr on with flags; give the run's page entries flags,
 * keeping their pages; clear them.
 */
bool paging_entries_absent(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count);
void paging_write_page_run(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count,
                           genpaddr_t paddr, vregion_flags_t flags);
void paging_rewrite_page_flags(enum objtype table, genpaddr_t table_base, cslot_t slot,
                               cslot_t count, vregion_flags_t flags);
void paging_clear_entries(enum objtype table, genpaddr_t table_base, cslot_t slot, cslot_t count);

/*
 * Called after writing entries [first, first + count): makes them visible to
 * the hardware table walker (ARMv7: clean the data cache lines; x86-64: the
 * walker snoops, nothing to do).
 */
void paging_entries_written(enum objtype table, genpaddr_t table_base, cslot_t first,
                            cslot_t count);

#endif
