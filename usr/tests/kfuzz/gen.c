/* The generator: chooses the next step's command by weight, then its invoked capability and words.
 */
#include "gen_steps.h"

#include <init_cspace.h>
#include <string.h>

void gen_init(struct gen *g, uint64_t seed)
{
    g->state = seed;
}

/* The CSpace root a CNode command goes to: the caller's own mostly, another or a wrong one
   sometimes. */
static const struct mcap *gen_root(struct gen_ctx *x, uintptr_t *invoked)
{
    cap_filter filter = gen_chance(x, 85) ? is_writable_l1cnode : is_l1cnode;
    const struct view_entry *e = gen_chance(x, 94) ? gen_entry(x, &x->self, filter) : NULL;
    if (e != NULL && x->m->caps[e->cap].base != model_caller_root(x->m)->base &&
        gen_chance(x, 50)) {
        e = gen_entry(x, &x->self, filter); /* half as often through the others */
    }
    if (e == NULL) {
        *invoked = gen_addr(x, &x->self, NULL, 50);
        return NULL;
    }
    *invoked = e->addr;
    return &x->m->caps[e->cap];
}

/* Weights of the commands, in percent of steps; a large state deletes more. */
enum choice {
    C_RETYPE,
    C_COPY,
    C_MINT,
    C_DELETE,
    C_REVOKE,
    C_RECLAIM,
    C_MAP,
    C_MAP_COPY,
    C_UNMAP,
    C_MODIFY,
    C_IDENTIFY,
    C_DUMP,
    C_WRONG_CMD,
    C_SYSCALL,
    C_TRANSLATE,
    C_LOAD_ROOT,
    C_DISPATCHER,
    C_ENDPOINT,
    C_YIELD,
    C_WAIT,
    C_EXIT,
    C_NUM
};

static enum choice gen_choice(struct gen_ctx *x)
{
    static const unsigned weights[C_NUM] = {
        [C_RETYPE] = 240,    [C_COPY] = 90,     [C_MINT] = 80,      [C_DELETE] = 80,
        [C_REVOKE] = 25,     [C_RECLAIM] = 20,  [C_MAP] = 170,      [C_MAP_COPY] = 70,
        [C_UNMAP] = 75,      [C_MODIFY] = 60,   [C_IDENTIFY] = 60,  [C_DUMP] = 3,
        [C_WRONG_CMD] = 30,  [C_SYSCALL] = 25,  [C_TRANSLATE] = 40, [C_LOAD_ROOT] = 10,
        [C_DISPATCHER] = 60, [C_ENDPOINT] = 35, [C_YIELD] = 20,     [C_WAIT] = 5,
        [C_EXIT] = 3,
    };
    /* Another domain runs: mostly back to init soon, by its yield, a wait or its end. */
    if (!model_init_runs(x->m) && gen_chance(x, 20)) {
        unsigned pick = (unsigned)gen_rnd(x, 100);
        return pick < 70 ? C_YIELD : pick < 85 ? C_WAIT : C_EXIT;
    }
    unsigned extra_delete = x->m->count > 300 ? 300 : 0;
    unsigned total = extra_delete;
    for (int i = 0; i < C_NUM; i++) {
        total += weights[i];
    }
    unsigned pick = (unsigned)gen_rnd(x, total);
    if (pick < extra_delete) {
        return gen_chance(x, 80) ? C_DELETE : C_REVOKE;
    }
    pick -= extra_delete;
    for (int i = 0; i < C_NUM; i++) {
        if (pick < weights[i]) {
            return (enum choice)i;
        }
        pick -= weights[i];
    }
    return C_IDENTIFY;
}

/* The mapped copy of the table at base, if any: the record one level up. */
static const struct mcap *mapped_table(const struct model *m, genpaddr_t base)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct mcap *c = &m->caps[i];
        if (c->map_count != 0 && c->base == base && objtype_is_vnode((enum objtype)c->type)) {
            return c;
        }
    }
    return NULL;
}

/* Where a page of a mapped copy appears, climbing the records up to whatever root they reach. */
static uint64_t vaddr_of(struct gen_ctx *x, const struct mcap *c)
{
    gensize_t span = fmt_span((enum objtype)c->map_table_type);
    uint64_t vaddr = (c->map_slot + gen_rnd(x, c->map_count)) * span + gen_rnd(x, span);
    for (const struct mcap *t = mapped_table(x->m, c->map_table); t != NULL;
         t = mapped_table(x->m, t->map_table)) {
        vaddr += t->map_slot * fmt_span((enum objtype)t->map_table_type);
    }
    return vaddr;
}

