/* Generating CNode commands: retype, copy, mint, delete and revoke through some CSpace root. */
#include "gen_steps.h"

#include <init_cspace.h>

/* Types a retype of src should mostly ask for: what src may become, with the odd wrong one. */
static uint64_t gen_type(struct gen_ctx *x, const struct mcap *src)
{
    if (gen_chance(x, 6)) {
        return gen_chance(x, 70) ? gen_rnd(x, ObjType_Num + 2) : gen_edge(x);
    }
    if (src->type == ObjType_PhysAddr || src->type == ObjType_DevFrame) {
        return gen_chance(x, 70) ? ObjType_DevFrame : ObjType_PhysAddr;
    }
    if (src->type == ObjType_Frame) {
        return ObjType_Frame;
    }
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 30) {
        return ObjType_Frame;
    }
    if (pick < 45) {
        return ObjType_RAM;
    }
    if (pick < 58) {
        return ObjType_L2CNode;
    }
    if (pick < 64) {
        return ObjType_L1CNode;
    }
    if (pick < 74) {
        return ObjType_Dispatcher;
    }
    if (pick < 80) {
        return fmt_root(); /* a domain's own address space */
    }
    return fmt_tables[gen_rnd(x, (uint64_t)fmt_levels)];
}

/* Object sizes: the fixed one, small multiples of the granule, large pages, and wrong ones. */
static uint64_t gen_obj_bytes(struct gen_ctx *x, uint64_t type, const struct mcap *src)
{
    if (type >= ObjType_Num) {
        return BASE_PAGE_BYTES;
    }
    const struct objtype_info *info = &objtype_info[type];
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 4) {
        return gen_chance(x, 50) ? src->bytes : gen_edge(x);
    }
    if (pick < 7) {
        return BASE_PAGE_BYTES / 2 + gen_rnd(x, 3) * BASE_PAGE_BYTES;
    }
    if (info->fixed_bytes != 0) {
        return info->fixed_bytes;
    }
    if (pick < 12 && type != ObjType_L1CNode) {
        return fmt_span(fmt_tables[fmt_levels - 2]); /* a large page of this format */
    }
    return info->granule_bytes << gen_rnd(x, 4);
}

/* Offsets into the source: aligned at several granularities (a dispatcher's 1 KiB too), inside
   its first 32 MiB; some not. */
static uint64_t gen_offset(struct gen_ctx *x, const struct mcap *src, uint64_t type)
{
    static const uint64_t grains[] = {BASE_PAGE_BYTES, 4 * BASE_PAGE_BYTES, 1u << 16, 1u << 20,
                                      1u << 21};
    if (gen_chance(x, 5)) {
        return gen_chance(x, 50) ? src->bytes : gen_edge(x);
    }
    uint64_t grain = grains[gen_rnd(x, sizeof(grains) / sizeof(grains[0]))];
    if (type == ObjType_Dispatcher && gen_chance(x, 50)) {
        grain = DISPATCHER_BYTES;
    }
    uint64_t span = src->bytes < (32u << 20) ? src->bytes : (32u << 20);
    if (gen_chance(x, 40)) {
        span = span < (2u << 20) ? span : (2u << 20); /* crowd a few MiB: overlaps */
    }
    uint64_t offset = span >= grain ? gen_rnd(x, span / grain) * grain : 0;
    return gen_chance(x, 3) ? offset + CTE_BYTES : offset;
}

static uint64_t gen_count(struct gen_ctx *x)
{
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 62) {
        return 1;
    }
    if (pick < 88) {
        return 2 + gen_rnd(x, 3);
    }
    if (pick < 96) {
        return 5 + gen_rnd(x, 12);
    }
    return gen_chance(x, 50) ? 0 : gen_edge(x);
}

void gen_retype(struct gen_ctx *x, uintptr_t *a)
{
    cap_filter filter = x->want_type == ObjType_Endpoint ? is_dispatcher
                        : x->want_type != 0              ? is_ram
                                                         : is_memory;
    const struct view_entry *e = gen_chance(x, 90) ? gen_entry(x, &x->root, filter) : NULL;
    const struct mcap *src = e != NULL ? &x->m->caps[e->cap] : NULL;
    a[0] = e != NULL ? e->addr : gen_addr(x, &x->root, NULL, 60);
    struct mcap fake = {.type = ObjType_RAM, .bytes = 1u << 20, .base = x->m->ram_base};
    if (src == NULL) {
        src = &fake;
    }
    a[2] = x->want_type != 0 ? x->want_type : gen_type(x, src);
    a[3] = gen_obj_bytes(x, a[2], src);
    a[1] = gen_offset(x, src, a[2]);
    a[4] = gen_count(x);
    gen_dest(x, &x->root, &a[5], &a[6], a[4] < 64 ? a[4] : 1);
}

/* Copy and mint: any capability, L2 CNodes often (that is how other CSpaces are built), and
   dispatchers (minted without the write right, or into another domain's CSpace). */
void gen_copy(struct gen_ctx *x, uintptr_t *a, bool mint)
{
    gen_dest(x, &x->root, &a[0], &a[1], 1);
    unsigned pick = (unsigned)gen_rnd(x, 100);
    cap_filter filter = pick < 25 ? is_cnode : pick < 35 ? is_dispatcher : NULL;
    a[2] = gen_addr(x, &x->root, filter, 8);
    if (mint) {
        a[3] = gen_rights(x);
    }
}

/*
 * Is c one of the capabilities without which init can do little more: a copy
 * of its root, of the L2 CNodes at its first two L1 slots, or its RAM? Or a
 * copy of the root of the domain that runs, if that is another? (Revoke
 * through any copy takes every other one along.)
 */
static bool is_lifeline(const struct gen_ctx *x, const struct mcap *c)
{
    const struct mcap *init = model_at(x->m, (struct mloc){MODEL_HELD, MODEL_HELD_CSPACE});
    const struct mcap *own = model_caller_root(x->m);
    if (c->type == ObjType_L1CNode && (c->base == init->base || c->base == own->base)) {
        return true;
    }
    for (uint32_t slot = ROOTCN_SLOT_TASKCN; slot <= ROOTCN_SLOT_SUPERCN; slot++) {
        const struct mcap *l2 = model_at(x->m, (struct mloc){init->base, slot});
        if (l2 != NULL && model_is_copy(l2, c)) {
            return true;
        }
    }
    return c->type == ObjType_RAM && c->base == x->m->ram_base && c->bytes == x->m->ram_bytes;
}

/* Delete and revoke: any capability; init's lifelines only now and then. */
void gen_delete(struct gen_ctx *x, uintptr_t *a)
{
    for (int tries = 0; tries < 16; tries++) {
        a[0] = gen_addr(x, &x->root, NULL, 8);
        struct mcap *c;
        errval_t err = model_lookup_cap(x->m, x->root_cap, a[0], &c);
        if (err_is_fail(err) || !is_lifeline(x, c) || gen_rnd(x, 1000) < 3) {
            return;
        }
    }
    a[0] = gen_bad_addr(x);
}
