/* Map, unmap and modify_flags through VNode and frame capabilities, and their deletion hooks. */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <capabilities.h>
#include <invocations.h>
#include <paging_flags.h>

/* Above this many pages a change flushes the whole TLB instead of a range. */
#define TLB_FLUSH_RANGE_MAX_PAGES 32

/*
 * Installs pte_count entries from slot on in table, mapping src (a frame
 * from offset_bytes on, or a next-level table) with flags. src is a copy
 * that is not mapped yet; the mapping is recorded with it. Every check
 * happens before any entry changes; errors: SYS_ERR_VNODE_*, SYS_ERR_VM_*.
 */
errval_t paging_map(struct cte *table, uint64_t slot, struct cte *src, uint64_t flags,
                    uint64_t offset_bytes, uint64_t pte_count);

/* Removes exactly the mapping recorded with src, which must be in table at [slot, +pte_count). */
errval_t paging_unmap(struct cte *table, struct cte *src, uint64_t slot, uint64_t pte_count);

/* Sets flags on pages [first_page, first_page + pages) of the mapping recorded with mapped;
   vaddr_hint, where first_page lies for the caller or 0, only spares the TLB flush a search. */
errval_t paging_modify_flags(struct cte *mapped, uint64_t first_page, uint64_t pages,
                             uint64_t flags, uint64_t vaddr_hint);

/*
 * Are flags valid (known bits, read) and within cap's rights? Errors:
 * SYS_ERR_VM_FLAGS_INVALID, SYS_ERR_VM_RIGHTS_EXCEED. Used by map and modify_flags.
 */
errval_t paging_check_flags(const struct capability *cap, uint64_t flags);

/* Do mappings with flags read memory from under the data cache (uncached, or executable)? Map
   and modify_flags then clean the pages first (paging.c says why). */
bool paging_flags_bypass_cache(uint64_t flags);

/*
 * CMD_IDENTIFY_MAPPING: the record copy holds, and the flags its entries carry (invocations.h).
 * Errors: SYS_ERR_VM_NOT_MAPPED.
 */
struct sysret paging_identify_mapping(const struct cte *copy);

/*
 * Moves entries [at, pte_count) of the mapping recorded with mapped to dest, an unmapped copy of
 * the same object with at least mapped's rights; the entries stay as they are. Errors:
 * SYS_ERR_VM_NOT_MAPPED, SYS_ERR_VM_BEYOND_MAPPING, SYS_ERR_VM_SPLIT_NOT_A_COPY,
 * SYS_ERR_VM_RIGHTS_EXCEED, SYS_ERR_VM_ALREADY_MAPPED.
 */
errval_t paging_split_mapping(struct cte *mapped, uint64_t at, struct cte *dest);

/*
 * Does vaddr lie in the user half of an address space of this machine (a root slot the kernel
 * does not reserve; x86-64: canonical and below the kernel's half)?
 */
bool paging_user_vaddr(uint64_t vaddr);

/* Deletion hooks: a mapped copy goes away; a page table's last copy goes away. */
void paging_unmap_record(struct cte *mapped);
void paging_table_dying(const struct capability *table);

#endif
