/*
 * The model's dispatchers and domains: SETUP, RUN and STOP in doc/capabilities.md's order, the
 * copies the kernel holds for a domain, its end, and the round-robin queue whose head makes the
 * next system call (doc/domains.md: RUN appends, a yield sends the caller to the back, STOP,
 * a wait and the end take a domain out, a message puts a waiting one back).
 */
#include "model_ops.h"

#include <dispatcher.h>
#include <string.h>

struct mdisp *model_disp(const struct model *m, genpaddr_t base)
{
    for (size_t i = 0; i < m->disp_count; i++) {
        if (m->disps[i].base == base) {
            return &m->disps[i];
        }
    }
    return NULL;
}

/* A retyped (zeroed) object: the record of a dead one at the same place starts afresh. */
void model_disp_new(struct model *m, genpaddr_t base)
{
    struct mdisp *d = model_disp(m, base);
    if (d == NULL) {
        if (m->disp_count == m->disp_capacity) {
            m->disps = model_grow(m->disps, &m->disp_capacity, sizeof(*m->disps));
        }
        d = &m->disps[m->disp_count++];
    }
    *d = (struct mdisp){.base = base, .held = m->next_held};
    m->next_held += MODEL_DOMAIN_HELD;
}

void model_queue_remove(struct model *m, genpaddr_t domain)
{
    for (size_t i = 0; i < m->queue_count; i++) {
        if (m->queue[i] == domain) {
            memmove(&m->queue[i], &m->queue[i + 1], (m->queue_count - i - 1) * sizeof(*m->queue));
            m->queue_count--;
            return;
        }
    }
}

bool model_queued(const struct model *m, genpaddr_t domain)
{
    for (size_t i = 0; i < m->queue_count; i++) {
        if (m->queue[i] == domain) {
            return true;
        }
    }
    return false;
}

void model_queue_append(struct model *m, genpaddr_t domain)
{
    if (m->queue_count == m->queue_capacity) {
        m->queue = model_grow(m->queue, &m->queue_capacity, sizeof(*m->queue));
    }
    m->queue[m->queue_count++] = domain;
}

/* Its record stays: an endpoint keeps the dead control block, and a message to it is refused. */
bool model_disp_dying(struct model *m, genpaddr_t base, uint32_t *held)
{
    struct mdisp *d = model_disp(m, base);
    model_queue_remove(m, base);
    d->state = DISPATCHER_EXITED;
    d->status = 0xff;
    *held = d->held;
    bool release = !d->released;
    d->released = true;
    return release;
}

uintptr_t model_type_word(const struct model *m, const struct mcap *c)
{
    if (c->type == ObjType_Endpoint) {
        return c->badge;
    }
    if (c->type != ObjType_Dispatcher) {
        return 0;
    }
    const struct mdisp *d = model_disp(m, c->base);
    bool waits = d->state == DISPATCHER_RUNNABLE && d->waiting;
    return (uintptr_t)(waits ? DISPATCHER_WAITING : d->state) | (uintptr_t)(d->status << 8);
}

genpaddr_t model_running(const struct model *m)
{
    return m->queue[0]; /* init never leaves the queue: it has no dispatcher to stop or wait */
}

bool model_init_runs(const struct model *m)
{
    return model_running(m) == MODEL_INIT;
}

genpaddr_t model_frame_of(const struct model *m, genpaddr_t domain)
{
    if (domain == MODEL_INIT) {
        return 0;
    }
    const struct mdisp *d = model_disp(m, domain);
    return model_at(m, (struct mloc){MODEL_HELD, d->held + 2})->base;
}

static struct mcap *held_of_caller(const struct model *m, uint32_t which)
{
    if (model_init_runs(m)) {
        return model_at(m, (struct mloc){MODEL_HELD, which});
    }
    const struct mdisp *d = model_disp(m, model_running(m));
    return model_at(m, (struct mloc){MODEL_HELD, d->held + which});
}

struct mcap *model_caller_root(const struct model *m)
{
    return held_of_caller(m, MODEL_HELD_CSPACE);
}

struct mcap *model_caller_vroot(const struct model *m)
{
    return held_of_caller(m, MODEL_HELD_VROOT);
}

/* Is vaddr in the user part of an address space (what the root's user slots map)? */
static bool user_vaddr(uint64_t vaddr)
{
    uint64_t slot = vaddr / fmt_span(fmt_root());
    return slot < fmt_entries(fmt_root()) && !fmt_reserved(fmt_root(), slot);
}

/* SETUP's lookups and their types, through the caller's CSpace: cspace, vroot, frame. */
static errval_t setup_sources(const struct model *m, const uintptr_t *a, struct mcap *src[3])
{
    const struct mcap *root = model_caller_root(m);
    errval_t err = SYS_ERR_OK;
    for (int i = 0; i < 3 && err_is_ok(err); i++) {
        err = model_lookup_cap(m, root, a[i], &src[i]);
    }
    if (err_is_fail(err)) {
        return err;
    }
    if (src[0]->type != ObjType_L1CNode) {
        return SYS_ERR_DISPATCHER_CSPACE_TYPE;
    }
    if (src[1]->type != fmt_root()) {
        return SYS_ERR_DISPATCHER_VROOT_TYPE;
    }
    bool rw = (src[2]->rights & CAPRIGHTS_READ_WRITE) == CAPRIGHTS_READ_WRITE;
    if (src[2]->type != ObjType_Frame || src[2]->bytes < DISPATCHER_FRAME_BYTES || !rw) {
        return SYS_ERR_DISPATCHER_FRAME_INVALID;
    }
    if (!(src[0]->rights & src[1]->rights & src[2]->rights & CAPRIGHTS_GRANT)) {
        return SYS_ERR_DISPATCHER_NEEDS_GRANT;
    }
    bool aligned = a[3] % BASE_PAGE_BYTES == 0;
    return aligned && user_vaddr(a[3]) && user_vaddr(a[4]) && user_vaddr(a[5])
               ? SYS_ERR_OK
               : SYS_ERR_DISPATCHER_ADDRESS;
}

