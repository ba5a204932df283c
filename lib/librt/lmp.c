/* Receiving messages through the domain's dispatcher frame, and sending until there is room. */
#include <disp.h>
#include <libcap/dispatcher.h>
#include <libcap/syscalls.h>
#include <lmp.h>

void lmp_set_recv_slot(struct capref slot)
{
    disp_frame()->lmp_recv_slot = (dispatcher_word_t)get_cap_addr(slot);
}

bool lmp_try_recv(struct lmp_msg *msg)
{
    return lmp_try_recv_on(disp_frame(), msg);
}

void lmp_recv(struct lmp_msg *msg)
{
    lmp_recv_on(disp_frame(), msg);
}

bool lmp_try_recv_on(volatile struct dispatcher_shared *f, struct lmp_msg *msg)
{
    if (f->lmp_full == 0) {
        return false;
    }
    msg->length = f->lmp_length <= LMP_MSG_WORDS ? f->lmp_length : LMP_MSG_WORDS;
    for (size_t i = 0; i < LMP_MSG_WORDS; i++) {
        msg->words[i] = f->lmp_words[i];
    }
    msg->has_cap = f->lmp_has_cap != 0;
    msg->badge = (uint32_t)f->lmp_badge;
    msg->fault = f->lmp_fault != 0;
    f->lmp_full = 0; /* the buffer is free: the next message may come */
    return true;
}

void lmp_recv_on(volatile struct dispatcher_shared *f, struct lmp_msg *msg)
{
    while (!lmp_try_recv_on(f, msg)) {
        sys_wait();
    }
}

errval_t lmp_send(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                  size_t length)
{
    for (;;) {
        errval_t err = endpoint_send(ep, flags, cap, words, length);
        if (err_no(err) != SYS_ERR_ENDPOINT_BUSY) {
            return err;
        }
        sys_yield();
    }
}

errval_t lmp_send_tries(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                        size_t length, size_t tries)
{
    errval_t err = SYS_ERR_ENDPOINT_BUSY;
    for (size_t i = 0; i < tries; i++) {
        err = endpoint_send(ep, flags, cap, words, length);
        if (err_no(err) != SYS_ERR_ENDPOINT_BUSY) {
            return err;
        }
        sys_yield();
    }
    return err;
}
