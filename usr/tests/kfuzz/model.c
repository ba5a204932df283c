/* The model's state: slots, derivation by range and rank, deletion with its cascades. */
#include "model.h"

#include <init_cspace.h>
#include <stdio.h>
#include <stdlib.h>

void *model_grow(void *array, size_t *capacity, size_t item_bytes)
{
    *capacity = *capacity ? *capacity * 2 : 256;
    void *bigger = realloc(array, *capacity * item_bytes);
    if (bigger == NULL) {
        fprintf(stderr, "fuzz: out of memory for the model\n");
        exit(EXIT_FAILURE);
    }
    return bigger;
}

void model_touch(struct model *m, struct mloc loc)
{
    if (m->touched_count == m->touched_capacity) {
        m->touched = model_grow(m->touched, &m->touched_capacity, sizeof(*m->touched));
    }
    m->touched[m->touched_count++] = loc;
}

struct mcap *model_add(struct model *m, struct mloc loc, enum objtype type, caprights_t rights,
                       genpaddr_t base, gensize_t bytes)
{
    if (m->count == m->capacity) {
        m->caps = model_grow(m->caps, &m->capacity, sizeof(*m->caps));
    }
    struct mcap *c = &m->caps[m->count++];
    *c = (struct mcap){.loc = loc,
                       .type = (uint8_t)type,
                       .rights = rights,
                       .base = base,
                       .bytes = bytes,
                       .serial = m->next_serial++};
    model_touch(m, loc);
    return c;
}

void model_boot(struct model *m, genpaddr_t phys_base, genpaddr_t bootinfo_base,
                genpaddr_t ram_base, gensize_t ram_bytes, genpaddr_t dev_base, gensize_t dev_bytes)
{
    static const cslot_t l2_slots[] = {ROOTCN_SLOT_TASKCN,     ROOTCN_SLOT_SUPERCN,
                                       ROOTCN_SLOT_PHYSADDRCN, ROOTCN_SLOT_SLOT_ALLOC0,
                                       ROOTCN_SLOT_PAGECN,     ROOTCN_SLOT_MODULECN};
    model_free(m);
    m->next_held = MODEL_HELD_FIRST_DOMAIN;
    m->queue = model_grow(NULL, &m->queue_capacity, sizeof(*m->queue));
    m->queue[m->queue_count++] = MODEL_INIT;
    m->ram_base = ram_base;
    m->ram_bytes = ram_bytes;
    m->dev_base = dev_base;
    m->dev_bytes = dev_bytes;
    gensize_t root_bytes = (gensize_t)INIT_ROOTCN_SLOTS * CTE_BYTES;
    struct mloc held = {MODEL_HELD, MODEL_HELD_CSPACE};
    model_add(m, held, ObjType_L1CNode, CAPRIGHTS_ALLRIGHTS, phys_base, root_bytes);
    genpaddr_t next = phys_base + root_bytes;
    genpaddr_t l2_base[ROOTCN_SLOTS_USER];
    for (size_t i = 0; i < sizeof(l2_slots) / sizeof(l2_slots[0]); i++, next += L2_CNODE_BYTES) {
        l2_base[l2_slots[i]] = next;
        model_add(m, (struct mloc){phys_base, l2_slots[i]}, ObjType_L2CNode, CAPRIGHTS_ALLRIGHTS,
                  next, L2_CNODE_BYTES);
    }
    model_add(m, (struct mloc){l2_base[ROOTCN_SLOT_TASKCN], TASKCN_SLOT_ROOTCN}, ObjType_L1CNode,
              CAPRIGHTS_ALLRIGHTS, phys_base, root_bytes);
    model_add(m, (struct mloc){l2_base[ROOTCN_SLOT_TASKCN], TASKCN_SLOT_BOOTINFO}, ObjType_Frame,
              CAPRIGHTS_READ, bootinfo_base, BASE_PAGE_BYTES);
    model_add(m, (struct mloc){l2_base[ROOTCN_SLOT_SUPERCN], 0}, ObjType_RAM, CAPRIGHTS_ALLRIGHTS,
              ram_base, ram_bytes);
    if (dev_bytes != 0) {
        model_add(m, (struct mloc){l2_base[ROOTCN_SLOT_PHYSADDRCN], 0}, ObjType_PhysAddr,
                  CAPRIGHTS_ALLRIGHTS, dev_base, dev_bytes);
    }
    m->touched_count = 0;
}

