/* Receiving messages through the domain's dispatcher frame (doc/domains.md, "Endpoints"). */
#ifndef LIBRT_LMP_H
#define LIBRT_LMP_H

#include <dispatcher.h>
#include <errors/errno.h>
#include <libcap/capref.h>
#include <stdbool.h>
#include <stddef.h>

struct lmp_msg {
    size_t length; /* words in words[] */
    uintptr_t words[LMP_MSG_WORDS];
    bool has_cap;   /* a capability arrived in the slot lmp_set_recv_slot named */
    uint32_t badge; /* the badge of the Endpoint it came through (0: none) */
    bool fault;     /* the kernel's fault message (doc/selfpaging.md), not a domain's SEND */
};

/* A fault message's facts: whose (the fault endpoint's badge), where, what (DISPATCHER_FAULT_*). */
struct pager_fault {
    uint32_t badge;
    uintptr_t vaddr;
    uintptr_t ip;
    unsigned kind;
};

/* Is m a fault message? Then f holds its facts. */
bool pager_fault_of(const struct lmp_msg *m, struct pager_fault *f);

/* Waits for the next message: true with f filled for a fault, false with m the other message. */
bool pager_recv(struct lmp_msg *m, struct pager_fault *f);

/* Names the empty slot the next capability sent to this domain goes into (NULL_CAP: none). */
void lmp_set_recv_slot(struct capref slot);

/* Takes the message in the buffer, if there is one; false otherwise. */
bool lmp_try_recv(struct lmp_msg *msg);

/* Waits (off the run queue) until a message arrives, then takes it. */
void lmp_recv(struct lmp_msg *msg);

/* The same on a given dispatcher frame (a second dispatcher in this address space). */
bool lmp_try_recv_on(volatile struct dispatcher_shared *frame, struct lmp_msg *msg);
void lmp_recv_on(volatile struct dispatcher_shared *frame, struct lmp_msg *msg);

/*
 * endpoint_send, yielding and trying again while the receiver's buffer is full: for as long as it
 * stays full, so only to a receiver trusted to take its messages.
 */
errval_t lmp_send(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                  size_t length);

/*
 * The same, trying at most tries times: to a receiver that may keep its buffer full for ever (a
 * domain may set lmp_full in its own frame). SYS_ERR_ENDPOINT_BUSY if it stayed full.
 */
errval_t lmp_send_tries(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                        size_t length, size_t tries);

#endif
