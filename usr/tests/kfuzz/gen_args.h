/* The generator's argument pickers: addresses, slots, sizes and flags, valid or adversarial. */
#ifndef FUZZ_GEN_ARGS_H
#define FUZZ_GEN_ARGS_H

#include "kfuzz.h"
#include "rng.h"
#include "view.h"

/*
 * The state one step is generated from: the model, and the views of the CSpace of the domain
 * that runs (init's unless a yield switched) and of the root a CNode command is invoked on.
 */
struct gen_ctx {
    struct gen *g;
    const struct model *m;
    struct view self; /* through the caller's CSpace (what map, identify and invoked names use) */
    struct view root; /* through the root the CNode command is invoked on */
    const struct mcap *root_cap;
    uint64_t want_type; /* a retype for a domain's objects: of this type from RAM (0: any) */
};

typedef bool (*cap_filter)(const struct mcap *c);

uint64_t gen_rnd(struct gen_ctx *x, uint64_t n);
bool gen_chance(struct gen_ctx *x, unsigned percent);
/* A wrong address: null, reserved bits, an index beyond the root, an empty slot, noise. */
uint64_t gen_bad_addr(struct gen_ctx *x);
/* An address in v of a capability passing filter (any, if filter is NULL); sometimes wrong. */
uint64_t gen_addr(struct gen_ctx *x, const struct view *v, cap_filter filter, unsigned wrong_pct);
/* A random entry of v passing filter; NULL if none. */
const struct view_entry *gen_entry(struct gen_ctx *x, const struct view *v, cap_filter filter);
/* A destination: an address of a CNode in the root's view and a slot in it. */
/* A destination CNode (its address through the view given) and a slot range of count in it. */
void gen_dest(struct gen_ctx *x, struct view *through, uintptr_t *cnode_addr, uintptr_t *slot,
              uint64_t count);
/* Mapping flags, mostly valid; rights masks, mostly known bits. */
uint64_t gen_flags(struct gen_ctx *x);
uint64_t gen_rights(struct gen_ctx *x);
/* A number from the edges of its range: 0, 1, all ones, a high bit. */
uint64_t gen_edge(struct gen_ctx *x);

bool is_l1cnode(const struct mcap *c);
bool is_writable_l1cnode(const struct mcap *c);
bool is_writable_vnode(const struct mcap *c);
bool is_cnode(const struct mcap *c);
bool is_memory(const struct mcap *c);
bool is_frame(const struct mcap *c);
bool is_vnode(const struct mcap *c);
bool is_mapped(const struct mcap *c);
bool is_mappable(const struct mcap *c);
bool is_dispatcher(const struct mcap *c);
bool is_root_table(const struct mcap *c);
bool is_ram(const struct mcap *c);

#endif