void model_free(struct model *m)
{
    free(m->caps);
    free(m->touched);
    free(m->disps);
    free(m->queue);
    free(m->full);
    *m = (struct model){0};
}

struct mcap *model_at(const struct model *m, struct mloc loc)
{
    for (size_t i = 0; i < m->count; i++) {
        if (m->caps[i].loc.cnode == loc.cnode && m->caps[i].loc.slot == loc.slot) {
            return &m->caps[i];
        }
    }
    return NULL;
}

bool model_is_copy(const struct mcap *a, const struct mcap *b)
{
    return a->type == b->type && a->base == b->base && a->bytes == b->bytes;
}

/* d lies inside a and was made from it: a smaller range, or the same one at a higher rank. */
bool model_is_descendant(const struct mcap *d, const struct mcap *a)
{
    if (model_is_copy(d, a) || d->base < a->base || d->base + d->bytes > a->base + a->bytes) {
        return false;
    }
    bool same_range = d->base == a->base && d->bytes == a->bytes;
    return !same_range || objtype_info[d->type].rank > objtype_info[a->type].rank;
}

bool model_has_copies(const struct model *m, const struct mcap *a)
{
    for (size_t i = 0; i < m->count; i++) {
        if (&m->caps[i] != a && model_is_copy(&m->caps[i], a)) {
            return true;
        }
    }
    return false;
}

errval_t model_lookup_slot(const struct model *m, const struct mcap *root, uint64_t addr,
                           struct mloc *loc)
{
    if (addr == 0) {
        return SYS_ERR_CAPADDR_NULL;
    }
    if (addr > UINT32_MAX) {
        return SYS_ERR_CAPADDR_RESERVED_BITS;
    }
    uint64_t l1 = (addr & ~(uint64_t)CAPADDR_LEVEL1) >> CAPADDR_L2_BITS;
    uint64_t l2 = addr & (L2_CNODE_SLOTS - 1);
    if (l1 >= root->bytes / CTE_BYTES) {
        return SYS_ERR_L1_INDEX_OUT_OF_RANGE;
    }
    if (addr & CAPADDR_LEVEL1) {
        if (l2 != 0) {
            return SYS_ERR_CAPADDR_RESERVED_BITS;
        }
        *loc = (struct mloc){root->base, (uint32_t)l1};
        return SYS_ERR_OK;
    }
    const struct mcap *l2cn = model_at(m, (struct mloc){root->base, (uint32_t)l1});
    if (l2cn == NULL) {
        return SYS_ERR_L1_SLOT_EMPTY;
    }
    if (l2cn->type != ObjType_L2CNode) {
        return SYS_ERR_L1_SLOT_NOT_CNODE;
    }
    *loc = (struct mloc){l2cn->base, (uint32_t)l2};
    return SYS_ERR_OK;
}

errval_t model_lookup_cap(const struct model *m, const struct mcap *root, uint64_t addr,
                          struct mcap **cap)
{
    struct mloc loc;
    errval_t err = model_lookup_slot(m, root, addr, &loc);
    if (err_is_fail(err)) {
        return err;
    }
    *cap = model_at(m, loc);
    return *cap == NULL ? SYS_ERR_CAP_NOT_FOUND : SYS_ERR_OK;
}

