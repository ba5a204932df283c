/* The mapping index: mapped capability copies found by the table and slot their record names. */
#ifndef KERNEL_MAP_INDEX_H
#define KERNEL_MAP_INDEX_H

#include <capabilities.h>

/*
 * Every copy whose mapping record is set sits in one treap ordered by
 * (table_base, slot). Records never overlap within a table, so the record
 * covering an entry is the last one starting at or before it: found in
 * O(log n) from the table and the slot alone, whatever the entry holds.
 */

/* Forgets every entry (boot of a new machine). */
void map_index_init(void);

/* Sets cte's record to m and indexes it; the copy must not be mapped. */
void map_index_record(struct cte *cte, const struct mapping_record *m);

/* Clears cte's record and drops it from the index; the copy must be mapped. */
void map_index_forget(struct cte *cte);

/* The copy whose record covers entry slot of the table at table_base; NULL if none. */
struct cte *map_index_find(genpaddr_t table_base, cslot_t slot);

/* The first record at or after (table_base, slot) in index order; NULL if none. */
struct cte *map_index_first_from(genpaddr_t table_base, cslot_t slot);
struct cte *map_index_next(const struct cte *prev);

/* For tests and the checker: how many records, and whether the treap holds. */
size_t map_index_count(void);
bool map_index_check(void);

#endif
