/* pmap_destroy: everything the pmap mapped, then the metadata that described it, block by block. */
#include "pmap_internal.h"

/* Reverses the list of blocks in place and returns its new head. */
static struct meta_block *reverse_blocks(struct meta_block *b)
{
    struct meta_block *prev = NULL;
    while (b != NULL) {
        struct meta_block *next = b->next;
        b->next = prev;
        prev = b;
        b = next;
    }
    return prev;
}

/*
 * Writes into b's header its run's copy and the tables on its path that no block claimed before
 * it. Blocks are visited oldest first and taken down newest first, so each table is claimed by
 * the last block to go among those below it: it dies when nothing under it is left.
 */
static errval_t claim_block_path(struct pmap *pmap, struct meta_block *b)
{
    struct pmap_vnode *v = pmap->root;
    b->table_count = 0;
    for (;;) {
        uintptr_t c = v->child[slot_of(pmap, b->vaddr, v->level)];
        if (c == 0) {
            return LIB_ERR_PMAP_NOT_MAPPED; /* a block the tree lost: a bug, stop here */
        }
        if (child_is_mapping(c)) {
            b->copy = run_copy(child_mapping(c));
            return SYS_ERR_OK;
        }
        v = child_table(c);
        if (!v->claimed && !v->pinned) { /* a pinned table stays, for the runs kept below it */
            v->claimed = true;
            b->tables[b->table_count].cap = v->cap;
            b->tables[b->table_count].parent = v->parent->cap;
            b->tables[b->table_count].slot = v->parent_slot;
            b->tables[b->table_count].borrowed = v->borrowed;
            b->table_count++;
        }
    }
}

/* Takes one block down reading only its own header: its run, its tables leaf first, its frame. */
static errval_t destroy_block(struct pmap *pmap, struct meta_block *b, struct meta_block **next)
{
    struct meta_block h = *b; /* b is unreachable once its run is gone */
    *next = h.next;
    errval_t err = mapping_copy_destroy(pmap, h.copy);
    for (int i = h.table_count - 1; i >= 0 && err_is_ok(err); i--) {
        err = vnode_take_down(h.tables[i].cap, h.tables[i].borrowed, h.tables[i].parent,
                              h.tables[i].slot);
    }
    return err_is_ok(err) ? frame_free(h.frame) : err;
}

/* A self-paging pmap's metadata: only its own blocks' runs and tables are left in the tree. */
static errval_t destroy_self_metadata(struct pmap *pmap)
{
    struct meta_block *oldest = reverse_blocks(pmap->meta_blocks);
    errval_t err = SYS_ERR_OK;
    for (struct meta_block *b = oldest; b != NULL && err_is_ok(err); b = b->next) {
        err = claim_block_path(pmap, b);
    }
    struct meta_block *b = reverse_blocks(oldest);
    while (b != NULL && err_is_ok(err)) {
        err = destroy_block(pmap, b, &b);
    }
    pmap->meta_blocks = b;
    if (err_is_ok(err)) {
        /* Every child of the root lived in a block that is gone now. */
        __builtin_memset(pmap->root->child, 0, pmap->layout->entries[0] * sizeof(uintptr_t));
        pmap->root->used = 0;
    }
    return err;
}

/*
 * Takes the tables below vnode down, deepest first (a foreign pmap: its nodes are on the heap),
 * all but the pinned ones, which kept runs still use.
 */
static errval_t destroy_tables(struct pmap *pmap, struct pmap_vnode *vnode)
{
    for (cslot_t i = 0; i < pmap->layout->entries[vnode->level]; i++) {
        uintptr_t c = vnode->child[i];
        if (c != 0 && !child_is_mapping(c) && !child_table(c)->pinned) {
            errval_t err = destroy_tables(pmap, child_table(c));
            if (err_is_fail(err)) {
                return err;
            }
        }
        vnode->child[i] = 0;
    }
    return vnode->parent != NULL ? vnode_node_take_down(pmap, vnode) : SYS_ERR_OK;
}

static errval_t destroy_heap_metadata(struct pmap *pmap)
{
    errval_t err = destroy_tables(pmap, pmap->root);
    if (err_is_fail(err)) {
        return err;
    }
    struct meta_block *b = pmap->meta_blocks;
    while (b != NULL) {
        struct meta_block *next = b->next;
        if (pmap->options.heap_free != NULL) {
            pmap->options.heap_free(b);
        }
        b = next;
    }
    pmap->meta_blocks = NULL;
    return SYS_ERR_OK;
}

errval_t pmap_destroy(struct pmap *pmap)
{
    const struct pmap_layout *l = pmap->layout;
    bool self = pmap->options.heap_alloc == NULL;
    genvaddr_t meta_end = self ? pmap->meta_next : pmap->meta_base;
    /* Everything but the metadata: runs and the tables they leave empty. */
    errval_t err =
        pmap->meta_base > pmap->vaddr_min
            ? pmap_unmap_all_but_kept(pmap, pmap->vaddr_min, pmap->meta_base - pmap->vaddr_min)
            : SYS_ERR_OK;
    if (err_is_ok(err) && meta_end < l->user_end) {
        err = pmap_unmap_all_but_kept(pmap, meta_end, l->user_end - meta_end);
    }
    if (err_is_ok(err)) {
        err = self ? destroy_self_metadata(pmap) : destroy_heap_metadata(pmap);
    }
    if (err_is_ok(err)) {
        /* The slabs' free lists ran through the blocks. */
        slab_init(&pmap->vnode_slab, pmap->vnode_slab.obj_bytes);
        slab_init(&pmap->mapping_slab, pmap->mapping_slab.obj_bytes);
        pmap->stats = (struct pmap_stats){0};
    }
    return err;
}
