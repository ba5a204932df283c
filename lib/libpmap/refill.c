/* Metadata refill: the slabs grow by mapping frames into the pmap's own metadata window. */
#include "pmap_internal.h"

/*
 * What one refill may consume: mapping one block inside one leaf table
 * needs at most a table per level below the root and one run. Keeping
 * twice that in both slabs lets any one refill run, and leaves enough for
 * the next one, whichever slab it feeds: so the loop in pmap_ensure_slabs
 * always ends, each refill adding far more than it consumes.
 */
static size_t reserve_vnodes(const struct pmap *pmap)
{
    return 2 * (size_t)(pmap->layout->levels - 1);
}

#define RESERVE_MAPPINGS 2

/* The header of each metadata block: the list of blocks, and what backs this one. */
struct meta_block {
    struct meta_block *next;
    struct capref frame; /* NULL_CAP for heap blocks */
};

/*
 * Moves the window's end up over free address space, so the metadata can keep growing; never
 * over a range pmap_determine_addr handed out (meta_grow_limit), mapped yet or not.
 */
static errval_t grow_window(struct pmap *pmap)
{
    genvaddr_t end = pmap->meta_limit + PMAP_META_GROW_BYTES;
    if (end > pmap->layout->user_end || end < pmap->meta_limit || end > pmap->meta_grow_limit) {
        return LIB_ERR_PMAP_METADATA_EXHAUSTED;
    }
    bool free = true;
    errval_t err = pmap_walk_range(pmap, pmap->meta_limit, end, pmap_visit_exists, &free);
    if (err_is_fail(err) || !free) {
        return LIB_ERR_PMAP_METADATA_EXHAUSTED;
    }
    pmap->meta_limit = end;
    return SYS_ERR_OK;
}

/* A new block of PMAP_REFILL_BYTES, mapped (self-paging) or from the heap (foreign). */
static errval_t new_block(struct pmap *pmap, struct meta_block **ret)
{
    if (pmap->options.heap_alloc != NULL) {
        struct meta_block *b = pmap->options.heap_alloc(PMAP_REFILL_BYTES);
        if (b == NULL) {
            return LIB_ERR_PMAP_METADATA_EXHAUSTED;
        }
        b->frame = NULL_CAP;
        *ret = b;
        return SYS_ERR_OK;
    }
    if (pmap->meta_next + PMAP_REFILL_BYTES > pmap->meta_limit) {
        errval_t err = grow_window(pmap);
        if (err_is_fail(err)) {
            return err;
        }
    }
    struct capref frame;
    errval_t err = frame_alloc(&frame, PMAP_REFILL_BYTES, NULL);
    if (err_is_fail(err)) {
        return err;
    }
    pmap->refilling = true;
    err = pmap_map_internal(pmap, pmap->meta_next, frame, 0, PMAP_REFILL_BYTES,
                            VREGION_FLAGS_READ_WRITE);
    pmap->refilling = false;
    struct meta_block *b = NULL;
    if (err_is_ok(err)) {
        b = pmap_platform_meta_pointer(pmap, pmap->meta_next);
        if (b == NULL) {
            pmap_unmap_internal(pmap, pmap->meta_next, PMAP_REFILL_BYTES);
            err = LIB_ERR_PMAP_META_UNREACHABLE;
        }
    }
    if (err_is_fail(err)) {
        frame_free(frame);
        return err;
    }
    pmap->meta_next += PMAP_REFILL_BYTES;
    b->frame = frame;
    *ret = b;
    return SYS_ERR_OK;
}

static errval_t refill(struct pmap *pmap, struct slab_allocator *slab)
{
    struct meta_block *b;
    errval_t err = new_block(pmap, &b);
    if (err_is_fail(err)) {
        return err;
    }
    b->next = pmap->meta_blocks;
    pmap->meta_blocks = b;
    pmap->stats.meta_blocks++;
    pmap->stats.meta_bytes += PMAP_REFILL_BYTES;
    slab_grow(slab, b + 1, PMAP_REFILL_BYTES - sizeof(*b));
    return SYS_ERR_OK;
}

errval_t pmap_ensure_slabs(struct pmap *pmap, size_t vnodes, size_t mappings)
{
    if (pmap->refilling) {
        return SYS_ERR_OK; /* the reserve covers a refill's own needs */
    }
    size_t rv = reserve_vnodes(pmap);
    for (;;) {
        struct slab_allocator *slab;
        if (pmap->vnode_slab.free_count < vnodes + rv) {
            slab = &pmap->vnode_slab;
        } else if (pmap->mapping_slab.free_count < mappings + RESERVE_MAPPINGS) {
            slab = &pmap->mapping_slab;
        } else {
            return SYS_ERR_OK;
        }
        errval_t err = refill(pmap, slab);
        if (err_is_fail(err)) {
            return err_push(err, LIB_ERR_PMAP_REFILL);
        }
    }
}

void pmap_free_meta_blocks(struct pmap *pmap)
{
    struct meta_block *b = pmap->meta_blocks;
    while (b != NULL) {
        struct meta_block *next = b->next;
        if (pmap->options.heap_free != NULL) {
            pmap->options.heap_free(b);
        } else if (!capref_is_null(b->frame)) {
            frame_free(b->frame); /* revoking it removes its mapping too */
        }
        b = next;
    }
    pmap->meta_blocks = NULL;
}
