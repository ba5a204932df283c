/* The invariant checker: walks every live capability and table and checks doc/security.md's rules.
 */
#include <kcheck.h>
#include <map_index.h>
#include <mdb.h>
#include <paging.h>
#include <paging_arch.h>
#include <platform.h>

struct kcheck {
    const struct cte *culprit;
};

static enum kcheck_invariant fail(struct kcheck *k, const struct cte *c, enum kcheck_invariant i)
{
    k->culprit = c;
    return i;
}

/*
 * May an object of type child lie right inside one of type parent? If parent may be retyped
 * into it; an endpoint also where its dispatcher was (it keeps the dead control block's memory
 * when the last dispatcher capability goes, doc/domains.md), inside what held that dispatcher.
 */
static bool may_lie_in(enum objtype parent, enum objtype child)
{
    return objtype_may_retype(parent, child) ||
           (child == ObjType_Endpoint && objtype_may_retype(parent, ObjType_Dispatcher));
}

/*
 * An object lies outside every object before it in index order, or inside
 * the innermost one still open there (its parent), as a copy or as something
 * it may lie in (may_lie_in). Any depth: the parent is a search.
 */
static enum kcheck_invariant check_nesting(struct kcheck *k)
{
    for (const struct cte *c = mdb_first(); c != NULL; c = mdb_next(c)) {
        const struct cte *parent = mdb_innermost_before(c);
        if (parent == NULL || cap_is_copy(&parent->cap, &c->cap)) {
            continue;
        }
        if (cap_end(&c->cap) > cap_end(&parent->cap)) {
            return fail(k, c, KCHECK_OBJECTS_OVERLAP);
        }
        if (!may_lie_in((enum objtype)parent->cap.type, (enum objtype)c->cap.type)) {
            return fail(k, c, KCHECK_BAD_DERIVATION);
        }
    }
    return KCHECK_OK;
}

/* The physical address entry i of mapping m of cap must name. */
static genpaddr_t record_paddr(const struct cte *c, cslot_t i)
{
    const struct mapping_record *m = &c->mapping;
    enum objtype table = (enum objtype)m->table_type;
    if (paging_map_kind(table, (enum objtype)c->cap.type) == PAGING_MAP_TABLE) {
        return c->cap.base;
    }
    return c->cap.base + m->offset_bytes +
           (gensize_t)(i - m->slot) * paging_entry_span_bytes(table);
}

/* Is there a live table of this type at base? */
static bool table_is_live(enum objtype type, genpaddr_t base)
{
    struct capability table = {
        .type = (uint8_t)type, .base = base, .bytes = objtype_info[type].fixed_bytes};
    return mdb_first_copy(&table) != NULL;
}

/* Does entry fit what cap may grant: a writable table, or pages within its rights? */
static bool entry_within_rights(const struct cte *c, uint64_t entry)
{
    enum objtype table = (enum objtype)c->mapping.table_type;
    if (paging_map_kind(table, (enum objtype)c->cap.type) == PAGING_MAP_TABLE) {
        return paging_entry_is_table(table, entry) && (c->cap.rights & CAPRIGHTS_WRITE);
    }
    return !paging_entry_is_table(table, entry) &&
           err_is_ok(paging_check_flags(&c->cap, paging_entry_flags(table, entry)));
}

/* A mapped copy: its table lives, its entries are present, name its object, and fit its rights. */
static enum kcheck_invariant check_record(struct kcheck *k, const struct cte *c)
{
    const struct mapping_record *m = &c->mapping;
    enum objtype table = (enum objtype)m->table_type;
    if (!objtype_is_vnode(table) || !table_is_live(table, m->table_base) ||
        paging_map_kind(table, (enum objtype)c->cap.type) == PAGING_MAP_NONE) {
        return fail(k, c, KCHECK_RECORD_DANGLING);
    }
    for (cslot_t i = m->slot; i < (cslot_t)m->slot + m->pte_count; i++) {
        uint64_t entry = paging_read_entry(table, m->table_base, i);
        if (!paging_entry_is_present(table, entry) ||
            paging_entry_paddr(table, entry) != record_paddr(c, i)) {
            return fail(k, c, KCHECK_RECORD_DANGLING);
        }
        if (!entry_within_rights(c, entry)) {
            return fail(k, c, KCHECK_RIGHTS_EXCEEDED);
        }
    }
    if (objtype_is_vnode((enum objtype)c->cap.type) && mdb_find_mapped_copy(&c->cap, c) != NULL) {
        return fail(k, c, KCHECK_TABLE_ALIASED);
    }
    return KCHECK_OK;
}

