/* The shadow tree's nodes and the helpers shared by libpmap's files. */
#ifndef PMAP_INTERNAL_H
#define PMAP_INTERNAL_H

#include <pmap/pmap.h>

struct meta_block;

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
    bool claimed;    /* pmap_destroy: a metadata block has taken this table down with it */
    bool borrowed;   /* adopted: cap is the caller's, so taking the table down only unmaps it */
    bool pinned;     /* pmap_destroy: a run it keeps lies below, so the table stays */
    genpaddr_t base; /* the table's physical base: adoption finds tables by it, and teardown
                        gives back the memory made there */
    uintptr_t child[];
};

/*
 * A run of entries in one table, mapped through one copy of a frame
 * capability. Single-page maps make one each, so it is packed into 16 bytes
 * (doc/performance.md: metadata per page): capabilities by address, the
 * offset in pages, the rest in bit-fields.
 */
struct pmap_mapping {
    capaddr_t frame;       /* what the caller mapped (run_frame) */
    capaddr_t copy;        /* ours, holding the kernel's record of this run (run_copy); the
                              caller's capability when borrowed */
    uint32_t offset_pages; /* into the frame, of the first entry (run_offset_bytes) */
    uint32_t slot : 12;
    uint32_t pte_count : 13;
    uint32_t flags : 4;    /* VREGION_FLAGS_MASK bits */
    uint32_t kept : 1;     /* adopted with PMAP_ADOPT_KEEP: pmap_destroy leaves it mapped */
    uint32_t borrowed : 1; /* copy is the caller's (adopted or lent): unmapped, never deleted */
};

_Static_assert(sizeof(struct pmap_mapping) == 16, "a run must stay 16 bytes");
_Static_assert(sizeof(struct pmap_mapping) <= PMAP_MAPPING_BYTES_MAX, "mapping node too big");
_Static_assert(VREGION_FLAGS_MASK < (1u << 4), "run flags must fit their bit-field");
/* slot and pte_count: the largest table (ARMv7's L1) has 4096 entries, which fit. */
/* How far into a frame a run can start: offset_pages' range. */
#define RUN_OFFSET_BYTES_MAX (((gensize_t)UINT32_MAX + 1) << BASE_PAGE_BITS)

static inline struct capref run_frame(const struct pmap_mapping *m)
{
    return capref_from_addr(m->frame);
}

static inline struct capref run_copy(const struct pmap_mapping *m)
{
    return capref_from_addr(m->copy);
}

static inline gensize_t run_offset_bytes(const struct pmap_mapping *m)
{
    return (gensize_t)m->offset_pages << BASE_PAGE_BITS;
}

/*
 * The flags the run was mapped or last modified with, as pmap_lookup reports them: with
 * VREGION_FLAGS_LARGE exactly when its pages are larger than a base page (level: its table's),
 * whatever the caller asked; a large page broken into small ones reports small ones.
 */
static inline vregion_flags_t run_flags(const struct pmap_layout *l, int level,
                                        const struct pmap_mapping *m)
{
    return m->flags | (level < l->levels - 1 ? VREGION_FLAGS_LARGE : 0);
}

/* A run's flags field from flags (as pmap_map takes them; VREGION_FLAGS_LARGE is not kept). */
static inline void run_set_flags(struct pmap_mapping *m, vregion_flags_t flags)
{
    m->flags = flags & VREGION_FLAGS_MASK;
}

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
    return (cslot_t)((vaddr >> l->span_shift[level]) & (l->entries[level] - 1));
}

/* How many whole entries of level `level` bytes covers (pmap_arch.h: no division). */
static inline genvaddr_t spans_in(const struct pmap_layout *l, int level, genvaddr_t bytes)
{
    return bytes >> l->span_shift[level];
}

