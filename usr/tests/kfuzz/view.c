/* Addresses through a root: its own slots at level 1, and the slots of the L2 CNodes it holds. */
#include "view.h"

#include <stdlib.h>

static void push(struct view *v, uint32_t addr, size_t cap)
{
    if (addr == 0) {
        return; /* address 0 is the null capability: that slot has no name */
    }
    if (v->count == v->capacity) {
        v->capacity = v->capacity ? 2 * v->capacity : 256;
        v->e = realloc(v->e, v->capacity * sizeof(*v->e));
        if (v->e == NULL) {
            abort();
        }
    }
    v->e[v->count++] = (struct view_entry){addr, (uint32_t)cap};
}

void view_build(struct view *v, const struct model *m, const struct mcap *root)
{
    v->count = 0;
    v->l2_count = 0;
    for (size_t i = 0; i < m->count && v->l2_count < VIEW_MAX_L2; i++) {
        const struct mcap *c = &m->caps[i];
        if (c->loc.cnode == root->base && c->type == ObjType_L2CNode &&
            c->loc.slot <= CAPADDR_L1_MAX) {
            v->l2_index[v->l2_count] = c->loc.slot;
            v->l2_base[v->l2_count++] = c->base;
        }
    }
    for (size_t i = 0; i < m->count; i++) {
        const struct mcap *c = &m->caps[i];
        if (c->loc.cnode == MODEL_HELD) {
            continue;
        }
        if (c->loc.cnode == root->base && c->loc.slot <= CAPADDR_L1_MAX) {
            push(v, capaddr_l1_slot(c->loc.slot), i);
        }
        for (size_t j = 0; j < v->l2_count; j++) {
            if (v->l2_base[j] == c->loc.cnode) {
                push(v, capaddr_make(v->l2_index[j], c->loc.slot), i);
            }
        }
    }
}

void view_free(struct view *v)
{
    free(v->e);
    *v = (struct view){0};
}

uint32_t view_addr_of(const struct view *v, const struct mcap *root, struct mloc loc)
{
    if (loc.cnode == MODEL_HELD) {
        return 0;
    }
    if (loc.cnode == root->base) {
        return loc.slot <= CAPADDR_L1_MAX ? capaddr_l1_slot(loc.slot) : 0;
    }
    uint32_t best = 0; /* the lowest L1 index: the same slot always gets the same name */
    for (size_t j = 0; j < v->l2_count; j++) {
        uint32_t addr = capaddr_make(v->l2_index[j], loc.slot);
        if (v->l2_base[j] == loc.cnode && addr != 0 && (best == 0 || addr < best)) {
            best = addr;
        }
    }
    return best;
}
