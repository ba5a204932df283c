/* What one CSpace root reaches: every model capability with an address that names it through it. */
#ifndef FUZZ_VIEW_H
#define FUZZ_VIEW_H

#include "model.h"

struct view_entry {
    uint32_t addr;
    uint32_t cap; /* index into model.caps */
};

#define VIEW_MAX_L2 64

struct view {
    struct view_entry *e;
    size_t count, capacity;
    /* the L2 CNodes installed in the root: L1 index and object base */
    uint32_t l2_index[VIEW_MAX_L2];
    genpaddr_t l2_base[VIEW_MAX_L2];
    size_t l2_count;
};

/* Fills v for the root capability; v's storage is reused across calls. */
void view_build(struct view *v, const struct model *m, const struct mcap *root);
void view_free(struct view *v);

/* An address naming loc through the root of v; 0 if it reaches no such slot. */
uint32_t view_addr_of(const struct view *v, const struct mcap *root, struct mloc loc);

#endif
