/* Endpoints: a message of a few words and at most one capability, into the receiver's buffer. */
#include <cspace.h>
#include <dispatch.h>

errval_t endpoint_check_receiver(const struct dcb *to)
{
    if (to->state == DISPATCHER_NEW) {
        return SYS_ERR_ENDPOINT_NO_DOMAIN;
    }
    if (to->state >= DISPATCHER_EXITED) {
        return SYS_ERR_ENDPOINT_DEAD;
    }
    return dcb_frame(to)->lmp_full != 0 ? SYS_ERR_ENDPOINT_BUSY : SYS_ERR_OK;
}

/*
 * The capability half: the sender's capability, and the empty slot the receiver named. Any
 * problem on the receiver's side reads the same, so that a sender learns nothing of its CSpace.
 */
static errval_t find_transfer(const struct capability *caller, uint64_t flags, uint64_t addr,
                              struct dcb *to, struct cte **src, struct cte **dest)
{
    bool move = (flags & LMP_SEND_CAP_MOVE) != 0;
    errval_t err =
        move ? cspace_lookup_writable(caller, addr, src) : cspace_lookup_cap(caller, addr, src);
    if (err_is_fail(err)) {
        return err;
    }
    if (move && (*src)->mapping.pte_count != 0) {
        return SYS_ERR_ENDPOINT_CAP_MAPPED; /* its mapping would go without its owner knowing */
    }
    if (move && cap_is_copy(&(*src)->cap, caller)) {
        return SYS_ERR_DELETE_ROOT_CNODE; /* the sender would lose the name of its CSpace */
    }
    uint64_t slot = dcb_frame(to)->lmp_recv_slot;
    if (slot == 0 || err_is_fail(cspace_lookup_slot(&to->cspace.cap, slot, dest)) ||
        !cte_is_empty(*dest) || !cspace_slot_writable(&to->cspace.cap, slot)) {
        return SYS_ERR_ENDPOINT_NO_RECV_SLOT;
    }
    return SYS_ERR_OK;
}

/* SEND(flags, cap, length, w0, w1, w2, w3): every check first, then the delivery. */
struct sysret endpoint_invoke_send(const struct capability *caller, struct cte *endpoint,
                                   const uintptr_t *args)
{
    uint64_t flags = args[0], length = args[2];
    bool with_cap = (flags & (LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE)) != 0;
    struct dcb *to = dcb_of(&endpoint->cap);
    struct cte *src = NULL, *dest = NULL;
    errval_t err = SYS_ERR_OK;
    if (!(endpoint->cap.rights & CAPRIGHTS_WRITE)) {
        err = SYS_ERR_ENDPOINT_NOT_WRITABLE;
    } else if ((flags & ~(uint64_t)LMP_SEND_FLAGS) != 0 ||
               (flags & (LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE)) ==
                   (LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE) ||
               length > LMP_MSG_WORDS) {
        err = SYS_ERR_INVALID_ARGS;
    } else {
        err = endpoint_check_receiver(to);
    }
    if (err_is_ok(err) && with_cap) {
        err = find_transfer(caller, flags, args[1], to, &src, &dest);
    }
    if (err_is_fail(err)) {
        return (struct sysret){.error = err};
    }
    if (with_cap) {
        caps_copy(dest, src, src->cap.rights);
        if (flags & LMP_SEND_CAP_MOVE) {
            caps_delete(src);
        }
    }
    dcb_frame(to)->lmp_has_cap = with_cap;
    endpoint_deliver(to, endpoint->cap.badge, false, &args[3], length);
    if ((flags & LMP_SEND_YIELD) && to != dcb_current && to->state == DISPATCHER_RUNNABLE) {
        sched_donate(to);
    }
    return (struct sysret){.error = SYS_ERR_OK};
}

void endpoint_deliver(struct dcb *to, uint32_t badge, bool fault, const uintptr_t *words,
                      uint64_t length)
{
    struct dispatcher_shared *s = dcb_frame(to);
    for (uint64_t i = 0; i < LMP_MSG_WORDS; i++) {
        s->lmp_words[i] = i < length ? (dispatcher_word_t)words[i] : 0;
    }
    s->lmp_length = (dispatcher_word_t)length;
    s->lmp_badge = badge;
    s->lmp_fault = fault;
    if (fault) {
        s->lmp_has_cap = 0;
    }
    s->lmp_full = 1;
    dispatcher_wake(to);
}
