/* TLB policy: which translations a change to a table's entries makes stale, and flushing them. */
#ifndef KERNEL_TLB_H
#define KERNEL_TLB_H

#include <caps/capaddr.h>
#include <caps/captypes.h>

/*
 * Flushes the translations of entries [first, first + count) of the table
 * of type table at table_base: a range when the table is reachable from a
 * root and the range is small, everything when it is large. A table no
 * root reaches has no translations to flush (unmapping it from its parent
 * flushed them). vaddr_hint is where entry first lies in the calling domain's address space
 * (0: not known); it is used only when a walk of the caller's own tables confirms it.
 */
void tlb_flush_entries(enum objtype table, genpaddr_t table_base, cslot_t first, cslot_t count,
                       uint64_t vaddr_hint);

#endif
