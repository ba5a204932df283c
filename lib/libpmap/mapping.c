/* Mapped runs: installing one through a fresh copy of the frame (or a lent one), removing one,
   walking a range. */
#include "pmap_internal.h"

/* Maps a run through a fresh copy of frame (in a new slot, *copy) or through frame itself (lent).
 */
static errval_t map_run(enum run_cap how, struct capref table, cslot_t slot, struct capref frame,
                        vregion_flags_t flags, gensize_t offset_bytes, size_t pte_count,
                        struct capref *copy)
{
    *copy = frame;
    if (how == RUN_CAP_LENT) {
        return vnode_map(table, slot, frame, flags, offset_bytes, pte_count);
    }
    errval_t err = slot_alloc(copy);
    if (err_is_ok(err)) {
        err = vnode_map_copy(table, slot, frame, *copy, flags, offset_bytes, pte_count);
        if (err_is_fail(err)) {
            slot_free(*copy); /* the kernel deleted the copy it made */
        }
    }
    return err;
}

errval_t mapping_install(struct pmap *pmap, struct pmap_vnode *table, cslot_t slot,
                         enum run_cap how, struct capref frame, gensize_t offset_bytes,
                         size_t pte_count, vregion_flags_t flags)
{
    struct pmap_mapping *m = meta_alloc(pmap, META_KIND_MAPPING);
    if (m == NULL) {
        return LIB_ERR_PMAP_REFILL; /* pmap_ensure_slabs was not called: a bug */
    }
    struct capref copy;
    errval_t err = map_run(how, table->cap, slot, frame, flags & ~VREGION_FLAGS_LARGE, offset_bytes,
                           pte_count, &copy);
    if (err_is_fail(err)) {
        meta_free(pmap, META_KIND_MAPPING, m);
        return err;
    }
    *m = (struct pmap_mapping){
        .frame = get_cap_addr(frame),
        .copy = get_cap_addr(copy),
        .borrowed = how == RUN_CAP_LENT,
        .offset_pages = (uint32_t)(offset_bytes >> BASE_PAGE_BITS),
        .slot = slot,
        .pte_count = (uint32_t)pte_count,
    };
    run_set_flags(m, flags);
    for (size_t i = 0; i < pte_count; i++) {
        table->child[slot + i] = (uintptr_t)m | CHILD_MAPPING_TAG;
    }
    table->used = (uint16_t)(table->used + pte_count);
    pmap->stats.mappings++;
    return SYS_ERR_OK;
}

errval_t mapping_copy_destroy(struct pmap *pmap, struct capref copy)
{
    errval_t err = cap_delete(copy);
    if (copy_was_revoked(err)) {
        pmap->stats.runs_revoked++; /* the kernel already took the mapping down with it */
        err = SYS_ERR_OK;
    }
    if (err_is_ok(err)) {
        err = slot_free(copy);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_DESTROY) : err;
}

/* Ends the kernel's mapping of a run: a borrowed copy is unmapped and stays the caller's. */
static errval_t release_copy(struct pmap *pmap, struct pmap_vnode *table,
                             const struct pmap_mapping *m)
{
    if (!m->borrowed) {
        /* Deleting our copy removes the kernel's mapping with it, TLB flush included. */
        return mapping_copy_destroy(pmap, run_copy(m));
    }
    errval_t err = vnode_unmap(table->cap, run_copy(m), m->slot, m->pte_count);
    if (copy_was_revoked(err)) {
        pmap->stats.runs_revoked++; /* the kernel already took the mapping down with it */
        err = SYS_ERR_OK;
    }
    return err;
}

errval_t mapping_remove(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m)
{
    errval_t err = release_copy(pmap, table, m);
    if (err_is_fail(err)) {
        return err;
    }
    for (cslot_t i = m->slot; i < (cslot_t)m->slot + m->pte_count; i++) {
        table->child[i] = 0;
    }
    table->used = (uint16_t)(table->used - m->pte_count);
    meta_free(pmap, META_KIND_MAPPING, m);
    pmap->stats.mappings--;
    return SYS_ERR_OK;
}

errval_t pmap_walk_range(struct pmap *pmap, genvaddr_t start, genvaddr_t end, mapping_visitor visit,
                         void *arg)
{
    const struct pmap_layout *l = pmap->layout;
    genvaddr_t va = start;
    while (va < end) {
        struct pmap_vnode *v = pmap->root;
        genvaddr_t table_base = 0;
        for (;;) {
            gensize_t span = l->span_bytes[v->level];
            cslot_t slot = slot_of(pmap, va, v->level);
            uintptr_t c = v->child[slot];
            if (c == 0) {
                va = (spans_in(l, v->level, va) + 1) * span;
                break;
            }
            if (child_is_mapping(c)) {
                struct pmap_mapping *m = child_mapping(c);
                genvaddr_t run_vaddr = table_base + (genvaddr_t)m->slot * span;
                va = run_vaddr + (genvaddr_t)m->pte_count * span; /* before visit frees m */
                bool stop = false;
                errval_t err = visit(pmap, v, m, run_vaddr, arg, &stop);
                if (err_is_fail(err) || stop) {
                    return err;
                }
                break;
            }
            table_base += (genvaddr_t)slot * span;
            v = child_table(c);
        }
    }
    return SYS_ERR_OK;
}

errval_t pmap_check_range(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    if (bytes == 0 || vaddr + bytes < vaddr) {
        return LIB_ERR_PMAP_SIZE_INVALID;
    }
    if (vaddr % BASE_PAGE_BYTES != 0 || bytes % BASE_PAGE_BYTES != 0) {
        return LIB_ERR_PMAP_NOT_ALIGNED;
    }
    if (vaddr < pmap->vaddr_min || vaddr + bytes > pmap->layout->user_end) {
        return LIB_ERR_PMAP_ADDR_OUT_OF_RANGE;
    }
    return SYS_ERR_OK;
}
