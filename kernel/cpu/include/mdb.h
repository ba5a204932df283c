/* The derivation index: which capabilities are copies and descendants of which. */
#ifndef KERNEL_MDB_H
#define KERNEL_MDB_H

#include <capabilities.h>

/*
 * Every live capability sits in one treap ordered by (base ascending, end
 * descending, type rank ascending, type, slot address). Because retype
 * never lets two live objects overlap unless one was derived from the
 * other, the descendants of a capability are exactly the entries that follow
 * its run of copies while their base lies below its end, and its copies are
 * its neighbours with the same type, base and size. Each node also carries
 * the largest end in its subtree, which answers overlap queries. All queries
 * take O(log n) expected time, plus the size of their output.
 */

/*
 * Forgets every entry (boot of a new machine), the mapping index's too, and seeds the generator of
 * treap priorities. Priorities are drawn at insert, not derived from
 * anything a domain chooses, so no choice of slots or addresses can make
 * the tree degenerate; the platform seeds from a source domains cannot read.
 */
void mdb_init(uint64_t priority_seed);

void mdb_insert(struct cte *cte);
void mdb_remove(struct cte *cte);

/* Another slot that holds a copy of cap, other than except; NULL if none. */
struct cte *mdb_find_copy(const struct capability *cap, const struct cte *except);

bool mdb_has_copies(const struct cte *cte);

/* A copy of cap, other than except (may be NULL), that holds a mapping; NULL if none. */
struct cte *mdb_find_mapped_copy(const struct capability *cap, const struct cte *except);

/* All copies of cap in index order: the first, then the one after prev; NULL at the end. */
struct cte *mdb_first_copy(const struct capability *cap);
struct cte *mdb_next_copy(const struct cte *prev);

/* The first descendant of cap in index order; NULL if it has none. */
struct cte *mdb_first_descendant(const struct capability *cap);

/*
 * The descendant of ancestor that follows prev (itself a descendant) in
 * index order; NULL after the last. With mdb_first_descendant this lists
 * all descendants, O(log n) each; the index must not change in between.
 */
struct cte *mdb_next_descendant(const struct capability *ancestor, const struct cte *prev);

static inline bool mdb_has_descendants(const struct cte *cte)
{
    return mdb_first_descendant(&cte->cap) != NULL;
}

/* A descendant of ancestor whose object overlaps [base, base + bytes); NULL if none. */
struct cte *mdb_find_overlapping_descendant(const struct capability *ancestor, genpaddr_t base,
                                            gensize_t bytes);

/*
 * The nearest entry before cte in index order whose object reaches past
 * cte's base: while live objects nest (the invariant), that is the
 * innermost object containing cte, or a copy of it; NULL if none. O(log n)
 * expected (the subtree ends prune), without recursion.
 */
struct cte *mdb_innermost_before(const struct cte *cte);

/* All live capabilities in index order: the first, then the one after prev; NULL at the end. */
struct cte *mdb_first(void);
struct cte *mdb_next(const struct cte *prev);

/* For tests: the number of entries, the tree's height, and whether the treap invariants hold. */
size_t mdb_count(void);
size_t mdb_height(void);
bool mdb_check_invariants(void);

#endif