/*
 * Every present entry of the table (outside the kernel's half) belongs to a
 * record: the table's records come in slot order, so one pass over both.
 */
static enum kcheck_invariant check_table_entries(struct kcheck *k, const struct cte *t)
{
    enum objtype type = (enum objtype)t->cap.type;
    const struct cte *record = map_index_first_from(t->cap.base, 0);
    for (cslot_t slot = 0; slot < paging_table_entries(type); slot++) {
        while (record != NULL && record->mapping.table_base == t->cap.base &&
               (cslot_t)record->mapping.slot + record->mapping.pte_count <= slot) {
            record = map_index_next(record);
        }
        bool covered = record != NULL && record->mapping.table_base == t->cap.base &&
                       record->mapping.slot <= slot;
        uint64_t entry = paging_read_entry(type, t->cap.base, slot);
        if (!covered && paging_entry_is_present(type, entry) && !paging_slot_reserved(type, slot)) {
            return fail(k, t, KCHECK_ENTRY_UNCOVERED);
        }
    }
    return KCHECK_OK;
}

static enum kcheck_invariant check_mappings(struct kcheck *k)
{
    const struct cte *prev = NULL;
    size_t mapped = 0;
    for (const struct cte *c = mdb_first(); c != NULL; prev = c, c = mdb_next(c)) {
        enum kcheck_invariant broken = KCHECK_OK;
        if (c->mapping.pte_count != 0) {
            mapped++;
            broken = map_index_find(c->mapping.table_base, c->mapping.slot) == c
                         ? check_record(k, c)
                         : fail(k, c, KCHECK_RECORD_DANGLING);
        }
        /* A table's entries once, at the first of its copies. */
        bool first_copy = prev == NULL || !cap_is_copy(&prev->cap, &c->cap);
        if (broken == KCHECK_OK && first_copy && paging_vnode_type_is_native(c->cap.type)) {
            broken = check_table_entries(k, c);
        }
        if (broken != KCHECK_OK) {
            return broken;
        }
    }
    return mapped == map_index_count() ? KCHECK_OK : KCHECK_RECORD_DANGLING;
}

static bool kernel_copy_live(const struct cte *held)
{
    return !cte_is_empty(held) && held->mdb.in_index && held->mdb.kernel_held;
}

/* The domain's CSpace root is the kernel's, and so is the root table the MMU walks. */
static bool kernel_copies_live(const struct dcb *dcb)
{
    genpaddr_t loaded = platform_loaded_root();
    return kernel_copy_live(&dcb->cspace) &&
           (loaded == 0 || (kernel_copy_live(&dcb->vroot) && dcb->vroot.cap.base == loaded));
}

/* A domain that has not ended: its CSpace, root table and frame are the kernel's (the hosted
   init has no frame, and no root until a test loads one). */
static bool domain_held(const struct dcb *d)
{
    bool hosted_init = d->is_init && cte_is_empty(&d->frame);
    return kernel_copy_live(&d->cspace) &&
           (hosted_init || (kernel_copy_live(&d->vroot) && kernel_copy_live(&d->frame)));
}

static bool live_domains_held(void)
{
    for (const struct dcb *d = sched_first_live(); d != NULL; d = d->next_live) {
        if (!domain_held(d)) {
            return false;
        }
    }
    return true;
}

enum kcheck_invariant kcheck_state(const struct dcb *dcb, const struct cte **culprit)
{
    struct kcheck k = {.culprit = NULL};
    enum kcheck_invariant broken = KCHECK_OK;
    if (!mdb_check_invariants() || !map_index_check()) {
        broken = KCHECK_INDEX_SHAPE;
    } else if ((dcb != NULL && !kernel_copies_live(dcb)) || !live_domains_held()) {
        broken = KCHECK_KERNEL_COPY_LOST;
    } else {
        broken = check_nesting(&k);
        if (broken == KCHECK_OK) {
            broken = check_mappings(&k);
        }
    }
    if (culprit != NULL) {
        *culprit = k.culprit;
    }
    return broken;
}
