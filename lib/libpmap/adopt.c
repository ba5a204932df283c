/* pmap_adopt: the shadow tree of mappings made before the pmap, rebuilt from identify alone. */
#include "pmap_internal.h"

/*
 * Adoption walks the capabilities twice from the root down, the same way: first only checking
 * and counting (build false), then, once the slabs hold what it needs, making the nodes. Every
 * refusal comes from the first walk, so a refused adoption leaves the tree as it was.
 */
struct adopt {
    struct pmap *pmap;
    struct capref first;
    size_t count; /* slots to look at; the survey trims it to the last one mapped */
    bool keep;    /* PMAP_ADOPT_KEEP: the new runs are kept */
    bool build;
    size_t tables, runs; /* found by the walk */
};

static struct capref slot_at(const struct adopt *a, size_t i)
{
    return (struct capref){.cnode = a->first.cnode, .slot = (cslot_t)(a->first.slot + i)};
}

/*
 * The mapping the capability in slot i holds. *mapped is false (and the answer SYS_ERR_OK) for
 * an empty slot, a type that cannot be mapped or a copy that holds no mapping: nothing to adopt.
 */
static errval_t record_at(const struct adopt *a, size_t i, struct cap_mapping *m, bool *mapped)
{
    errval_t err = cap_identify_mapping(slot_at(a, i), m);
    enum err_code cause = err_no(err_pop(err));
    *mapped = err_is_ok(err);
    if (cause == SYS_ERR_CAP_NOT_FOUND || cause == SYS_ERR_VM_NOT_MAPPED ||
        cause == SYS_ERR_ILLEGAL_INVOCATION) {
        return SYS_ERR_OK;
    }
    return err;
}

/* Counts what the slots hold mapped (*all), refusing a run whose entries differ in flags. */
static errval_t survey(struct adopt *a, size_t *all)
{
    size_t end = 0;
    *all = 0;
    for (size_t i = 0; i < a->count; i++) {
        struct cap_mapping m;
        bool mapped;
        errval_t err = record_at(a, i, &m, &mapped);
        if (err_is_fail(err)) {
            return err;
        }
        if (mapped && m.flags_mixed) {
            return LIB_ERR_PMAP_ADOPT_FLAGS_MIXED; /* a run has one set of flags */
        }
        if (mapped) {
            (*all)++;
            end = i + 1;
        }
    }
    a->count = end; /* the walks need not read the empty rest of the CNode */
    return SYS_ERR_OK;
}

/*
 * Are entries [slot, slot + count) of the level-`level` table that maps vaddr free in the tree?
 * A table the tree does not have yet has only free entries, unless a run above covers them.
 */
static bool entries_free(const struct pmap *pmap, genvaddr_t vaddr, int level, cslot_t slot,
                         size_t count)
{
    uintptr_t entry;
    const struct pmap_vnode *t = vnode_descend(pmap, vaddr, level, &entry);
    if (t->level < level) {
        return entry == 0;
    }
    for (cslot_t i = slot; i < slot + count; i++) {
        if (t->child[i] != 0) {
            return false;
        }
    }
    return true;
}

/* A table at entry m->slot of parent (NULL while checking); its node in *ret when building. */
static errval_t take_table(struct adopt *a, struct pmap_vnode *parent, struct capref cap,
                           const struct cap_mapping *m, genpaddr_t base, struct pmap_vnode **ret)
{
    struct pmap *pmap = a->pmap;
    a->tables++;
    *ret = NULL;
    if (!a->build) {
        return SYS_ERR_OK;
    }
    struct pmap_vnode *node = meta_alloc(pmap, META_KIND_VNODE);
    if (node == NULL) {
        return LIB_ERR_PMAP_REFILL; /* the first walk's counts were ensured: a bug */
    }
    *node = (struct pmap_vnode){
        .cap = cap,
        .parent = parent,
        .parent_slot = m->slot,
        .level = (uint8_t)(parent->level + 1),
        .borrowed = true,
        .base = base,
    };
    __builtin_memset(node->child, 0, pmap->layout->entries[node->level] * sizeof(uintptr_t));
    parent->child[m->slot] = (uintptr_t)node;
    parent->used++;
    pmap->stats.tables++;
    *ret = node;
    return SYS_ERR_OK;
}

