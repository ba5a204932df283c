/* The shadow tree's tables: finding or making the table for an address, and reclaiming empty ones.
 */
#include "pmap_internal.h"

struct pmap_vnode *vnode_descend(const struct pmap *pmap, genvaddr_t vaddr, int stop_level,
                                 uintptr_t *entry)
{
    struct pmap_vnode *v = pmap->root;
    for (;;) {
        uintptr_t c = v->child[slot_of(pmap, vaddr, v->level)];
        if (v->level == stop_level || c == 0 || child_is_mapping(c)) {
            *entry = c;
            return v;
        }
        v = child_table(c);
    }
}

genvaddr_t vnode_base_vaddr(const struct pmap *pmap, const struct pmap_vnode *vnode)
{
    genvaddr_t base = 0;
    for (const struct pmap_vnode *v = vnode; v->parent != NULL; v = v->parent) {
        base += (genvaddr_t)v->parent_slot * pmap->layout->span_bytes[v->parent->level];
    }
    return base;
}

/* Makes the level (parent->level + 1) table for entry slot of parent and maps it there. */
static errval_t vnode_create_child(struct pmap *pmap, struct pmap_vnode *parent, cslot_t slot,
                                   struct pmap_vnode **ret)
{
    int level = parent->level + 1;
    struct pmap_vnode *node = meta_alloc(pmap, META_KIND_VNODE);
    if (node == NULL) {
        return LIB_ERR_PMAP_REFILL; /* pmap_ensure_slabs was not called: a bug */
    }
    struct capref cap;
    genpaddr_t base;
    errval_t err = vnode_create_with_base(&cap, pmap->layout->table_type[level], &base);
    if (err_is_ok(err)) {
        err = vnode_map(parent->cap, slot, cap, VREGION_FLAGS_READ, 0, 1);
        if (err_is_fail(err)) {
            vnode_destroy(cap);
        }
    }
    if (err_is_fail(err)) {
        meta_free(pmap, META_KIND_VNODE, node);
        return err;
    }
    node->cap = cap;
    node->parent = parent;
    node->parent_slot = slot;
    node->used = 0;
    node->level = (uint8_t)level;
    node->claimed = false;
    node->borrowed = false;
    node->pinned = false;
    node->base = base;
    __builtin_memset(node->child, 0, pmap->layout->entries[level] * sizeof(uintptr_t));
    parent->child[slot] = (uintptr_t)node;
    parent->used++;
    pmap->stats.tables++;
    *ret = node;
    return SYS_ERR_OK;
}

errval_t vnode_get_or_create(struct pmap *pmap, genvaddr_t vaddr, int level,
                             struct pmap_vnode **ret)
{
    struct pmap_vnode *v = pmap->root;
    while (v->level < level) {
        cslot_t slot = slot_of(pmap, vaddr, v->level);
        uintptr_t c = v->child[slot];
        if (child_is_mapping(c)) {
            return LIB_ERR_PMAP_EXISTING_MAPPING; /* a large page covers vaddr */
        }
        if (c == 0) {
            errval_t err = vnode_create_child(pmap, v, slot, &v);
            if (err_is_fail(err)) {
                return err;
            }
        } else {
            v = child_table(c);
        }
    }
    *ret = v;
    return SYS_ERR_OK;
}

errval_t vnode_take_down(struct capref cap, bool borrowed, struct capref parent, cslot_t slot)
{
    if (!borrowed) {
        return vnode_destroy(cap); /* destroying our capability also unmaps it from the parent */
    }
    errval_t err = vnode_unmap(parent, cap, slot, 1);
    return copy_was_revoked(err) ? SYS_ERR_OK : err; /* gone: the kernel unmapped it with it */
}

errval_t vnode_node_take_down(const struct pmap *pmap, const struct pmap_vnode *vnode)
{
    if (vnode->borrowed) {
        return vnode_take_down(vnode->cap, true, vnode->parent->cap, vnode->parent_slot);
    }
    return vnode_destroy_made(vnode->cap, pmap->layout->table_type[vnode->level], vnode->base);
}

errval_t vnode_reclaim_if_empty(struct pmap *pmap, struct pmap_vnode *vnode)
{
    while (vnode->parent != NULL && vnode->used == 0) {
        struct pmap_vnode *parent = vnode->parent;
        errval_t err = vnode_node_take_down(pmap, vnode);
        if (err_is_fail(err)) {
            return err;
        }
        parent->child[vnode->parent_slot] = 0;
        parent->used--;
        meta_free(pmap, META_KIND_VNODE, vnode);
        pmap->stats.tables--;
        vnode = parent;
    }
    return SYS_ERR_OK;
}
