/* The pmap harness's reference model: what is mapped, as sorted, disjoint ranges. */
#ifndef FUZZ_PMAP_MODEL_H
#define FUZZ_PMAP_MODEL_H

#include <pmap/pmap.h>

struct model_range {
    genvaddr_t vaddr;
    gensize_t bytes;
    int frame;             /* index into the harness's frames */
    gensize_t offset;      /* into the frame, of vaddr */
    vregion_flags_t flags; /* as given to pmap_map or pmap_modify_flags */
};

#define MODEL_RANGES 512

struct model {
    struct model_range r[MODEL_RANGES];
    size_t count;
};

void model_reset(struct model *m);

/* The range holding vaddr, or NULL. */
const struct model_range *model_find(const struct model *m, genvaddr_t vaddr);

/* Does anything of [vaddr, vaddr + bytes) lie in the model? */
bool model_overlaps(const struct model *m, genvaddr_t vaddr, gensize_t bytes);

void model_add(struct model *m, const struct model_range *r);
void model_remove(struct model *m, genvaddr_t vaddr, gensize_t bytes);

/* New flags on every mapped page of the range; VREGION_FLAGS_LARGE stays as mapped. */
void model_modify(struct model *m, genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags);

#endif