/* SETUP(cspace, vroot, frame, frame_vaddr, entry, stack_top): the kernel holds the three. */
static errval_t setup(struct model *m, genpaddr_t base, const uintptr_t *a)
{
    struct mdisp *d = model_disp(m, base);
    if (d->state != DISPATCHER_NEW) {
        return d->state >= DISPATCHER_EXITED ? SYS_ERR_DISPATCHER_ENDED : SYS_ERR_DISPATCHER_SET_UP;
    }
    struct mcap *src[3];
    errval_t err = setup_sources(m, a, src);
    if (err_is_fail(err)) {
        return err;
    }
    struct mcap copies[3] = {*src[0], *src[1], *src[2]}; /* model_add may move the array */
    d->state = DISPATCHER_STOPPED;
    uint32_t held = d->held;
    for (uint32_t i = 0; i < 3; i++) {
        model_add(m, (struct mloc){MODEL_HELD, held + i}, (enum objtype)copies[i].type,
                  copies[i].rights, copies[i].base, copies[i].bytes);
    }
    return SYS_ERR_OK;
}

static errval_t run(struct model *m, struct mdisp *d)
{
    switch (d->state) {
    case DISPATCHER_NEW:
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    case DISPATCHER_RUNNABLE:
        return SYS_ERR_DISPATCHER_RUNNABLE;
    case DISPATCHER_STOPPED:
        d->state = DISPATCHER_RUNNABLE;
        if (!d->waiting) {
            model_queue_append(m, d->base);
        }
        return SYS_ERR_OK;
    default:
        return SYS_ERR_DISPATCHER_ENDED;
    }
}

static errval_t stop(struct model *m, struct mdisp *d)
{
    switch (d->state) {
    case DISPATCHER_NEW:
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    case DISPATCHER_STOPPED:
        return SYS_ERR_DISPATCHER_STOPPED;
    case DISPATCHER_RUNNABLE:
        d->state = DISPATCHER_STOPPED;
        model_queue_remove(m, d->base);
        return SYS_ERR_OK;
    default:
        return SYS_ERR_DISPATCHER_ENDED;
    }
}

/* SET_FAULT_EP(ep): only its refusals show, as no domain faults under the fuzzer. */
static errval_t set_fault_ep(struct model *m, const struct mdisp *d, uint64_t ep)
{
    if (d->state == DISPATCHER_NEW) {
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    }
    if (d->state >= DISPATCHER_EXITED) {
        return SYS_ERR_DISPATCHER_ENDED;
    }
    if (ep == 0) {
        return SYS_ERR_OK;
    }
    struct mcap *c;
    errval_t err = model_lookup_cap(m, model_caller_root(m), ep, &c);
    if (err_is_fail(err)) {
        return err;
    }
    if (c->type != ObjType_Endpoint) {
        return SYS_ERR_FAULT_EP_NOT_ENDPOINT;
    }
    if (!(c->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_ENDPOINT_NOT_WRITABLE;
    }
    return model_disp(m, c->base)->state >= DISPATCHER_EXITED ? SYS_ERR_ENDPOINT_DEAD : SYS_ERR_OK;
}

/* RESUME(flags): nothing is ever blocked on a fault here. */
static errval_t resume(const struct mdisp *d, uint64_t flags)
{
    if ((flags & ~(uint64_t)DISPATCHER_RESUME_DECLINE) != 0) {
        return SYS_ERR_INVALID_ARGS;
    }
    if (d->state == DISPATCHER_NEW) {
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    }
    return d->state >= DISPATCHER_EXITED ? SYS_ERR_DISPATCHER_ENDED
                                         : SYS_ERR_DISPATCHER_NOT_BLOCKED;
}

errval_t model_dispatcher(struct model *m, const struct mcap *invoked, uint64_t cmd,
                          const uintptr_t *args)
{
    if (!(invoked->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_DISPATCHER_NOT_WRITABLE;
    }
    genpaddr_t base = invoked->base;
    if (cmd == CMD_DISPATCHER_SETUP) {
        return setup(m, base, args);
    }
    if (cmd == CMD_DISPATCHER_SET_FAULT_EP) {
        return (invoked->rights & CAPRIGHTS_GRANT) ? set_fault_ep(m, model_disp(m, base), args[0])
                                                   : SYS_ERR_FAULT_EP_NEEDS_GRANT;
    }
    if (cmd == CMD_DISPATCHER_RESUME) {
        return resume(model_disp(m, base), args[0]);
    }
    return cmd == CMD_DISPATCHER_RUN ? run(m, model_disp(m, base)) : stop(m, model_disp(m, base));
}

void model_yield(struct model *m)
{
    genpaddr_t head = m->queue[0];
    model_queue_remove(m, head);
    model_queue_append(m, head);
}

/* init's exit ends the machine, which the host records and goes on; another domain ends. */
void model_exit(struct model *m, uint64_t status)
{
    if (model_init_runs(m)) {
        return;
    }
    struct mdisp *d = model_disp(m, model_running(m));
    model_queue_remove(m, d->base);
    d->state = DISPATCHER_EXITED;
    d->status = status;
    d->released = true;
    model_delete_held(m, d->held, MODEL_DOMAIN_HELD); /* may take d along: d is not used after */
}