/* A virtual address: of a mapped page, small indices at every level, anywhere, or an edge. */
static uint64_t gen_vaddr(struct gen_ctx *x)
{
    if (gen_chance(x, 15)) {
        return gen_edge(x);
    }
    const struct view_entry *e = gen_chance(x, 60) ? gen_entry(x, &x->self, is_mapped) : NULL;
    if (e != NULL && !is_vnode(&x->m->caps[e->cap])) {
        return vaddr_of(x, &x->m->caps[e->cap]);
    }
    uint64_t vaddr = 0;
    for (int level = 0; level < fmt_levels; level++) {
        enum objtype table = fmt_tables[level];
        uint64_t entries = level == 0 ? fmt_entries(table) / 2 : fmt_entries(table);
        uint64_t index = gen_chance(x, 70) ? gen_rnd(x, 16) : gen_rnd(x, entries);
        vaddr += index * fmt_span(table);
    }
    return vaddr + gen_rnd(x, fmt_span(fmt_tables[fmt_levels - 1]));
}

/* Anything that is not an invocation: the other call numbers, debug commands, unknown numbers. */
static void gen_other_syscall(struct gen_ctx *x, struct step *s)
{
    static const uint64_t numbers[] = {
        SYSCALL_PUTCHAR, SYSCALL_DEBUG, SYSCALL_DEBUG, SYSCALL_DEBUG, 0, 5, 99};
    s->w[0] =
        gen_chance(x, 90) ? numbers[gen_rnd(x, sizeof(numbers) / sizeof(numbers[0]))] : gen_edge(x);
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (s->w[0] == SYSCALL_PUTCHAR) {
        s->w[1] = '.';
    } else if (pick < 35) {
        s->w[1] = DEBUG_CHECK_KERNEL;
    } else if (pick < 85) {
        s->w[1] = DEBUG_TRANSLATE;
        s->w[2] = gen_vaddr(x);
    } else {
        s->w[1] = gen_rnd(x, 5);
    }
}

/* MAP_COPY's root, chosen as a CNode command's, and where the copy goes through it. */
static void gen_map_copy_dest(struct gen_ctx *x, uintptr_t *a)
{
    x->root_cap = gen_root(x, &a[5]);
    struct mcap none = {.type = ObjType_L1CNode, .base = 1, .bytes = 0};
    view_build(&x->root, x->m, x->root_cap != NULL ? x->root_cap : &none);
    gen_dest(x, &x->root, &a[6], &a[7], 1);
}

static void gen_cnode_command(struct gen_ctx *x, struct step *s, enum choice c)
{
    x->root_cap = gen_root(x, &s->w[1]);
    struct mcap none = {.type = ObjType_L1CNode, .base = 1, .bytes = 0};
    if (x->root_cap == NULL) {
        x->root_cap = &none;
    }
    view_build(&x->root, x->m, x->root_cap);
    uintptr_t *a = &s->w[3];
    switch (c) {
    case C_RETYPE:
        s->w[2] = CMD_CNODE_RETYPE;
        gen_retype(x, a);
        break;
    case C_COPY:
    case C_MINT:
        s->w[2] = c == C_MINT ? CMD_CNODE_MINT : CMD_CNODE_COPY;
        gen_copy(x, a, c == C_MINT);
        break;
    default:
        s->w[2] = c == C_REVOKE    ? CMD_CNODE_REVOKE
                  : c == C_RECLAIM ? CMD_CNODE_RECLAIM
                                   : CMD_CNODE_DELETE;
        gen_delete(x, a);
        break;
    }
}

