/* What the paging fuzz harness checks after the kernel accepted a change: walker, TLB, caches. */
#ifndef FUZZ_PAGING_ORACLE_H
#define FUZZ_PAGING_ORACLE_H

#include <capabilities.h>
#include <paging_flags.h>
#include <pmap/pmap_arch.h>

/* The format under test and the root table every check walks from. */
void oracle_begin(genpaddr_t root_base);

/*
 * Where entry 0 of the table at table_base (of type) maps in the root's
 * address space, following the kernel's mapping records up to the root;
 * false when the table does not hang below the root.
 */
bool oracle_table_vaddr(genpaddr_t table_base, enum objtype type, uint64_t *va);

/* The page size of an entry of a table of this type. */
gensize_t oracle_page_bytes(enum objtype table_type);

/*
 * Pages [first, first + count) of the mapping recorded with c translate to
 * its frame, through pages of the table's page size; with flags != 0 the
 * walker's permissions are exactly those flags, else within c's rights.
 */
void oracle_check_record(const struct cte *c, uint64_t first, uint64_t count,
                         vregion_flags_t flags);

/* Every frame mapping the kernel records below the root translates as recorded. */
void oracle_check_all_records(void);

/* Nothing of [va, va + bytes) translates. */
void oracle_check_absent(uint64_t va, uint64_t bytes);

/* Since the last reset, every page of [va, va + bytes) in the root's space was flushed. */
void oracle_check_flushed(uint64_t va, uint64_t bytes);

/* ARMv7: since the last reset, entries [slot, slot + count) of the table were cleaned. */
void oracle_check_cleaned(genpaddr_t table_base, uint64_t slot, uint64_t count);

#endif
