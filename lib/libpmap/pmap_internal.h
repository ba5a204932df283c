/* The shadow tree's nodes and the helpers shared by libpmap's files. */
#ifndef PMAP_INTERNAL_H
#define PMAP_INTERNAL_H

#include <pmap/pmap.h>

/*
 * A page table in the shadow tree. child[i] says what entry i holds: 0
 * (empty), a child table (a pointer), or a mapped run (a pointer with bit 0
 * set); every entry of a run points to the same run. Finding the child for
 * an address is one index per level.
 */
struct pmap_vnode {
    struct capref cap; /* the table; also the copy mapped into the parent */
    struct pmap_vnode *parent;
    cslot_t parent_slot;
    uint16_t used; /* non-empty entries */
    uint8_t level;
    uintptr_t child[];
};

/* A run of entries in one table, mapped through one copy of a frame capability. */
struct pmap_mapping {
    struct capref frame;    /* what the caller mapped */
    struct capref copy;     /* ours: holds the kernel's record of this run */
    gensize_t offset_bytes; /* into the frame, of the first entry */
    cslot_t slot;
    uint16_t pte_count;
    uint8_t level;
    vregion_flags_t flags;
};

_Static_assert(sizeof(struct pmap_mapping) <= PMAP_MAPPING_BYTES_MAX, "mapping node too big");

#define CHILD_MAPPING_TAG ((uintptr_t)1)

static inline bool child_is_mapping(uintptr_t c)
{
    return (c & CHILD_MAPPING_TAG) != 0;
}

static inline struct pmap_mapping *child_mapping(uintptr_t c)
{
    return (struct pmap_mapping *)(c & ~CHILD_MAPPING_TAG);
}

static inline struct pmap_vnode *child_table(uintptr_t c)
{
    return (struct pmap_vnode *)c;
}

static inline size_t vnode_bytes(const struct pmap_layout *layout, int level)
{
    return sizeof(struct pmap_vnode) + layout->entries[level] * sizeof(uintptr_t);
}

static inline cslot_t slot_of(const struct pmap *pmap, genvaddr_t vaddr, int level)
{
    const struct pmap_layout *l = pmap->layout;
    return (cslot_t)((vaddr / l->span_bytes[level]) % l->entries[level]);
}

/*
 * Descends from the root towards vaddr, one index per level, and stops at
 * the first entry that is empty or a run, or at a table of level
 * stop_level; returns that table and (in *entry) its entry for vaddr.
 */
struct pmap_vnode *vnode_descend(const struct pmap *pmap, genvaddr_t vaddr, int stop_level,
                                 uintptr_t *entry);

/*
 * How far the metadata window grows at a time; pmap_determine_addr keeps one such step above the
 * window free too, so that a refill for a range it handed out has room without taking the range.
 */
#define PMAP_META_GROW_BYTES ((gensize_t)2 << 20)

/* Does [vaddr, vaddr + bytes) overlap the self-paging metadata window? (Foreign pmaps have none.)
 */
static inline bool overlaps_meta_window(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    return pmap->options.heap_alloc == NULL && vaddr < pmap->meta_limit &&
           pmap->meta_base < vaddr + bytes;
}

/* The address a table's entry 0 maps. */
genvaddr_t vnode_base_vaddr(const struct pmap *pmap, const struct pmap_vnode *vnode);

/* Metadata: make sure the slabs hold this many nodes beyond the refill reserve. */
errval_t pmap_ensure_slabs(struct pmap *pmap, size_t vnodes, size_t mappings);

/* Shadow tree: the table of level `level` for vaddr, made (with its parents) if missing. */
errval_t vnode_get_or_create(struct pmap *pmap, genvaddr_t vaddr, int level,
                             struct pmap_vnode **ret);

/* Reclaims empty tables from vnode upwards (never the root). */
errval_t vnode_reclaim_if_empty(struct pmap *pmap, struct pmap_vnode *vnode);

/* Installs a run: the kernel mapping through a fresh copy, and the shadow entries. */
errval_t mapping_install(struct pmap *pmap, struct pmap_vnode *table, cslot_t slot,
                         struct capref frame, gensize_t offset_bytes, size_t pte_count,
                         vregion_flags_t flags);

/* Removes a whole run: the kernel mapping, our copy, the shadow entries. */
errval_t mapping_remove(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m);

/* Did a call on a run's copy fail because the copy is gone (its frame revoked by someone)? */
static inline bool copy_was_revoked(errval_t err)
{
    return err_no(err_pop(err)) == SYS_ERR_CAP_NOT_FOUND;
}

/*
 * Deletes a run's copy and frees its slot. A copy already gone (its frame
 * revoked or freed by someone else, which unmapped it in the kernel) counts
 * as removed, in stats.runs_revoked: the pmap never wedges on it.
 */
errval_t mapping_copy_destroy(struct pmap *pmap, struct capref copy);

/*
 * Walks [start, end): calls visit for each run that overlaps it, in address
 * order, with its table and the address of its first entry; stops early
 * when visit returns an error or sets *stop.
 */
typedef errval_t (*mapping_visitor)(struct pmap *pmap, struct pmap_vnode *table,
                                    struct pmap_mapping *m, genvaddr_t run_vaddr, void *arg,
                                    bool *stop);
errval_t pmap_walk_range(struct pmap *pmap, genvaddr_t start, genvaddr_t end, mapping_visitor visit,
                         void *arg);

/* Makes vaddr a run border: splits the large page or run that has vaddr strictly inside. */
errval_t pmap_split_at(struct pmap *pmap, genvaddr_t vaddr);

/* A visitor that sets *(bool *)arg to false at the first run it meets, and stops. */
errval_t pmap_visit_exists(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                           genvaddr_t run_vaddr, void *arg, bool *stop);

/* The entry points without their error context, for internal use (refill, rollback). */
errval_t pmap_map_internal(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                           gensize_t offset_bytes, gensize_t bytes, vregion_flags_t flags);
errval_t pmap_unmap_internal(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/* Gives every metadata block back (pmap_destroy). */
void pmap_free_meta_blocks(struct pmap *pmap);

/* Range checks shared by the entry points. */
errval_t pmap_check_range(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

#endif