static void gen_invocation(struct gen_ctx *x, struct step *s, enum choice c)
{
    uintptr_t *a = &s->w[3];
    switch (c) {
    case C_MAP:
        s->w[2] = CMD_VNODE_MAP;
        gen_map(x, &s->w[1], a);
        break;
    case C_MAP_COPY: /* MAP's words, and where the copy goes in the caller's own CSpace */
        s->w[2] = CMD_VNODE_MAP_COPY;
        gen_map(x, &s->w[1], a);
        gen_map_copy_dest(x, a);
        break;
    case C_UNMAP:
        s->w[2] = CMD_VNODE_UNMAP;
        gen_unmap(x, &s->w[1], a);
        break;
    case C_MODIFY:
        s->w[2] = CMD_FRAME_MODIFY_FLAGS;
        gen_modify_flags(x, &s->w[1], a);
        break;
    case C_IDENTIFY:
        s->w[2] = CMD_IDENTIFY;
        s->w[1] = gen_addr(x, &x->self, NULL, 25);
        break;
    case C_DUMP:
        s->w[2] = CMD_VNODE_DUMP;
        s->w[1] = gen_addr(x, &x->self, is_vnode, 10);
        break;
    case C_DISPATCHER:
        gen_dispatcher(x, &s->w[1], &s->w[2], a);
        break;
    case C_ENDPOINT:
        s->w[2] = CMD_ENDPOINT_SEND;
        gen_send(x, &s->w[1], a);
        break;
    default: /* any command on any capability, with small arguments */
        s->w[2] = gen_chance(x, 85) ? gen_rnd(x, CMD_NUM + 1) : gen_edge(x);
        s->w[1] = gen_addr(x, &x->self, NULL, 10);
        for (int i = 0; i < INVOKE_ARGS; i++) {
            a[i] = gen_chance(x, 50) ? gen_rnd(x, 8) : gen_addr(x, &x->self, NULL, 10);
        }
        break;
    }
}

/* A root table some mapped page hangs under, so that translations find pages; else any root. */
static uint64_t gen_root_to_load(struct gen_ctx *x)
{
    const struct view_entry *e = gen_chance(x, 60) ? gen_entry(x, &x->self, is_mapped) : NULL;
    if (e != NULL) {
        genpaddr_t top = x->m->caps[e->cap].map_table;
        for (const struct mcap *t = mapped_table(x->m, top); t != NULL;
             t = mapped_table(x->m, t->map_table)) {
            top = t->map_table;
        }
        for (size_t i = 0; i < x->self.count; i++) {
            const struct mcap *c = &x->m->caps[x->self.e[i].cap];
            if (c->base == top && is_root_table(c)) {
                return x->self.e[i].addr;
            }
        }
    }
    return gen_addr(x, &x->self, is_root_table, 15);
}

void gen_step(struct gen *g, const struct model *m, struct step *out)
{
    static struct gen_ctx x; /* keeps the views' storage from step to step */
    x.g = g;
    x.m = m;
    memset(out, 0, sizeof(*out));
    view_build(&x.self, m, model_caller_root(m));
    x.want_type = 0;
    enum choice c = gen_choice(&x);
    if (c == C_LOAD_ROOT && !model_init_runs(m)) {
        c = C_YIELD; /* the host loads roots for init only (doc/fuzzing.md) */
    }
    out->kind = STEP_SYSCALL;
    out->w[0] = SYSCALL_INVOKE;
    if (c == C_YIELD || c == C_WAIT) {
        out->w[0] = c == C_YIELD ? SYSCALL_YIELD : SYSCALL_WAIT;
    } else if (c == C_EXIT) {
        out->w[0] = SYSCALL_EXIT;
        out->w[1] = gen_chance(&x, 80) ? gen_rnd(&x, 256) : gen_edge(&x);
    } else if (c == C_SYSCALL) {
        gen_other_syscall(&x, out);
    } else if (c == C_TRANSLATE) {
        out->w[0] = SYSCALL_DEBUG;
        out->w[1] = DEBUG_TRANSLATE;
        out->w[2] = gen_vaddr(&x);
    } else if (c == C_LOAD_ROOT) {
        out->kind = STEP_LOAD_ROOT;
        out->w[1] = (capaddr_t)gen_root_to_load(&x); /* the host call takes 32 bits */
    } else if (c <= C_REVOKE) {
        gen_cnode_command(&x, out, c);
    } else if (c == C_DISPATCHER && (x.want_type = gen_domain_object_missing(&x)) != 0 &&
               gen_chance(&x, 70)) {
        gen_cnode_command(&x, out, C_RETYPE); /* what SETUP would need first */
    } else if (c == C_ENDPOINT && (x.want_type = gen_endpoint_missing(&x)) != 0 &&
               gen_chance(&x, 70)) {
        gen_cnode_command(&x, out, C_RETYPE); /* the endpoint of a dispatcher first */
    } else {
        gen_invocation(&x, out, c);
    }
}
