/*
 * The model's endpoints and waits (doc/domains.md, include/invocations.h): SEND's refusals in
 * the kernel's order, the receive buffer's one bit the fuzzer can see (full or not), waking a
 * waiting domain and giving it the rest of the turn.
 *
 * Only the kernel writes a dispatcher frame in a fuzzed machine (the fuzzer never writes
 * memory), so a frame's buffer is full from the first message on until a retype zeroes its
 * page, and it never names a receive slot: every capability transfer that passes the sender's
 * checks is refused with SYS_ERR_ENDPOINT_NO_RECV_SLOT.
 */
#include "model_ops.h"

#include <dispatcher.h>

bool model_frame_full(const struct model *m, genpaddr_t frame)
{
    for (size_t i = 0; i < m->full_count; i++) {
        if (m->full[i] == frame) {
            return true;
        }
    }
    return false;
}

static void set_full(struct model *m, genpaddr_t frame)
{
    if (model_frame_full(m, frame)) {
        return;
    }
    if (m->full_count == m->full_capacity) {
        m->full = model_grow(m->full, &m->full_capacity, sizeof(*m->full));
    }
    m->full[m->full_count++] = frame;
}

void model_zeroed(struct model *m, genpaddr_t base, gensize_t bytes)
{
    for (size_t i = 0; i < m->full_count;) {
        if (m->full[i] >= base && m->full[i] - base < bytes) {
            m->full[i] = m->full[--m->full_count];
        } else {
            i++;
        }
    }
}

void model_wait(struct model *m)
{
    genpaddr_t self = model_running(m);
    if (self == MODEL_INIT || model_frame_full(m, model_frame_of(m, self))) {
        return; /* the hosted init has no buffer; a message is there already */
    }
    model_disp(m, self)->waiting = true;
    model_queue_remove(m, self);
}

/* The sender's capability, with no slot for it on the other side. */
static errval_t transfer(const struct model *m, uint64_t flags, uint64_t addr)
{
    const struct mcap *root = model_caller_root(m);
    bool move = (flags & LMP_SEND_CAP_MOVE) != 0;
    struct mcap *src;
    errval_t err =
        move ? model_lookup_writable(m, root, addr, &src) : model_lookup_cap(m, root, addr, &src);
    if (err_is_fail(err)) {
        return err;
    }
    if (move && src->map_count != 0) {
        return SYS_ERR_ENDPOINT_CAP_MAPPED;
    }
    if (move && model_is_copy(src, root)) {
        return SYS_ERR_DELETE_ROOT_CNODE;
    }
    return SYS_ERR_ENDPOINT_NO_RECV_SLOT;
}

/* The receiver runs next: right behind the sender, which goes to the back. */
static void donate(struct model *m, genpaddr_t to)
{
    if (m->queue[0] == to || !model_queued(m, to)) {
        return;
    }
    model_queue_remove(m, to);
    model_queue_append(m, to);
    for (size_t i = m->queue_count - 1; i > 1; i--) {
        m->queue[i] = m->queue[i - 1];
    }
    m->queue[1] = to;
    model_yield(m);
}

/* SEND(flags, cap, length, w0, w1, w2, w3). */
errval_t model_send(struct model *m, const struct mcap *endpoint, const uintptr_t *a)
{
    uint64_t flags = a[0], length = a[2];
    const uint64_t both = LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE;
    if (!(endpoint->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_ENDPOINT_NOT_WRITABLE;
    }
    if ((flags & ~(uint64_t)LMP_SEND_FLAGS) != 0 || (flags & both) == both ||
        length > LMP_MSG_WORDS) {
        return SYS_ERR_INVALID_ARGS;
    }
    struct mdisp *to = model_disp(m, endpoint->base);
    if (to->state == DISPATCHER_NEW) {
        return SYS_ERR_ENDPOINT_NO_DOMAIN;
    }
    if (to->state >= DISPATCHER_EXITED) {
        return SYS_ERR_ENDPOINT_DEAD;
    }
    genpaddr_t frame = model_frame_of(m, to->base);
    if (model_frame_full(m, frame)) {
        return SYS_ERR_ENDPOINT_BUSY;
    }
    if ((flags & both) != 0) {
        return transfer(m, flags, a[1]);
    }
    set_full(m, frame);
    if (to->waiting) {
        to->waiting = false;
        if (to->state == DISPATCHER_RUNNABLE) {
            model_queue_append(m, to->base);
        }
    }
    if ((flags & LMP_SEND_YIELD) && to->base != model_running(m) &&
        to->state == DISPATCHER_RUNNABLE) {
        donate(m, to->base);
    }
    return SYS_ERR_OK;
}
