/* Generating dispatcher and endpoint commands: SETUP, RUN, STOP and SEND, of what fits mostly,
 * some adversarial. */
#include "gen_steps.h"

#include <dispatcher.h>

static bool is_writable_dispatcher(const struct mcap *c)
{
    return is_dispatcher(c) && (c->rights & CAPRIGHTS_WRITE);
}

static bool is_writable_frame(const struct mcap *c)
{
    return c->type == ObjType_Frame && (c->rights & CAPRIGHTS_READ_WRITE) == CAPRIGHTS_READ_WRITE;
}

/* The first address of the kernel's half: the first reserved slot of the root. */
static uint64_t kernel_half(void)
{
    uint64_t slot = 0;
    while (slot < fmt_entries(fmt_root()) && !fmt_reserved(fmt_root(), slot)) {
        slot++;
    }
    return slot * fmt_span(fmt_root());
}

/* A user address mostly (page-aligned if asked), else the last user page, the kernel's
   half, an unaligned one, or an edge. */
static uint64_t gen_domain_vaddr(struct gen_ctx *x, bool page)
{
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 85) {
        return page ? gen_rnd(x, 4096) * BASE_PAGE_BYTES : 0x1000 + gen_rnd(x, 1u << 24);
    }
    if (pick < 90) {
        return kernel_half() - (page ? BASE_PAGE_BYTES : 1);
    }
    if (pick < 95) {
        return kernel_half() + gen_rnd(x, 2) * BASE_PAGE_BYTES;
    }
    return page && gen_chance(x, 50) ? gen_rnd(x, 4096) * BASE_PAGE_BYTES + 8 : gen_edge(x);
}

/* SETUP(cspace, vroot, frame, frame_vaddr, entry, stack_top): any of them may be wrong. */
static void gen_setup(struct gen_ctx *x, uintptr_t *a)
{
    a[0] = gen_addr(x, &x->self, is_l1cnode, 12);
    a[1] = gen_addr(x, &x->self, is_root_table, 12);
    a[2] = gen_addr(x, &x->self, gen_chance(x, 80) ? is_writable_frame : is_frame, 12);
    a[3] = gen_domain_vaddr(x, true);
    a[4] = gen_domain_vaddr(x, false);
    a[5] = gen_domain_vaddr(x, false);
}

static bool is_endpoint(const struct mcap *c)
{
    return c->type == ObjType_Endpoint;
}

static bool is_writable_endpoint(const struct mcap *c)
{
    return is_endpoint(c) && (c->rights & CAPRIGHTS_WRITE);
}

/* Is the object at base a domain that lives (set up, not ended)? */
static bool lives(const struct gen_ctx *x, genpaddr_t base)
{
    const struct mdisp *d = model_disp(x->m, base);
    return d->state == DISPATCHER_STOPPED || d->state == DISPATCHER_RUNNABLE;
}

/* A writable endpoint to a domain that lives and can take a message now; 0 if none. */
static uint32_t ready_endpoint(struct gen_ctx *x)
{
    size_t start = (size_t)gen_rnd(x, x->self.count);
    for (size_t k = 0; k < x->self.count; k++) {
        const struct view_entry *e = &x->self.e[(start + k) % x->self.count];
        const struct mcap *c = &x->m->caps[e->cap];
        if (is_writable_endpoint(c) && lives(x, c->base) &&
            !model_frame_full(x->m, model_frame_of(x->m, c->base))) {
            return e->addr;
        }
    }
    return 0;
}

uint64_t gen_endpoint_missing(struct gen_ctx *x)
{
    for (size_t k = 0; k < x->self.count; k++) {
        const struct mcap *c = &x->m->caps[x->self.e[k].cap];
        if (is_endpoint(c) && lives(x, c->base)) {
            return 0;
        }
    }
    return gen_entry(x, &x->self, is_dispatcher) != NULL ? ObjType_Endpoint : 0;
}

/* SEND's flags: no capability mostly (the only sends that can be delivered here), some with
   one, some invalid. */
static uint64_t gen_send_flags(struct gen_ctx *x)
{
    static const uint64_t plain[] = {0, LMP_SEND_YIELD};
    static const uint64_t with_cap[] = {LMP_SEND_CAP_COPY, LMP_SEND_CAP_MOVE,
                                        LMP_SEND_CAP_COPY | LMP_SEND_YIELD,
                                        LMP_SEND_CAP_MOVE | LMP_SEND_YIELD};
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 60) {
        return plain[gen_rnd(x, 2)];
    }
    if (pick < 88) {
        return with_cap[gen_rnd(x, 4)];
    }
    if (pick < 94) {
        return LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE;
    }
    return gen_chance(x, 50) ? LMP_SEND_FLAGS + 1 + gen_rnd(x, 8) : gen_edge(x);
}

void gen_send(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a)
{
    *invoked = gen_chance(x, 60) ? ready_endpoint(x) : 0;
    if (*invoked == 0) {
        cap_filter filter = gen_chance(x, 85) ? is_writable_endpoint : is_endpoint;
        *invoked = gen_addr(x, &x->self, filter, 8);
    }
    a[0] = gen_send_flags(x);
    bool move = (a[0] & LMP_SEND_CAP_MOVE) != 0;
    a[1] = gen_addr(x, &x->self, move && gen_chance(x, 50) ? is_mapped : NULL, 20);
    a[2] = gen_chance(x, 90) ? gen_rnd(x, LMP_MSG_WORDS + 1) : gen_edge(x);
    for (int i = 3; i < 3 + LMP_MSG_WORDS; i++) {
        a[i] = gen_chance(x, 50) ? gen_rnd(x, 256) : gen_edge(x);
    }
}

uint64_t gen_domain_object_missing(struct gen_ctx *x)
{
    if (gen_entry(x, &x->self, is_dispatcher) == NULL) {
        return ObjType_Dispatcher;
    }
    return gen_entry(x, &x->self, is_root_table) == NULL ? fmt_root() : 0;
}

/* A writable dispatcher in the state the command can change (SETUP: new, RUN: stopped, STOP:
   runnable); 0 if the caller's CSpace has none. */
static uint32_t ready_dispatcher(struct gen_ctx *x, uint64_t cmd)
{
    enum dispatcher_state want = cmd == CMD_DISPATCHER_SETUP ? DISPATCHER_NEW
                                 : cmd == CMD_DISPATCHER_RUN ? DISPATCHER_STOPPED
                                                             : DISPATCHER_RUNNABLE;
    size_t start = (size_t)gen_rnd(x, x->self.count);
    for (size_t k = 0; k < x->self.count; k++) {
        const struct view_entry *e = &x->self.e[(start + k) % x->self.count];
        const struct mcap *c = &x->m->caps[e->cap];
        if (is_writable_dispatcher(c) && model_disp(x->m, c->base)->state == want) {
            return e->addr;
        }
    }
    return 0;
}

void gen_dispatcher(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *cmd, uintptr_t *a)
{
    unsigned pick = (unsigned)gen_rnd(x, 100);
    *cmd = pick < 45 ? CMD_DISPATCHER_SETUP : pick < 75 ? CMD_DISPATCHER_RUN : CMD_DISPATCHER_STOP;
    *invoked = gen_chance(x, 60) ? ready_dispatcher(x, *cmd) : 0;
    if (*invoked == 0) {
        cap_filter filter = gen_chance(x, 80) ? is_writable_dispatcher : is_dispatcher;
        *invoked = gen_addr(x, &x->self, filter, 8);
    }
    if (*cmd == CMD_DISPATCHER_SETUP) {
        gen_setup(x, a);
    }
}
