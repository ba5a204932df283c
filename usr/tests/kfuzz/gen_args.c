/* Picking arguments: mostly names and numbers the model says make sense, some chosen to be wrong.
 */
#include "gen_args.h"

#include <paging_flags.h>

uint64_t gen_rnd(struct gen_ctx *x, uint64_t n)
{
    return rng_below(&x->g->state, n);
}

bool gen_chance(struct gen_ctx *x, unsigned percent)
{
    return rng_chance(&x->g->state, percent);
}

bool is_l1cnode(const struct mcap *c)
{
    return c->type == ObjType_L1CNode;
}

bool is_writable_l1cnode(const struct mcap *c)
{
    return is_l1cnode(c) && (c->rights & CAPRIGHTS_WRITE);
}

bool is_writable_vnode(const struct mcap *c)
{
    return is_vnode(c) && (c->rights & CAPRIGHTS_WRITE);
}

bool is_cnode(const struct mcap *c)
{
    return objtype_is_cnode((enum objtype)c->type);
}

bool is_memory(const struct mcap *c)
{
    enum objkind kind = objtype_info[c->type].kind;
    return kind == OBJKIND_MEM || kind == OBJKIND_FRAME;
}

bool is_frame(const struct mcap *c)
{
    return c->type == ObjType_Frame || c->type == ObjType_DevFrame;
}

bool is_vnode(const struct mcap *c)
{
    return objtype_is_vnode((enum objtype)c->type);
}

bool is_mapped(const struct mcap *c)
{
    return c->map_count != 0;
}

bool is_dispatcher(const struct mcap *c)
{
    return c->type == ObjType_Dispatcher;
}

bool is_root_table(const struct mcap *c)
{
    return c->type == fmt_root();
}

bool is_ram(const struct mcap *c)
{
    return c->type == ObjType_RAM;
}

bool is_mappable(const struct mcap *c)
{
    return is_frame(c) || is_vnode(c);
}

uint64_t gen_edge(struct gen_ctx *x)
{
    static const uint64_t edges[] = {
        0,          1,          2,          0xff,       0x100,
        0xfff,      0x1000,     0x7fffffff, 0x80000000, 0xffffffff,
        1ull << 32, 1ull << 47, 1ull << 63, UINT64_MAX, UINT64_MAX - 0xfff};
    return gen_chance(x, 80) ? edges[gen_rnd(x, sizeof(edges) / sizeof(edges[0]))]
                             : (uint64_t)gen_rnd(x, UINT64_MAX);
}

uint64_t gen_bad_addr(struct gen_ctx *x)
{
    switch (gen_rnd(x, 8)) {
    case 0:
        return 0; /* the null capability */
    case 1:
        return (1ull << 32) | gen_rnd(x, 1ull << 32); /* bits above 31 */
    case 2:
        return capaddr_l1_slot((uint32_t)gen_rnd(x, 64)) | (1 + gen_rnd(x, 255)); /* L2 bits */
    case 3:
        return capaddr_make(CAPADDR_L1_MAX - (uint32_t)gen_rnd(x, 4), 0); /* beyond any root */
    case 4:
        return capaddr_make((uint32_t)gen_rnd(x, 48), (cslot_t)gen_rnd(x, 256)); /* maybe empty */
    case 5:
        return capaddr_l1_slot((uint32_t)gen_rnd(x, 48));
    case 6:
        return capaddr_make(8192 + (uint32_t)gen_rnd(x, 8), 1); /* just past init's root */
    default:
        return gen_edge(x);
    }
}

const struct view_entry *gen_entry(struct gen_ctx *x, const struct view *v, cap_filter filter)
{
    if (v->count == 0) {
        return NULL;
    }
    size_t start = (size_t)gen_rnd(x, v->count);
    for (size_t k = 0; k < v->count; k++) {
        const struct view_entry *e = &v->e[(start + k) % v->count];
        if (filter == NULL || filter(&x->m->caps[e->cap])) {
            return e;
        }
    }
    return NULL;
}

uint64_t gen_addr(struct gen_ctx *x, const struct view *v, cap_filter filter, unsigned wrong_pct)
{
    if (gen_chance(x, wrong_pct)) {
        return gen_chance(x, 50) ? gen_bad_addr(x) : gen_addr(x, v, NULL, 0);
    }
    const struct view_entry *e = gen_entry(x, v, filter);
    if (e == NULL) {
        e = gen_entry(x, v, NULL);
    }
    return e != NULL ? e->addr : gen_bad_addr(x);
}

/* A slot of the CNode at cnode: empty mostly, else taken, the last one, past the end. */
static uint64_t gen_slot(struct gen_ctx *x, const struct mcap *cnode, uint64_t count)
{
    uint64_t slots = cnode->bytes / CTE_BYTES;
    uint64_t window = slots < 48 ? slots : 48; /* few slots, so that they meet again */
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 80) {
        for (int tries = 0; tries < 8; tries++) {
            uint64_t s = gen_rnd(x, window);
            bool free_run = s + count <= slots;
            for (uint64_t i = 0; free_run && i < count && i < 64; i++) {
                free_run = model_at(x->m, (struct mloc){cnode->base, (uint32_t)(s + i)}) == NULL;
            }
            if (free_run) {
                return s;
            }
        }
        return gen_rnd(x, window);
    }
    if (pick < 90) {
        return gen_rnd(x, window);
    }
    static const uint64_t edges[] = {0, 1};
    switch (gen_rnd(x, 4)) {
    case 0:
        return slots - 1;
    case 1:
        return slots;
    case 2:
        return slots - count;
    default:
        return gen_chance(x, 50) ? edges[gen_rnd(x, 2)] : gen_edge(x);
    }
}

void gen_dest(struct gen_ctx *x, struct view *through, uintptr_t *cnode_addr, uintptr_t *slot,
              uint64_t count)
{
    const struct view_entry *e = gen_chance(x, 92) ? gen_entry(x, through, is_cnode) : NULL;
    if (e == NULL) {
        *cnode_addr = gen_addr(x, through, NULL, 50);
        *slot = gen_rnd(x, 300);
        return;
    }
    *cnode_addr = e->addr;
    *slot = gen_slot(x, &x->m->caps[e->cap], count);
}

uint64_t gen_flags(struct gen_ctx *x)
{
    static const uint64_t valid[] = {
        VREGION_FLAGS_READ_WRITE,
        VREGION_FLAGS_READ_WRITE,
        VREGION_FLAGS_READ,
        VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
        VREGION_FLAGS_MASK & ~VREGION_FLAGS_NOCACHE,
        VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE,
        VREGION_FLAGS_MASK,
    };
    static const uint64_t wrong[] = {0, VREGION_FLAGS_WRITE, VREGION_FLAGS_EXECUTE,
                                     VREGION_FLAGS_LARGE | VREGION_FLAGS_READ, 1u << 4};
    if (gen_chance(x, 88)) {
        return valid[gen_rnd(x, sizeof(valid) / sizeof(valid[0]))];
    }
    return gen_chance(x, 70) ? wrong[gen_rnd(x, sizeof(wrong) / sizeof(wrong[0]))] : gen_edge(x);
}

uint64_t gen_rights(struct gen_ctx *x)
{
    if (gen_chance(x, 90)) {
        return gen_rnd(x, CAPRIGHTS_ALLRIGHTS + 1);
    }
    return gen_chance(x, 50) ? (1u << (4 + gen_rnd(x, 4))) | gen_rnd(x, 16) : gen_edge(x);
}