/* A run of m->pte_count entries of table (NULL while checking) at vaddr, through cap. */
static errval_t take_run(struct adopt *a, struct pmap_vnode *table, int level, genvaddr_t vaddr,
                         struct capref cap, const struct cap_mapping *m)
{
    struct pmap *pmap = a->pmap;
    const struct pmap_layout *l = pmap->layout;
    gensize_t bytes = (gensize_t)m->pte_count * l->span_bytes[level];
    if (vaddr < pmap->vaddr_min || vaddr + bytes > l->user_end) {
        return LIB_ERR_PMAP_ADDR_OUT_OF_RANGE;
    }
    if (overlaps_meta_window(pmap, vaddr, bytes)) {
        return LIB_ERR_PMAP_ADDR_RESERVED;
    }
    if (bytes > RUN_OFFSET_BYTES_MAX ||
        m->offset_bytes > RUN_OFFSET_BYTES_MAX - bytes) { /* a split part starts before its end */
        return LIB_ERR_PMAP_OFFSET_TOO_LARGE;
    }
    a->runs++;
    if (!a->build) {
        return SYS_ERR_OK;
    }
    struct pmap_mapping *run = meta_alloc(pmap, META_KIND_MAPPING);
    if (run == NULL) {
        return LIB_ERR_PMAP_REFILL; /* the first walk's counts were ensured: a bug */
    }
    *run = (struct pmap_mapping){
        .frame = get_cap_addr(cap),
        .copy = get_cap_addr(cap),
        .borrowed = true,
        .offset_pages = (uint32_t)(m->offset_bytes >> BASE_PAGE_BITS),
        .slot = m->slot,
        .pte_count = (uint32_t)m->pte_count,
        .kept = a->keep,
    };
    run_set_flags(run, m->flags);
    for (cslot_t i = m->slot; i < m->slot + m->pte_count; i++) {
        table->child[i] = (uintptr_t)run | CHILD_MAPPING_TAG;
    }
    table->used = (uint16_t)(table->used + m->pte_count);
    pmap->stats.mappings++;
    return SYS_ERR_OK;
}

static errval_t walk_table(struct adopt *a, struct pmap_vnode *node, genpaddr_t base, int level,
                           genvaddr_t vbase);

/* Takes slot i's capability if it is mapped in the table at base (node, level, vbase). */
static errval_t take_if_in(struct adopt *a, size_t i, struct pmap_vnode *node, genpaddr_t base,
                           int level, genvaddr_t vbase)
{
    const struct pmap_layout *l = a->pmap->layout;
    struct cap_mapping m;
    bool mapped;
    errval_t err = record_at(a, i, &m, &mapped);
    if (err_is_fail(err) || !mapped || m.table_base != base ||
        m.table_type != l->table_type[level]) {
        return err;
    }
    struct cap_identity id;
    err = cap_identify(slot_at(a, i), &id);
    if (err_is_fail(err)) {
        return err;
    }
    genvaddr_t vaddr = vbase + (genvaddr_t)m.slot * l->span_bytes[level];
    if (!entries_free(a->pmap, vaddr, level, m.slot, m.pte_count)) {
        return LIB_ERR_PMAP_ADOPT_OVERLAP;
    }
    if (!objtype_is_vnode(id.type)) {
        return take_run(a, node, level, vaddr, slot_at(a, i), &m);
    }
    struct pmap_vnode *child;
    err = take_table(a, node, slot_at(a, i), &m, id.base, &child);
    return err_is_ok(err) ? walk_table(a, child, id.base, level + 1, vaddr) : err;
}

/*
 * Takes what is mapped in the table at base, whose entry 0 maps vbase: first below the tables
 * adopted before (node holds them, unless the table is new: NULL while checking), then what the
 * slots hold in it, going down into each new table. One scan of the slots per table; the depth
 * is the format's levels.
 */
static errval_t walk_table(struct adopt *a, struct pmap_vnode *node, genpaddr_t base, int level,
                           genvaddr_t vbase)
{
    const struct pmap_layout *l = a->pmap->layout;
    if (node != NULL && level + 1 < l->levels) {
        for (cslot_t s = 0; s < l->entries[level]; s++) {
            uintptr_t c = node->child[s];
            if (c != 0 && !child_is_mapping(c) && child_table(c)->borrowed) {
                genvaddr_t v = vbase + (genvaddr_t)s * l->span_bytes[level];
                errval_t err = walk_table(a, child_table(c), child_table(c)->base, level + 1, v);
                if (err_is_fail(err)) {
                    return err;
                }
            }
        }
    }
    for (size_t i = 0; i < a->count; i++) {
        errval_t err = take_if_in(a, i, node, base, level, vbase);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return SYS_ERR_OK;
}

static errval_t check_arguments(struct capref first, size_t count, unsigned flags)
{
    if ((flags & ~PMAP_ADOPT_KEEP) != 0) {
        return LIB_ERR_PMAP_FLAGS_INVALID;
    }
    if (first.cnode.l1_index != CNODEREF_ROOT &&
        (first.slot > L2_CNODE_SLOTS || count > L2_CNODE_SLOTS - first.slot)) {
        return LIB_ERR_PMAP_ADOPT_SLOTS;
    }
    return SYS_ERR_OK;
}

errval_t pmap_adopt(struct pmap *pmap, struct capref first, size_t count, unsigned flags)
{
    struct adopt a = {
        .pmap = pmap,
        .first = first,
        .count = count,
        .keep = (flags & PMAP_ADOPT_KEEP) != 0,
    };
    size_t mapped = 0;
    errval_t err = check_arguments(first, count, flags);
    if (err_is_ok(err)) {
        err = survey(&a, &mapped);
    }
    if (err_is_ok(err)) {
        err = walk_table(&a, pmap->root, pmap->root_base, 0, 0);
    }
    if (err_is_ok(err) && a.tables + a.runs != mapped) {
        err = LIB_ERR_PMAP_ADOPT_UNREACHABLE; /* mapped where no walk from the root went */
    }
    if (err_is_ok(err)) {
        err = pmap_ensure_slabs(pmap, a.tables, a.runs);
    }
    if (err_is_ok(err)) {
        a.build = true;
        err = walk_table(&a, pmap->root, pmap->root_base, 0, 0);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_PMAP_ADOPT) : err;
}
