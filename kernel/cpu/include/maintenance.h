/* Platform interface: TLB and cache maintenance the generic paging code asks for. */
#ifndef KERNEL_MAINTENANCE_H
#define KERNEL_MAINTENANCE_H

#include <caps/captypes.h>

/* Drops translations of [vaddr, vaddr + bytes) in the address space rooted at root. */
void platform_tlb_flush_range(genpaddr_t root, uint64_t vaddr, uint64_t bytes);

/* Drops every non-global translation. */
void platform_tlb_flush_all(void);

/* Writes dirty data cache lines of [paddr, paddr + bytes) back to memory (ARMv7). */
void platform_cache_clean_range(genpaddr_t paddr, gensize_t bytes);

#endif
