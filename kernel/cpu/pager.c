/* The external pager: a domain's faults sent to an Endpoint, and the pager's answer. */
#include <cspace.h>
#include <dispatch.h>

/* SET_FAULT_EP(ep): the Endpoint's domain and badge become dcb's pager; 0 clears it. */
errval_t pager_set_fault_ep(const struct capability *caller, struct dcb *dcb, uintptr_t ep)
{
    if (dcb->state == DISPATCHER_NEW) {
        return SYS_ERR_DISPATCHER_NOT_SET_UP; /* only live domains are cleared when a pager dies */
    }
    if (dcb->state >= DISPATCHER_EXITED) {
        return SYS_ERR_DISPATCHER_ENDED;
    }
    if (ep == 0) {
        dcb->pager = NULL;
        dcb->pager_badge = 0;
        dcb->fault_final = false;
        return SYS_ERR_OK;
    }
    struct cte *cte;
    errval_t err = cspace_lookup_cap(caller, ep, &cte);
    if (err_is_fail(err)) {
        return err;
    }
    if (cte->cap.type != ObjType_Endpoint) {
        return SYS_ERR_FAULT_EP_NOT_ENDPOINT;
    }
    if (!(cte->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_ENDPOINT_NOT_WRITABLE;
    }
    struct dcb *pager = dcb_of(&cte->cap);
    if (pager->state >= DISPATCHER_EXITED) {
        return SYS_ERR_ENDPOINT_DEAD; /* pager_gone has passed: nothing would clear the pointer */
    }
    dcb->pager = pager;
    dcb->pager_badge = cte->cap.badge;
    dcb->fault_final = false; /* a new pager serves even a fault the old one left final */
    return SYS_ERR_OK;
}

/* The fault dcb is blocked on ends it when it comes again: the same instruction at the same
   address. Any other fault is a new one (the pager mapped the page, then died). */
static void mark_final(struct dcb *dcb)
{
    dcb->fault_final = true;
    dcb->final_ip = dcb->fault_ip;
    dcb->final_vaddr = dcb->fault_vaddr;
}

static void unblock(struct dcb *dcb)
{
    dcb->fault_blocked = false;
    if (dcb->state == DISPATCHER_RUNNABLE && !dcb->waiting) {
        sched_make_runnable(dcb);
    }
}

/* RESUME(flags): the saved context runs again where it faulted; declined, that fault ends it. */
errval_t pager_resume(struct dcb *dcb, uintptr_t flags)
{
    if ((flags & ~(uintptr_t)DISPATCHER_RESUME_DECLINE) != 0) {
        return SYS_ERR_INVALID_ARGS;
    }
    if (dcb->state == DISPATCHER_NEW) {
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    }
    if (dcb->state >= DISPATCHER_EXITED) {
        return SYS_ERR_DISPATCHER_ENDED;
    }
    if (!dcb->fault_blocked) {
        return SYS_ERR_DISPATCHER_NOT_BLOCKED;
    }
    if (flags & DISPATCHER_RESUME_DECLINE) {
        mark_final(dcb);
    }
    unblock(dcb);
    return SYS_ERR_OK;
}

bool pager_take_fault(struct dcb *dcb, dispatcher_word_t kind, uint64_t vaddr, uint64_t ip)
{
    struct dcb *pager = dcb->pager;
    if (pager == NULL || pager == dcb || cte_is_empty(&pager->frame)) {
        return false; /* blocked on itself it would never run again; the hosted init has no
                         buffer */
    }
    errval_t err = endpoint_check_receiver(pager);
    if (err_no(err) == SYS_ERR_ENDPOINT_BUSY) {
        /* No queue in the kernel: the domain gives up its turn (to the pager, if it can run)
           and runs the faulting instruction again, which tries again, until there is room. */
        if (pager->state == DISPATCHER_RUNNABLE && !pager->fault_blocked) {
            sched_donate(pager);
        }
        sched_yield(); /* at the back of the queue in any case */
        return true;
    }
    if (err_is_fail(err)) {
        return false; /* its pager has ended, or was never set up */
    }
    const uintptr_t words[PAGER_MSG_WORDS] = {[PAGER_MSG_KIND] = kind,
                                              [PAGER_MSG_VADDR] = (uintptr_t)vaddr,
                                              [PAGER_MSG_IP] = (uintptr_t)ip};
    endpoint_deliver(pager, dcb->pager_badge, true, words, PAGER_MSG_WORDS);
    dcb->fault_blocked = true;
    dcb->fault_ip = ip;
    dcb->fault_vaddr = vaddr;
    sched_remove(dcb); /* its registers are saved on the way out, where it faulted */
    if (pager->state == DISPATCHER_RUNNABLE) {
        sched_donate(pager);
    }
    return true;
}

void pager_gone(const struct dcb *dead)
{
    for (struct dcb *d = sched_first_live(); d != NULL; d = d->next_live) {
        if (d->pager != dead) {
            continue;
        }
        d->pager = NULL;
        if (d->fault_blocked) {
            mark_final(d);
            unblock(d);
        }
    }
}