static inline bool span_aligned(const struct pmap_layout *l, int level, genvaddr_t addr)
{
    return (addr & (l->span_bytes[level] - 1)) == 0;
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

/*
 * What one refill may consume: mapping one block inside one leaf table
 * needs at most a table per level below the root and one run. Keeping
 * twice that in both slabs lets any one refill run, and leaves enough for
 * the next one, whichever slab it feeds: so the loop in pmap_ensure_slabs
 * always ends, each refill adding far more than it consumes.
 */
static inline size_t pmap_reserve_vnodes(const struct pmap *pmap)
{
    return 2 * (size_t)(pmap->layout->levels - 1);
}

/* Metadata: make sure the slabs hold this many nodes beyond the refill reserve. */
errval_t pmap_ensure_slabs(struct pmap *pmap, size_t vnodes, size_t mappings);

/* Shadow tree: the table of level `level` for vaddr, made (with its parents) if missing. */
errval_t vnode_get_or_create(struct pmap *pmap, genvaddr_t vaddr, int level,
                             struct pmap_vnode **ret);

/* Reclaims empty tables from vnode upwards (never the root). */
errval_t vnode_reclaim_if_empty(struct pmap *pmap, struct pmap_vnode *vnode);

/*
 * Takes a table below the root down: destroys the pmap's own (which unmaps it from its parent),
 * unmaps a borrowed one from its parent at slot (the capability stays the caller's).
 */
errval_t vnode_take_down(struct capref cap, bool borrowed, struct capref parent, cslot_t slot);

/*
 * The same for a node of the tree: the pmap's own table is destroyed as the one made at its base
 * (vnode_destroy_made), whatever its slot holds now: a foreign pmap's slots lie in the other
 * domain's CSpace, which that domain may have changed.
 */
errval_t vnode_node_take_down(const struct pmap *pmap, const struct pmap_vnode *vnode);

/* Installs a run: the kernel mapping through a fresh copy, and the shadow entries. */
/* Which capability a new run's mapping lives in: a copy the pmap makes, or the caller's own. */
enum run_cap { RUN_CAP_COPY, RUN_CAP_LENT };
errval_t mapping_install(struct pmap *pmap, struct pmap_vnode *table, cslot_t slot,
                         enum run_cap how, struct capref frame, gensize_t offset_bytes,
                         size_t pte_count, vregion_flags_t flags);

/* Removes a whole run: the kernel mapping, our copy, the shadow entries. */
errval_t mapping_remove(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m);

enum { META_KIND_VNODE, META_KIND_MAPPING };

/* The slab of kind (META_KIND_*). */
static inline struct slab_allocator *meta_slab(struct pmap *pmap, int kind)
{
    return kind == META_KIND_VNODE ? &pmap->vnode_slab : &pmap->mapping_slab;
}

/* Slab objects, counted per block so that idle blocks can be given back (shrink.c). */
void *meta_alloc(struct pmap *pmap, int kind);
void meta_free(struct pmap *pmap, int kind, void *obj);

/* A block just added to the slab of its kind: counted as idle until an object is taken. */
void meta_block_added(struct pmap *pmap, struct meta_block *b);

/*
 * Gives idle metadata blocks back (unmapped, frames freed) once enough of a slab is idle,
 * keeping one idle block per slab so that alternating map and unmap does not churn. Call only
 * at the end of an entry point: it changes the tree. Self-paging pmaps only.
 */
errval_t pmap_trim_metadata(struct pmap *pmap);

/* Where the next block goes: the lowest hole a trimmed block left in the window, else meta_next. */
genvaddr_t meta_next_block_vaddr(struct pmap *pmap);

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

/* Is no run mapped anywhere in [vaddr, vaddr + bytes)? */
bool pmap_range_is_free(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/* A visitor that sets *(bool *)arg to false at the first run it meets, and stops. */
errval_t pmap_visit_exists(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                           genvaddr_t run_vaddr, void *arg, bool *stop);

/* The entry points without their error context, for internal use (refill, rollback). */
errval_t pmap_map_internal(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                           gensize_t offset_bytes, gensize_t bytes, vregion_flags_t flags);
errval_t pmap_unmap_internal(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/*
 * pmap_destroy's first step: unmaps every run in the range except those adopted to be kept,
 * which it leaves mapped and pins the tables above them, so that nothing takes those down.
 */
errval_t pmap_unmap_all_but_kept(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/*
 * The header of each metadata block: the list of blocks, what backs this one and, filled in by
 * pmap_destroy while every block is still mapped, everything needed to take it down without
 * reading any other block: its run's copy and the tables that go with it, root side first.
 */
struct meta_block {
    struct meta_block *next; /* newer blocks come first */
    struct meta_block *prev;
    struct capref frame; /* NULL_CAP for heap blocks */
    genvaddr_t vaddr;    /* where a self-paging pmap mapped it */
    uint32_t in_use;     /* objects of this block allocated (self-paging pmaps) */
    uint8_t kind;        /* META_KIND_*: the slab it feeds */
    bool dying;          /* chosen by pmap_trim_metadata */
    /* The run that maps this block lives in the block itself: no other block is pinned by it. */
    struct pmap_mapping self_run;
    struct capref copy;
    struct {
        struct capref cap, parent; /* the table, and the one it is mapped in at slot */
        cslot_t slot;
        bool borrowed;
    } tables[PMAP_MAX_LEVELS];
    uint8_t table_count;
};

/* Range checks shared by the entry points. */
errval_t pmap_check_range(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

#endif
