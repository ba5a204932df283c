/* pmap_map: choosing page sizes, making tables, one copy of the frame per table touched. */
#include "pmap_internal.h"

errval_t pmap_visit_exists(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                           genvaddr_t run_vaddr, void *arg, bool *stop)
{
    (void)pmap;
    (void)table;
    (void)m;
    (void)run_vaddr;
    *(bool *)arg = false;
    *stop = true;
    return SYS_ERR_OK;
}

bool pmap_range_is_free(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    if (bytes == BASE_PAGE_BYTES) { /* one page (a first touch's map): one descent, no walk */
        uintptr_t entry;
        vnode_descend(pmap, vaddr, pmap->layout->levels, &entry);
        return entry == 0;
    }
    bool free = true;
    pmap_walk_range(pmap, vaddr, vaddr + bytes, pmap_visit_exists, &free);
    return free;
}

/* Is the entry for vaddr at level empty (no table there, nor above it)? */
static bool entry_is_empty(const struct pmap *pmap, genvaddr_t vaddr, int level)
{
    uintptr_t entry;
    vnode_descend(pmap, vaddr, level, &entry);
    return entry == 0;
}

/* The largest page level usable at vaddr for what is left, the leaf when nothing larger fits. */
static int page_level(const struct pmap *pmap, genvaddr_t vaddr, genpaddr_t paddr,
                      gensize_t remaining, vregion_flags_t flags)
{
    const struct pmap_layout *l = pmap->layout;
    int leaf = l->levels - 1;
    if (!(flags & VREGION_FLAGS_LARGE)) {
        return leaf;
    }
    for (int level = 0; level < leaf; level++) {
        if (l->frame_level[level] && span_aligned(l, level, vaddr) &&
            span_aligned(l, level, paddr) && remaining >= l->span_bytes[level] &&
            entry_is_empty(pmap, vaddr, level)) {
            return level;
        }
    }
    return leaf;
}

/* Worst case of tables and runs a map of [vaddr, vaddr + bytes) can need. */
static size_t tables_spanned(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    size_t tables = 0;
    const struct pmap_layout *l = pmap->layout;
    for (int level = 1; level < l->levels; level++) {
        gensize_t cover = l->span_bytes[level - 1];
        tables += (size_t)(spans_in(l, level - 1, vaddr + bytes + cover - 1) -
                           spans_in(l, level - 1, vaddr));
    }
    return tables;
}

/* Maps run after run; on failure unmaps what this call mapped, so nothing stays. */
static errval_t map_runs(struct pmap *pmap, genvaddr_t vaddr, enum run_cap how, struct capref frame,
                         genpaddr_t frame_base, gensize_t offset_bytes, gensize_t bytes,
                         vregion_flags_t flags)
{
    const struct pmap_layout *l = pmap->layout;
    genvaddr_t va = vaddr;
    genvaddr_t end = vaddr + bytes;
    while (va < end) {
        gensize_t offset = offset_bytes + (va - vaddr);
        int level = page_level(pmap, va, frame_base + offset, end - va, flags);
        gensize_t span = l->span_bytes[level];
        cslot_t slot = slot_of(pmap, va, level);
        size_t count = (size_t)spans_in(l, level, end - va);
        if (count > l->entries[level] - slot) {
            count = l->entries[level] - slot;
        }
        struct pmap_vnode *table;
        errval_t err = vnode_get_or_create(pmap, va, level, &table);
        if (err_is_ok(err)) {
            err = mapping_install(pmap, table, slot, how, frame, offset, count, flags);
        }
        if (err_is_fail(err)) {
            /* Tables made on the way down for this run may now be empty. */
            uintptr_t entry;
            vnode_reclaim_if_empty(pmap, vnode_descend(pmap, va, l->levels, &entry));
        }
        if (err_is_fail(err)) {
            if (va > vaddr) {
                pmap_unmap_internal(pmap, vaddr, va - vaddr);
            }
            return err;
        }
        va += count * span;
    }
    return SYS_ERR_OK;
}

/* What pmap_map and pmap_map_lent check before they look at the frame. */
static errval_t check_request(struct pmap *pmap, genvaddr_t vaddr, gensize_t offset_bytes,
                              gensize_t bytes, vregion_flags_t flags)
{
    errval_t err = pmap_check_range(pmap, vaddr, bytes);
    if (err_is_fail(err)) {
        return err;
    }
    if (offset_bytes % BASE_PAGE_BYTES != 0) {
        return LIB_ERR_PMAP_NOT_ALIGNED;
    }
    if ((flags & ~(VREGION_FLAGS_MASK | VREGION_FLAGS_LARGE)) != 0 ||
        !(flags & VREGION_FLAGS_READ)) {
        return LIB_ERR_PMAP_FLAGS_INVALID;
    }
    if (!pmap->refilling && overlaps_meta_window(pmap, vaddr, bytes)) {
        return LIB_ERR_PMAP_ADDR_RESERVED;
    }
    return SYS_ERR_OK;
}

/* Slabs for tables new tables and tables + 1 runs; a refill must not have grown the metadata
   window over the range. */
static errval_t reserve_metadata(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes,
                                 size_t tables)
{
    errval_t err = pmap_ensure_slabs(pmap, tables, tables + 1);
    if (err_is_ok(err) && !pmap->refilling && overlaps_meta_window(pmap, vaddr, bytes)) {
        err = LIB_ERR_PMAP_ADDR_RESERVED; /* the refill just grew the window over it */
    }
    return err;
}