bool model_entries_present(const struct model *m, genpaddr_t table_base, uint64_t slot,
                           uint64_t count)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct mcap *c = &m->caps[i];
        if (c->map_count != 0 && c->map_table == table_base && c->map_slot < slot + count &&
            slot < c->map_slot + c->map_count) {
            return true;
        }
    }
    return false;
}

/*
 * Slots to empty because the slot emptied before them held their container's last copy: every
 * slot of a dying CNode (count UINT32_MAX), or the held copies of a domain that ended.
 */
struct doomed {
    genpaddr_t cnode;
    uint32_t first, count;
};

struct dying {
    struct doomed *items;
    size_t count, capacity;
};

static void doom(struct dying *dying, genpaddr_t cnode, uint32_t first, uint32_t count)
{
    if (dying->count == dying->capacity) {
        dying->items = model_grow(dying->items, &dying->capacity, sizeof(*dying->items));
    }
    dying->items[dying->count++] = (struct doomed){cnode, first, count};
}

/*
 * Empties one slot: its mapping goes; the last copy of a table takes every mapping in it along,
 * that of a CNode its slots, that of a dispatcher the domain's held copies.
 */
static void empty_slot(struct model *m, struct mcap *c, struct dying *dying)
{
    struct mcap gone = *c;
    bool last = !model_has_copies(m, c);
    model_touch(m, gone.loc);
    *c = m->caps[--m->count];
    if (last && objtype_is_vnode(gone.type)) {
        for (size_t i = 0; i < m->count; i++) {
            if (m->caps[i].map_count != 0 && m->caps[i].map_table == gone.base) {
                m->caps[i].map_count = 0;
            }
        }
    }
    if (last && objtype_is_cnode(gone.type)) {
        doom(dying, gone.base, 0, UINT32_MAX);
    }
    uint32_t held;
    if (last && gone.type == ObjType_Dispatcher && model_disp_dying(m, gone.base, &held)) {
        doom(dying, MODEL_HELD, held, MODEL_DOMAIN_HELD);
    }
}

static bool is_doomed(const struct mcap *c, const struct doomed *d)
{
    return c->loc.cnode == d->cnode && c->loc.slot >= d->first &&
           (uint64_t)c->loc.slot < (uint64_t)d->first + d->count;
}

/* Empties what is doomed, and what that dooms in turn, until nothing is left. */
static void empty_doomed(struct model *m, struct dying *dying)
{
    while (dying->count > 0) {
        struct doomed d = dying->items[--dying->count];
        for (size_t i = 0; i < m->count;) {
            if (is_doomed(&m->caps[i], &d)) {
                empty_slot(m, &m->caps[i], dying); /* swaps another capability into i */
            } else {
                i++;
            }
        }
    }
    free(dying->items);
}

void model_delete(struct model *m, struct mcap *c)
{
    struct dying dying = {0};
    empty_slot(m, c, &dying);
    empty_doomed(m, &dying);
}

void model_delete_held(struct model *m, uint32_t first, uint32_t count)
{
    struct dying dying = {0};
    doom(&dying, MODEL_HELD, first, count);
    empty_doomed(m, &dying);
}

static bool same_loc(struct mloc a, struct mloc b)
{
    return a.cnode == b.cnode && a.slot == b.slot;
}

void model_revoke(struct model *m, struct mloc target, struct mloc spare)
{
    const struct mcap *t = model_at(m, target);
    struct mcap cap = *t;
    for (;;) {
        struct mcap *victim = NULL;
        for (size_t i = 0; i < m->count && victim == NULL; i++) {
            struct mcap *c = &m->caps[i];
            bool related = model_is_copy(c, &cap) || model_is_descendant(c, &cap);
            if (related && !same_loc(c->loc, target) && !same_loc(c->loc, spare) &&
                c->loc.cnode != MODEL_HELD) {
                victim = c;
            }
        }
        if (victim == NULL) {
            return;
        }
        model_delete(m, victim);
    }
}
