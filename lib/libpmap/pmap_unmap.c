/* pmap_unmap and pmap_modify_flags: split at the borders, then act on whole runs. */
#include "pmap_internal.h"

/* arg: whether runs adopted to be kept stay (pmap_destroy), pinning the tables above them. */
static errval_t visit_remove(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                             genvaddr_t run_vaddr, void *arg, bool *stop)
{
    (void)run_vaddr;
    (void)stop;
    if (*(const bool *)arg && m->kept) {
        for (struct pmap_vnode *v = table; v != NULL && !v->pinned; v = v->parent) {
            v->pinned = true;
        }
        return SYS_ERR_OK;
    }
    errval_t err = mapping_remove(pmap, table, m);
    return err_is_ok(err) ? vnode_reclaim_if_empty(pmap, table) : err;
}

/* Splits so that runs start at vaddr and end at vaddr + bytes. */
static errval_t split_borders(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    errval_t err = pmap_split_at(pmap, vaddr);
    if (err_is_ok(err) && vaddr + bytes < pmap->layout->user_end) {
        err = pmap_split_at(pmap, vaddr + bytes);
    }
    return err;
}

/* Is [vaddr, vaddr + bytes) exactly one run? Then nothing needs splitting or walking (an unmap
   of what one map made, the common case); for modify_flags, the kernel's own rights check of the
   one invocation is all or nothing: no identify first (a self-pager's trap changes one page's
   rights this way on every fault). */
static struct pmap_mapping *exactly_one_run(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes,
                                            struct pmap_vnode **ret_table)
{
    uintptr_t entry;
    struct pmap_vnode *v = vnode_descend(pmap, vaddr, pmap->layout->levels, &entry);
    if (!child_is_mapping(entry)) {
        return NULL;
    }
    struct pmap_mapping *m = child_mapping(entry);
    gensize_t span = pmap->layout->span_bytes[v->level];
    /* vaddr lies in v's range: the run starts there when its first entry is vaddr's own. */
    if (!span_aligned(pmap->layout, v->level, vaddr) || m->slot != slot_of(pmap, vaddr, v->level) ||
        (gensize_t)m->pte_count * span != bytes) {
        return NULL;
    }
    *ret_table = v;
    return m;
}

static errval_t unmap_range(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes, bool spare_kept)
{
    errval_t err = pmap_check_range(pmap, vaddr, bytes);
    struct pmap_vnode *table;
    struct pmap_mapping *m = err_is_ok(err) ? exactly_one_run(pmap, vaddr, bytes, &table) : NULL;
    if (m != NULL) {
        bool stop = false;
        return visit_remove(pmap, table, m, vaddr, &spare_kept, &stop);
    }
    if (err_is_ok(err)) {
        err = split_borders(pmap, vaddr, bytes);
    }
    if (err_is_ok(err)) {
        err = pmap_walk_range(pmap, vaddr, vaddr + bytes, visit_remove, &spare_kept);
    }
    return err;
}

errval_t pmap_unmap_internal(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    return unmap_range(pmap, vaddr, bytes, false);
}

errval_t pmap_unmap_all_but_kept(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    return unmap_range(pmap, vaddr, bytes, true);
}

errval_t pmap_unmap(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes)
{
    errval_t err = SYS_ERR_OK;
    if (overlaps_meta_window(pmap, vaddr, bytes)) {
        err = LIB_ERR_PMAP_ADDR_RESERVED;
    } else {
        err = pmap_unmap_internal(pmap, vaddr, bytes);
    }
    if (err_is_ok(err)) {
        err = pmap_trim_metadata(pmap); /* what the unmap left idle */
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_UNMAP) : err;
}