/* The range must be free, and the slabs must hold the tables and runs its map can need. */
static errval_t prepare_range(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    if (!pmap_range_is_free(pmap, vaddr, bytes)) {
        return LIB_ERR_PMAP_EXISTING_MAPPING;
    }
    return reserve_metadata(pmap, vaddr, bytes, tables_spanned(pmap, vaddr, bytes));
}

/*
 * One base page into a leaf table the tree already has (a first touch, or a map of one page,
 * nearly always): one descent finds the table and the free entry, where the general path walks
 * the range, sizes its tables and descends again. *done is false when the table is missing: the
 * general path makes it.
 */
static errval_t map_one_page(struct pmap *pmap, genvaddr_t vaddr, enum run_cap how,
                             struct capref frame, gensize_t offset_bytes, vregion_flags_t flags,
                             bool *done)
{
    int leaf = pmap->layout->levels - 1;
    uintptr_t entry;
    struct pmap_vnode *table = vnode_descend(pmap, vaddr, leaf, &entry);
    *done = entry != 0 || table->level == leaf;
    if (entry != 0) {
        return LIB_ERR_PMAP_EXISTING_MAPPING;
    }
    if (!*done) {
        return SYS_ERR_OK;
    }
    errval_t err = reserve_metadata(pmap, vaddr, BASE_PAGE_BYTES, 0);
    if (err_is_ok(err)) {
        err = mapping_install(pmap, table, slot_of(pmap, vaddr, leaf), how, frame, offset_bytes, 1,
                              flags);
    }
    return err;
}

/*
 * pmap_map of one base page: no identify first, the kernel checks the frame as it maps. *done
 * only when it mapped: a taken entry, a missing table or any refusal (which undoes itself) is
 * left to the general path, which identifies first and checks in its own order, so what a
 * caller is told never depends on the path (nor on a neighbour having made the table).
 */
static void map_one_copy(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                         gensize_t offset_bytes, vregion_flags_t flags, bool *done)
{
    errval_t err = map_one_page(pmap, vaddr, RUN_CAP_COPY, frame, offset_bytes, flags, done);
    *done = *done && err_is_ok(err);
}

errval_t pmap_map_internal(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                           gensize_t offset_bytes, gensize_t bytes, vregion_flags_t flags)
{
    errval_t err = check_request(pmap, vaddr, offset_bytes, bytes, flags);
    if (err_is_ok(err) && bytes == BASE_PAGE_BYTES && !(flags & VREGION_FLAGS_LARGE) &&
        offset_bytes < RUN_OFFSET_BYTES_MAX) {
        bool done;
        map_one_copy(pmap, vaddr, frame, offset_bytes, flags, &done);
        if (done) {
            return SYS_ERR_OK;
        }
    }
    struct cap_identity id;
    if (err_is_ok(err)) {
        err = cap_identify(frame, &id);
    }
    if (err_is_fail(err)) {
        return err;
    }
    if (offset_bytes > id.bytes || bytes > id.bytes - offset_bytes) {
        return LIB_ERR_PMAP_FRAME_RANGE;
    }
    if (bytes > RUN_OFFSET_BYTES_MAX ||
        offset_bytes > RUN_OFFSET_BYTES_MAX - bytes) { /* every run starts before the end */
        return LIB_ERR_PMAP_OFFSET_TOO_LARGE;          /* a frame of more than 16 TiB */
    }
    err = prepare_range(pmap, vaddr, bytes);
    if (err_is_fail(err)) {
        return err;
    }
    return map_runs(pmap, vaddr, RUN_CAP_COPY, frame, id.base, offset_bytes, bytes, flags);
}

/* Does [vaddr, vaddr + bytes) map as the one run a lent capability can hold? */
static bool is_one_run(const struct pmap *pmap, genvaddr_t vaddr, genpaddr_t frame_base,
                       gensize_t bytes, vregion_flags_t flags)
{
    const struct pmap_layout *l = pmap->layout;
    int level = page_level(pmap, vaddr, frame_base, bytes, flags);
    uint64_t count = spans_in(l, level, bytes);
    return count * l->span_bytes[level] == bytes &&
           count <= l->entries[level] - slot_of(pmap, vaddr, level);
}

errval_t pmap_map_lent(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                       genpaddr_t frame_base, gensize_t bytes, vregion_flags_t flags)
{
    errval_t err = check_request(pmap, vaddr, 0, bytes, flags);
    if (err_is_ok(err) && bytes == BASE_PAGE_BYTES) {
        bool done;
        err = map_one_page(pmap, vaddr, RUN_CAP_LENT, frame, 0, flags, &done);
        if (done || err_is_fail(err)) {
            return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_MAP) : err;
        }
    }
    if (err_is_ok(err) && !is_one_run(pmap, vaddr, frame_base, bytes, flags)) {
        err = LIB_ERR_PMAP_LENT_RUNS;
    }
    if (err_is_ok(err)) {
        err = prepare_range(pmap, vaddr, bytes);
    }
    if (err_is_ok(err)) {
        err = map_runs(pmap, vaddr, RUN_CAP_LENT, frame, frame_base, 0, bytes, flags);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_MAP) : err;
}

errval_t pmap_map(struct pmap *pmap, genvaddr_t vaddr, struct capref frame, gensize_t offset_bytes,
                  gensize_t bytes, vregion_flags_t flags)
{
    errval_t err = pmap_map_internal(pmap, vaddr, frame, offset_bytes, bytes, flags);
    return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_MAP) : err;
}
