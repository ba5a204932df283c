/* Splitting runs and large pages so that a change can start or end anywhere page-aligned. */
#include "pmap_internal.h"

/* Splits run m of table at entry index `at` (0 < at < pte_count) into two runs. */
static errval_t split_run(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                          size_t at)
{
    errval_t err = pmap_ensure_slabs(pmap, 0, 1);
    struct capref copy;
    if (err_is_ok(err)) {
        err = slot_alloc(&copy);
    }
    if (err_is_ok(err)) {
        err = cap_copy(copy, run_copy(m));
        if (err_is_fail(err)) {
            slot_free(copy);
        }
    }
    if (err_is_fail(err)) {
        return err;
    }
    /*
     * The kernel hands the tail of the record to the new copy and leaves every entry as it is:
     * the run may hold the code, stack or data running this (an adopted image does).
     */
    err = vnode_split_mapping(run_copy(m), at, copy);
    if (err_is_fail(err)) {
        cap_destroy(copy);
        return err; /* the kernel refused a split of a record it holds: a bug */
    }
    struct pmap_mapping *right = meta_alloc(pmap, META_KIND_MAPPING);
    gensize_t span = pmap->layout->span_bytes[table->level];
    *right = *m;
    /* Ours, even when m's copy is borrowed. (Its slot may be the caller's old frame slot, freed
       since: so borrowed is a bit of its own, not copy == frame.) */
    right->copy = get_cap_addr(copy);
    right->borrowed = false;
    right->slot = (uint32_t)(m->slot + at);
    right->pte_count = (uint32_t)(m->pte_count - at);
    right->offset_pages = (uint32_t)(m->offset_pages + ((at * span) >> BASE_PAGE_BITS));
    m->pte_count = (uint32_t)at;
    for (cslot_t i = right->slot; i < (cslot_t)right->slot + right->pte_count; i++) {
        table->child[i] = (uintptr_t)right | CHILD_MAPPING_TAG;
    }
    pmap->stats.mappings++;
    return SYS_ERR_OK;
}

/* Replaces the single large page m at entry slot of table by a table holding one full run. */
static errval_t split_large(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m)
{
    const struct pmap_layout *l = pmap->layout;
    int level = table->level + 1;
    errval_t err = pmap_ensure_slabs(pmap, 1, 0);
    struct capref cap;
    genpaddr_t base;
    if (err_is_ok(err)) {
        err = vnode_create_with_base(&cap, l->table_type[level], &base);
    }
    if (err_is_fail(err)) {
        return err;
    }
    struct pmap_vnode *node = meta_alloc(pmap, META_KIND_VNODE);
    cslot_t slot = m->slot;
    vregion_flags_t kflags = m->flags;
    err = vnode_unmap(table->cap, run_copy(m), slot, 1);
    if (err_is_ok(err)) {
        err = vnode_map(table->cap, slot, cap, VREGION_FLAGS_READ, 0, 1);
    }
    if (err_is_ok(err)) {
        err = vnode_map(cap, 0, run_copy(m), kflags, run_offset_bytes(m), l->entries[level]);
    }
    if (err_is_fail(err)) {
        return err; /* the kernel refused what it accepted a moment ago: a bug */
    }
    *node = (struct pmap_vnode){.cap = cap, .parent = table, .parent_slot = slot, .base = base};
    node->level = (uint8_t)level;
    node->used = (uint16_t)l->entries[level];
    m->slot = 0;
    m->pte_count = (uint32_t)l->entries[level];
    for (cslot_t i = 0; i < l->entries[level]; i++) {
        node->child[i] = (uintptr_t)m | CHILD_MAPPING_TAG;
    }
    table->child[slot] = (uintptr_t)node;
    pmap->stats.tables++;
    return SYS_ERR_OK;
}

/* The run covering vaddr and its table; NULL if vaddr is not mapped. */
static struct pmap_mapping *run_at(struct pmap *pmap, genvaddr_t vaddr, struct pmap_vnode **table)
{
    uintptr_t entry;
    *table = vnode_descend(pmap, vaddr, pmap->layout->levels, &entry);
    return child_is_mapping(entry) ? child_mapping(entry) : NULL;
}

/*
 * A run whose copy someone else revoked (by freeing its frame) is no longer mapped in the
 * kernel and cannot be split: it leaves the shadow tree whole. *gone says whether it did.
 */
static errval_t drop_if_revoked(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                                bool *gone)
{
    struct cap_identity id;
    errval_t err = cap_identify(run_copy(m), &id);
    *gone = copy_was_revoked(err);
    if (!*gone) {
        return SYS_ERR_OK;
    }
    err = mapping_remove(pmap, table, m);
    return err_is_ok(err) ? vnode_reclaim_if_empty(pmap, table) : err;
}

errval_t pmap_split_at(struct pmap *pmap, genvaddr_t vaddr)
{
    for (;;) {
        struct pmap_vnode *table;
        struct pmap_mapping *m = run_at(pmap, vaddr, &table);
        if (m == NULL) {
            return SYS_ERR_OK;
        }
        const struct pmap_layout *l = pmap->layout;
        gensize_t span = l->span_bytes[table->level];
        genvaddr_t run_vaddr = vnode_base_vaddr(pmap, table) + (genvaddr_t)m->slot * span;
        size_t index = (size_t)spans_in(l, table->level, vaddr - run_vaddr);
        bool aligned = span_aligned(l, table->level, vaddr);
        if (aligned && index == 0) {
            return SYS_ERR_OK; /* already a border */
        }
        bool gone;
        errval_t err = drop_if_revoked(pmap, table, m, &gone);
        if (err_is_fail(err) || gone) {
            return err;
        }
        if (aligned) {
            return split_run(pmap, table, m, index);
        }
        /* vaddr lies inside one large page: isolate it, then break it into smaller pages. */
        if (index > 0) {
            err = split_run(pmap, table, m, index);
            m = run_at(pmap, vaddr, &table);
        }
        if (err_is_ok(err) && m->pte_count > 1) {
            err = split_run(pmap, table, m, 1);
        }
        if (err_is_ok(err)) {
            err = split_large(pmap, table, m);
        }
        if (err_is_fail(err)) {
            return err;
        }
    }
}
