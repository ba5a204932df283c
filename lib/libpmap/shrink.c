/* Metadata that shrinks: objects counted per block, idle blocks given back with hysteresis. */
#include "pmap_internal.h"

/*
 * The block holding obj, or NULL where nothing is counted: a foreign pmap's heap blocks, and
 * the bootstrap area. A self-paging pmap's blocks are mapped at PMAP_REFILL_BYTES-aligned
 * addresses (the host's views are aligned alike), so the header is found by masking.
 */
static struct meta_block *block_of(const struct pmap *pmap, const void *obj)
{
    uintptr_t p = (uintptr_t)obj;
    uintptr_t boot = (uintptr_t)pmap->bootstrap;
    if (pmap->options.heap_alloc != NULL || (p >= boot && p < boot + PMAP_BOOTSTRAP_BYTES)) {
        return NULL;
    }
    return (struct meta_block *)(p & ~(uintptr_t)(PMAP_REFILL_BYTES - 1));
}

void *meta_alloc(struct pmap *pmap, int kind)
{
    void *obj = slab_alloc(meta_slab(pmap, kind));
    struct meta_block *b = obj != NULL ? block_of(pmap, obj) : NULL;
    if (b != NULL && b->in_use++ == 0) {
        pmap->meta_idle[kind]--;
    }
    return obj;
}

void meta_free(struct pmap *pmap, int kind, void *obj)
{
    struct meta_block *b = block_of(pmap, obj);
    if (b != NULL && --b->in_use == 0) {
        pmap->meta_idle[kind]++;
    }
    slab_free(meta_slab(pmap, kind), obj);
}

void meta_block_added(struct pmap *pmap, struct meta_block *b)
{
    if (pmap->options.heap_alloc == NULL) {
        pmap->meta_idle[b->kind]++;
    }
}

static size_t objects_per_block(struct pmap *pmap, int kind)
{
    return (PMAP_REFILL_BYTES - sizeof(struct meta_block)) / meta_slab(pmap, kind)->obj_bytes;
}

/*
 * Marks the idle blocks of kind to give back, keeping the newest idle one. Only once the idle
 * blocks are at least an eighth of the slab: each trim costs a pass over the slab's free list,
 * so trims stay rare and their cost proportional to what they give back.
 */
static size_t mark_spare_blocks(struct pmap *pmap, int kind)
{
    size_t idle = pmap->meta_idle[kind];
    if (idle < 2 || idle * objects_per_block(pmap, kind) * 8 < meta_slab(pmap, kind)->total_count) {
        return 0;
    }
    size_t marked = 0;
    bool kept = false;
    for (struct meta_block *b = pmap->meta_blocks; b != NULL; b = b->next) {
        if (b->kind != kind || b->in_use != 0) {
            continue;
        }
        if (kept) {
            b->dying = true;
            marked++;
        }
        kept = true;
    }
    pmap->meta_idle[kind] -= marked;
    return marked;
}

/* Takes the dying blocks' objects off the slab's free list, while every block is still mapped. */
static void drop_dying_objects(struct pmap *pmap, int kind)
{
    struct slab_allocator *slab = meta_slab(pmap, kind);
    void **link = &slab->free_list;
    while (*link != NULL) {
        void *obj = *link;
        struct meta_block *b = block_of(pmap, obj);
        if (b != NULL && b->dying) {
            *link = *(void **)obj;
            slab->free_count--;
            slab->total_count--;
        } else {
            link = (void **)obj;
        }
    }
}

/* Moves the table nodes below v that live in dying blocks to nodes from the other blocks. */
static void move_tables_out_of_dying_blocks(struct pmap *pmap, struct pmap_vnode *v)
{
    for (cslot_t i = 0; i < pmap->layout->entries[v->level]; i++) {
        uintptr_t c = v->child[i];
        if (c == 0 || child_is_mapping(c)) {
            continue;
        }
        struct pmap_vnode *child = child_table(c);
        struct meta_block *b = block_of(pmap, child);
        if (b != NULL && b->dying) {
            struct pmap_vnode *moved = meta_alloc(pmap, META_KIND_VNODE);
            __builtin_memcpy(moved, child, vnode_bytes(pmap->layout, child->level));
            v->child[i] = (uintptr_t)moved;
            b->in_use--; /* dying: not counted idle, it goes with this trim */
            child = moved;
            for (cslot_t j = 0; j < pmap->layout->entries[child->level]; j++) {
                uintptr_t g = child->child[j];
                if (g != 0 && !child_is_mapping(g)) {
                    child_table(g)->parent = child;
                }
            }
        }
        move_tables_out_of_dying_blocks(pmap, child);
    }
}

/* Unlinks the dying blocks from the pmap's list and chains them through their own headers. */
static struct meta_block *unlink_dying_blocks(struct pmap *pmap)
{
    struct meta_block *dying = NULL;
    struct meta_block *b = pmap->meta_blocks;
    while (b != NULL) {
        struct meta_block *next = b->next;
        if (b->dying) {
            if (b->prev != NULL) {
                b->prev->next = next;
            } else {
                pmap->meta_blocks = next;
            }
            if (next != NULL) {
                next->prev = b->prev;
            }
            b->next = dying;
            dying = b;
        }
        b = next;
    }
    return dying;
}

