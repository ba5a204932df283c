/* pmap_lookup and pmap_determine_addr: answered from the shadow tree, never the hardware tables. */
#include "pmap_internal.h"

errval_t pmap_lookup(struct pmap *pmap, genvaddr_t vaddr, struct pmap_mapping_info *ret)
{
    const struct pmap_layout *l = pmap->layout;
    if (vaddr >= l->user_end) {
        return LIB_ERR_PMAP_ADDR_OUT_OF_RANGE;
    }
    uintptr_t entry;
    const struct pmap_vnode *v = vnode_descend(pmap, vaddr, l->levels, &entry);
    if (!child_is_mapping(entry)) {
        return LIB_ERR_PMAP_NOT_MAPPED;
    }
    const struct pmap_mapping *m = child_mapping(entry);
    gensize_t span = l->span_bytes[v->level];
    *ret = (struct pmap_mapping_info){
        .vaddr = vnode_base_vaddr(pmap, v) + (genvaddr_t)m->slot * span,
        .bytes = (gensize_t)m->pte_count * span,
        .frame = run_frame(m),
        .offset_bytes = run_offset_bytes(m),
        .page_bytes = span,
        .flags = run_flags(l, v->level, m),
    };
    return SYS_ERR_OK;
}

/* A visitor recording where the first run it meets ends. */
static errval_t visit_first_end(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                                genvaddr_t run_vaddr, void *arg, bool *stop)
{
    gensize_t span = pmap->layout->span_bytes[table->level];
    *(genvaddr_t *)arg = run_vaddr + (genvaddr_t)m->pte_count * span;
    *stop = true;
    return SYS_ERR_OK;
}

static genvaddr_t align_up(genvaddr_t vaddr, gensize_t alignment)
{
    return (vaddr + alignment - 1) & ~(alignment - 1);
}

/* The window and one growth step above it: never handed out. */
static bool overlaps_meta_lane(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    return pmap->options.heap_alloc == NULL && vaddr < pmap->meta_limit + PMAP_META_GROW_BYTES &&
           pmap->meta_base < vaddr + bytes;
}

/* The first free candidate at or above from; 0 if none fits below the end. */
static genvaddr_t search_from(struct pmap *pmap, genvaddr_t from, gensize_t bytes,
                              gensize_t alignment)
{
    genvaddr_t end = pmap->layout->user_end;
    genvaddr_t c = align_up(from, alignment);
    while (c >= from && c < end && bytes <= end - c) {
        if (overlaps_meta_lane(pmap, c, bytes)) {
            c = align_up(pmap->meta_limit + PMAP_META_GROW_BYTES, alignment);
            continue;
        }
        genvaddr_t occupied_end = 0;
        pmap_walk_range(pmap, c, c + bytes, visit_first_end, &occupied_end);
        if (occupied_end == 0) {
            return c;
        }
        c = align_up(occupied_end, alignment);
    }
    return 0;
}

errval_t pmap_determine_addr(struct pmap *pmap, gensize_t bytes, gensize_t alignment_bytes,
                             genvaddr_t *ret)
{
    if (alignment_bytes == 0) {
        alignment_bytes = BASE_PAGE_BYTES;
    }
    if (alignment_bytes < BASE_PAGE_BYTES || (alignment_bytes & (alignment_bytes - 1)) != 0) {
        return LIB_ERR_PMAP_ALIGNMENT_INVALID;
    }
    if (bytes == 0) {
        return LIB_ERR_PMAP_SIZE_INVALID;
    }
    if (bytes > pmap->layout->user_end) {
        return LIB_ERR_PMAP_NO_VIRTUAL_SPACE;
    }
    bytes = align_up(bytes, BASE_PAGE_BYTES);
    genvaddr_t found = search_from(pmap, pmap->addr_hint, bytes, alignment_bytes);
    if (found == 0) {
        found = search_from(pmap, pmap->vaddr_min, bytes, alignment_bytes);
    }
    if (found == 0) {
        return LIB_ERR_PMAP_NO_VIRTUAL_SPACE;
    }
    pmap->addr_hint = found + bytes;
    if (pmap->options.heap_alloc == NULL && found >= pmap->meta_limit &&
        found < pmap->meta_grow_limit) {
        pmap->meta_grow_limit = found;
    }
    *ret = found;
    return SYS_ERR_OK;
}

errval_t pmap_check_free(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    errval_t err = pmap_check_range(pmap, vaddr, bytes);
    if (err_is_fail(err)) {
        return err;
    }
    if (overlaps_meta_lane(pmap, vaddr, bytes)) {
        return LIB_ERR_PMAP_ADDR_RESERVED;
    }
    genvaddr_t occupied_end = 0;
    pmap_walk_range(pmap, vaddr, vaddr + bytes, visit_first_end, &occupied_end);
    return occupied_end == 0 ? SYS_ERR_OK : LIB_ERR_PMAP_EXISTING_MAPPING;
}

void pmap_set_search_start(struct pmap *pmap, genvaddr_t vaddr)
{
    pmap->addr_hint = vaddr;
}
