/* Metadata refill: the slabs grow by mapping frames into the pmap's own metadata window. */
#include "pmap_internal.h"

#define RESERVE_MAPPINGS 2

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
    if (!pmap_range_is_free(pmap, pmap->meta_limit, end - pmap->meta_limit)) {
        return LIB_ERR_PMAP_METADATA_EXHAUSTED;
    }
    pmap->meta_limit = end;
    return SYS_ERR_OK;
}

/*
 * Moves the run node that maps block b into b's header. Taken from the slab, it would pin an
 * older block for as long as b lives; in b, it goes with b (see shrink.c).
 */
static void move_run_into_block(struct pmap *pmap, struct meta_block *b)
{
    uintptr_t entry;
    struct pmap_vnode *table = vnode_descend(pmap, b->vaddr, pmap->layout->levels - 1, &entry);
    struct pmap_mapping *m = child_mapping(entry);
    b->self_run = *m;
    for (cslot_t i = m->slot; i < (cslot_t)m->slot + m->pte_count; i++) {
        table->child[i] = (uintptr_t)&b->self_run | CHILD_MAPPING_TAG;
    }
    meta_free(pmap, META_KIND_MAPPING, m);
}

/* A new block of PMAP_REFILL_BYTES, mapped (self-paging) or from the heap (foreign). */
static errval_t new_block(struct pmap *pmap, struct meta_block **ret)
{
    if (pmap->options.heap_alloc != NULL) {
        struct meta_block *b = pmap->options.heap_alloc(PMAP_REFILL_BYTES);
        if (b == NULL) {
            return LIB_ERR_PMAP_METADATA_EXHAUSTED;
        }
        *b = (struct meta_block){.frame = NULL_CAP};
        *ret = b;
        return SYS_ERR_OK;
    }
    genvaddr_t vaddr = meta_next_block_vaddr(pmap);
    if (vaddr + PMAP_REFILL_BYTES > pmap->meta_limit) {
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
    err = pmap_map_internal(pmap, vaddr, frame, 0, PMAP_REFILL_BYTES, VREGION_FLAGS_READ_WRITE);
    pmap->refilling = false;
    struct meta_block *b = NULL;
    if (err_is_ok(err)) {
        b = pmap_platform_meta_pointer(pmap, vaddr);
        if (b == NULL) {
            pmap_unmap_internal(pmap, vaddr, PMAP_REFILL_BYTES);
            err = LIB_ERR_PMAP_META_UNREACHABLE;
        }
    }
    if (err_is_fail(err)) {
        frame_free(frame);
        return err;
    }
    if (vaddr == pmap->meta_next) {
        pmap->meta_next += PMAP_REFILL_BYTES;
    } else {
        pmap->meta_holes--;
    }
    *b = (struct meta_block){.frame = frame, .vaddr = vaddr};
    move_run_into_block(pmap, b);
    *ret = b;
    return SYS_ERR_OK;
}

static errval_t refill(struct pmap *pmap, int kind)
{
    struct meta_block *b;
    errval_t err = new_block(pmap, &b);
    if (err_is_fail(err)) {
        return err;
    }
    struct meta_block *head = pmap->meta_blocks;
    b->next = head;
    b->kind = (uint8_t)kind;
    if (head != NULL) {
        head->prev = b;
    }
    pmap->meta_blocks = b;
    pmap->stats.meta_blocks++;
    pmap->stats.meta_bytes += PMAP_REFILL_BYTES;
    slab_grow(meta_slab(pmap, kind), b + 1, PMAP_REFILL_BYTES - sizeof(*b));
    meta_block_added(pmap, b);
    return SYS_ERR_OK;
}

errval_t pmap_ensure_slabs(struct pmap *pmap, size_t vnodes, size_t mappings)
{
    if (pmap->refilling) {
        return SYS_ERR_OK; /* the reserve covers a refill's own needs */
    }
    size_t rv = pmap_reserve_vnodes(pmap);
    for (;;) {
        int kind;
        if (pmap->vnode_slab.free_count < vnodes + rv) {
            kind = META_KIND_VNODE;
        } else if (pmap->mapping_slab.free_count < mappings + RESERVE_MAPPINGS) {
            kind = META_KIND_MAPPING;
        } else {
            return SYS_ERR_OK;
        }
        errval_t err = refill(pmap, kind);
        if (err_is_fail(err)) {
            return err_push(err, LIB_ERR_PMAP_REFILL);
        }
    }
}
