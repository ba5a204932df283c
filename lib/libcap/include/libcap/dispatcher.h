/* Dispatchers from a domain's side: make one, set a domain up on it, run, stop, end it. */
#ifndef LIBCAP_DISPATCHER_H
#define LIBCAP_DISPATCHER_H

#include <dispatcher.h>
#include <errors/errno.h>
#include <libcap/capref.h>
#include <stddef.h>

/* A new Dispatcher capability (DISPATCHER_BYTES of RAM in a page of its own). */
errval_t dispatcher_create(struct capref *ret);

/*
 * Sets a domain up on disp: it runs in the CSpace rooted at cspace (an L1
 * CNode) and the address space rooted at vroot, shares frame (read-write,
 * a page or more; its name field names the domain) with the kernel, which
 * the domain sees at frame_vaddr, and starts at entry on stack_top, disabled,
 * with frame_vaddr as its first argument. See doc/domains.md.
 */
errval_t dispatcher_setup(struct capref disp, struct capref cspace, struct capref vroot,
                          struct capref frame, uint64_t frame_vaddr, uint64_t entry,
                          uint64_t stack_top);

/* The domain joins the round-robin queue, or leaves it. */
errval_t dispatcher_run(struct capref disp);
errval_t dispatcher_stop(struct capref disp);

/* What identify says of disp: its state, and the status of a domain that ended. */
errval_t dispatcher_state(struct capref disp, enum dispatcher_state *state, uint64_t *status);

/*
 * Revokes and deletes disp (ending its domain if it still runs: the kernel
 * gives up its copies of the domain's CSpace, root table and frame), frees
 * the slot and gives the page back.
 */
errval_t dispatcher_destroy(struct capref disp);

/*
 * A new Endpoint capability to disp's domain, in a new slot: retyped from disp (one per
 * dispatcher; hand out copies, minted without the write right to forbid sending).
 */
errval_t endpoint_create(struct capref disp, struct capref *ret);

/*
 * Sends length words (at most LMP_MSG_WORDS) through ep, and with LMP_SEND_CAP_COPY or
 * LMP_SEND_CAP_MOVE in flags the capability cap, to ep's domain; LMP_SEND_YIELD gives it the
 * rest of this turn. The kernel's refusals come back as they are (SYS_ERR_ENDPOINT_BUSY: the
 * receiver has not taken its last message yet).
 */
errval_t endpoint_send(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                       size_t length);

/*
 * A copy of the unbadged Endpoint ep with rights and badge (not 0) in a new slot: the kernel
 * delivers the badge with every message sent through it (lmp_badge), so a receiver with many
 * senders tells them apart. Errors: LIB_ERR_ENDPOINT_BADGE over the kernel's
 * (SYS_ERR_ENDPOINT_BADGED: ep has another badge) or the slot allocator's.
 */
errval_t endpoint_badge(struct capref ep, caprights_t rights, uint32_t badge, struct capref *ret);

/*
 * The Endpoint ep (NULL_CAP: none) receives disp's faults from now on (doc/selfpaging.md, "The
 * external pager"): disp's domain blocks at each fault until dispatcher_resume.
 * LIB_ERR_DISPATCHER_FAULT_EP over the kernel's refusal.
 */
errval_t dispatcher_set_fault_ep(struct capref disp, struct capref ep);

/* The faulting instruction of disp's blocked domain runs again (flags 0), or with
   DISPATCHER_RESUME_DECLINE the fault ends it. LIB_ERR_DISPATCHER_RESUME over the refusal. */
errval_t dispatcher_resume(struct capref disp, uintptr_t flags);

#endif