/* Does the run's frame allow flags? Checked on every run before any changes: all or nothing. */
static errval_t visit_check_rights(struct pmap *pmap, struct pmap_vnode *table,
                                   struct pmap_mapping *m, genvaddr_t run_vaddr, void *arg,
                                   bool *stop)
{
    (void)pmap;
    (void)table;
    (void)run_vaddr;
    (void)stop;
    vregion_flags_t flags = *(const vregion_flags_t *)arg;
    struct cap_identity id;
    errval_t err = cap_identify(run_copy(m), &id);
    if (copy_was_revoked(err)) {
        return SYS_ERR_OK; /* revoked under us: visit_modify takes it down */
    }
    if (err_is_fail(err)) {
        return err;
    }
    bool allowed = (!(flags & VREGION_FLAGS_WRITE) || (id.rights & CAPRIGHTS_WRITE)) &&
                   (!(flags & VREGION_FLAGS_EXECUTE) || (id.rights & CAPRIGHTS_EXECUTE)) &&
                   (id.rights & CAPRIGHTS_READ);
    return allowed ? SYS_ERR_OK : SYS_ERR_VM_RIGHTS_EXCEED;
}

static errval_t visit_modify(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                             genvaddr_t run_vaddr, void *arg, bool *stop)
{
    (void)stop;
    vregion_flags_t flags = *(const vregion_flags_t *)arg;
    /* Where the run lies spares the kernel's TLB flush a search, in the caller's own space. */
    errval_t err = vnode_modify_flags_at(run_copy(m), 0, m->pte_count, flags & VREGION_FLAGS_MASK,
                                         pmap->own_space ? run_vaddr : 0);
    if (copy_was_revoked(err)) {
        /* Its frame was revoked: the kernel took the mapping down; so does the shadow tree. */
        err = mapping_remove(pmap, table, m);
        return err_is_ok(err) ? vnode_reclaim_if_empty(pmap, table) : err;
    }
    if (err_is_ok(err)) {
        m->flags = flags & VREGION_FLAGS_MASK;
    }
    return err;
}

/* modify_flags of exactly one run; a refusal of its rights reads as the general path's does. */
static errval_t modify_one_run(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                               genvaddr_t vaddr, vregion_flags_t flags)
{
    bool stop = false;
    errval_t err = visit_modify(pmap, table, m, vaddr, &flags, &stop);
    if (err_no(err) == LIB_ERR_VNODE_MODIFY_FLAGS &&
        err_no(err_pop(err)) == SYS_ERR_VM_RIGHTS_EXCEED) {
        return SYS_ERR_VM_RIGHTS_EXCEED;
    }
    return err;
}

errval_t pmap_modify_flags(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes,
                           vregion_flags_t flags)
{
    errval_t err = pmap_check_range(pmap, vaddr, bytes);
    /* VREGION_FLAGS_LARGE is accepted (pmap_lookup reports it) and changes nothing. */
    flags &= ~VREGION_FLAGS_LARGE;
    if (err_is_ok(err) && ((flags & ~VREGION_FLAGS_MASK) != 0 || !(flags & VREGION_FLAGS_READ))) {
        err = LIB_ERR_PMAP_FLAGS_INVALID;
    }
    if (err_is_ok(err) && overlaps_meta_window(pmap, vaddr, bytes)) {
        err = LIB_ERR_PMAP_ADDR_RESERVED;
    }
    struct pmap_vnode *table;
    struct pmap_mapping *one = err_is_ok(err) ? exactly_one_run(pmap, vaddr, bytes, &table) : NULL;
    if (one != NULL) {
        size_t mappings = pmap->stats.mappings;
        err = modify_one_run(pmap, table, one, vaddr, flags);
        if (err_is_ok(err) && pmap->stats.mappings != mappings) {
            err = pmap_trim_metadata(pmap); /* a revoked run it took down */
        }
        return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_MODIFY_FLAGS) : err;
    }
    /* Rights first, on the runs as they are: a refusal leaves even the splits undone. */
    if (err_is_ok(err)) {
        err = pmap_walk_range(pmap, vaddr, vaddr + bytes, visit_check_rights, &flags);
    }
    if (err_is_ok(err)) {
        err = split_borders(pmap, vaddr, bytes);
    }
    if (err_is_ok(err)) {
        err = pmap_walk_range(pmap, vaddr, vaddr + bytes, visit_modify, &flags);
    }
    if (err_is_ok(err)) {
        err = pmap_trim_metadata(pmap); /* revoked runs it took down */
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_MODIFY_FLAGS) : err;
}