/*
 * Unmaps one block (its run, whose node h holds, and the tables left empty) and frees its
 * frame. The block is unreachable from the moment its copy is deleted.
 */
static errval_t release_block(struct pmap *pmap, const struct meta_block *h)
{
    uintptr_t entry;
    struct pmap_vnode *table = vnode_descend(pmap, h->vaddr, pmap->layout->levels - 1, &entry);
    if (!child_is_mapping(entry)) {
        return LIB_ERR_PMAP_NOT_MAPPED; /* the tree lost a block: a bug */
    }
    const struct pmap_mapping *m = &h->self_run;
    errval_t err = mapping_copy_destroy(pmap, run_copy(m));
    if (err_is_ok(err)) {
        for (cslot_t i = m->slot; i < (cslot_t)m->slot + m->pte_count; i++) {
            table->child[i] = 0;
        }
        table->used = (uint16_t)(table->used - m->pte_count);
        pmap->stats.mappings--;
        err = vnode_reclaim_if_empty(pmap, table);
    }
    if (err_is_ok(err)) {
        err = frame_free(h->frame);
    }
    if (err_is_fail(err)) {
        return err;
    }
    if (h->vaddr + PMAP_REFILL_BYTES == pmap->meta_next) {
        pmap->meta_next = h->vaddr;
    } else {
        pmap->meta_holes++;
    }
    pmap->stats.meta_blocks--;
    pmap->stats.meta_bytes -= PMAP_REFILL_BYTES;
    return SYS_ERR_OK;
}

/*
 * Table nodes are shared by every block below them, so a few live ones can pin blocks that are
 * otherwise idle, each keeping the table that pins the next. When the table slab is less than a
 * quarter used, the nodes of its sparsest blocks (a quarter full at most) move to the others;
 * those blocks become idle and go. Returns the number of blocks emptied.
 */
static size_t evacuate_sparse_table_blocks(struct pmap *pmap)
{
    struct slab_allocator *slab = &pmap->vnode_slab;
    /* The slab holds at least every block's objects: more than a quarter used there means more
       than a quarter used over the blocks, and the count below would find nothing to do. Each
       unmap asks, so this answer must not cost a pass over every block. */
    if ((slab->total_count - slab->free_count) * 4 > slab->total_count) {
        return 0;
    }
    size_t per = objects_per_block(pmap, META_KIND_VNODE);
    size_t blocks = 0, sparse = 0, live_sparse = 0, free_sparse = 0;
    for (struct meta_block *b = pmap->meta_blocks; b != NULL; b = b->next) {
        if (b->kind == META_KIND_VNODE) {
            blocks++;
            if (b->in_use != 0 && b->in_use * 4 <= per) {
                sparse++;
                live_sparse += b->in_use;
                free_sparse += per - b->in_use;
            }
        }
    }
    size_t live = slab->total_count - slab->free_count;
    if (sparse == 0 || blocks < 3 || live * 4 > blocks * per ||
        slab->free_count - free_sparse < live_sparse + pmap_reserve_vnodes(pmap)) {
        return 0;
    }
    for (struct meta_block *b = pmap->meta_blocks; b != NULL; b = b->next) {
        b->dying = b->kind == META_KIND_VNODE && b->in_use != 0 && b->in_use * 4 <= per;
    }
    drop_dying_objects(pmap, META_KIND_VNODE);
    move_tables_out_of_dying_blocks(pmap, pmap->root);
    return sparse;
}

errval_t pmap_trim_metadata(struct pmap *pmap)
{
    if (pmap->options.heap_alloc != NULL) {
        return SYS_ERR_OK;
    }
    /* Giving blocks back frees the nodes that described them: more may fall idle. */
    for (;;) {
        size_t marked = mark_spare_blocks(pmap, META_KIND_VNODE);
        marked += mark_spare_blocks(pmap, META_KIND_MAPPING);
        if (marked == 0) {
            marked = evacuate_sparse_table_blocks(pmap);
        }
        if (marked == 0) {
            return SYS_ERR_OK;
        }
        drop_dying_objects(pmap, META_KIND_VNODE);
        drop_dying_objects(pmap, META_KIND_MAPPING);
        struct meta_block *b = unlink_dying_blocks(pmap);
        while (b != NULL) {
            struct meta_block h = *b; /* b is unreachable once its run is gone */
            errval_t err = release_block(pmap, &h);
            if (err_is_fail(err)) {
                return err; /* the kernel refused our own metadata: leave the rest in place */
            }
            b = h.next;
        }
    }
}

genvaddr_t meta_next_block_vaddr(struct pmap *pmap)
{
    if (pmap->meta_holes > 0) {
        for (genvaddr_t va = pmap->meta_base; va < pmap->meta_next; va += PMAP_REFILL_BYTES) {
            if (pmap_range_is_free(pmap, va, PMAP_REFILL_BYTES)) {
                return va;
            }
        }
        pmap->meta_holes = 0; /* each hole was filled or lies at the top now */
    }
    return pmap->meta_next;
}
