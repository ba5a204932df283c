/* Dispatcher capabilities: setting a domain up, running and stopping it, and its end. */
#include <cspace.h>
#include <dispatch.h>
#include <kcheck.h>
#include <paging.h>
#include <paging_arch.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>

struct dcb *dcb_of(const struct capability *dispatcher)
{
    return phys_to_kernel_ptr(dispatcher->base);
}

struct dispatcher_shared *dcb_frame(const struct dcb *dcb)
{
    return phys_to_kernel_ptr(dcb->frame.cap.base);
}

/* The name from the frame: printable ASCII only, so that a console line cannot be forged. */
static void copy_name(char dest[DISPATCHER_NAME_BYTES], const char *src)
{
    int i = 0;
    for (; i < DISPATCHER_NAME_BYTES - 1 && src[i] != '\0'; i++) {
        dest[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
    }
    dest[i] = '\0';
    if (i == 0) {
        __builtin_memcpy(dest, "domain", 7);
    }
}

void dispatcher_init_domain(struct dcb *dcb, const char *name, const struct cte *frame,
                            uint64_t frame_vaddr, uint64_t entry, uint64_t stack_top)
{
    copy_name(dcb->name, name);
    dcb->frame_vaddr = frame_vaddr;
    dcb->state = DISPATCHER_STOPPED;
    if (frame != NULL) {
        caps_hold(&dcb->frame, frame);
        struct dispatcher_shared *s = dcb_frame(dcb);
        s->disabled = 1;
        save_area_start(&s->disabled_area, (dispatcher_word_t)entry, (dispatcher_word_t)stack_top,
                        (dispatcher_word_t)frame_vaddr);
    }
    sched_add_live(dcb);
}

/* The capabilities SETUP names, each of the type and rights the kernel needs of it. */
static errval_t setup_lookups(const struct capability *caller, const uintptr_t *args,
                              struct cte **cspace, struct cte **vroot, struct cte **frame)
{
    errval_t err = cspace_lookup_cap(caller, args[0], cspace);
    if (err_is_ok(err)) {
        err = cspace_lookup_cap(caller, args[1], vroot);
    }
    if (err_is_ok(err)) {
        err = cspace_lookup_cap(caller, args[2], frame);
    }
    if (err_is_fail(err)) {
        return err;
    }
    if ((*cspace)->cap.type != ObjType_L1CNode) {
        return SYS_ERR_DISPATCHER_CSPACE_TYPE;
    }
    if ((*vroot)->cap.type != paging_root_type()) {
        return SYS_ERR_DISPATCHER_VROOT_TYPE;
    }
    /* The kernel writes the frame on the domain's behalf: only through a writable RAM frame. */
    const struct capability *f = &(*frame)->cap;
    if (f->type != ObjType_Frame || f->bytes < DISPATCHER_FRAME_BYTES ||
        (f->rights & CAPRIGHTS_READ_WRITE) != CAPRIGHTS_READ_WRITE) {
        return SYS_ERR_DISPATCHER_FRAME_INVALID;
    }
    /* The kernel's copies outlive every revoke: only a holder that could revoke may make them,
       or a copy handed out without grant would keep its object beyond its owner's revoke. */
    if (!((*cspace)->cap.rights & (*vroot)->cap.rights & f->rights & CAPRIGHTS_GRANT)) {
        return SYS_ERR_DISPATCHER_NEEDS_GRANT;
    }
    return SYS_ERR_OK;
}

/* SETUP(cspace, vroot, frame, frame_vaddr, entry, stack_top). */
static errval_t dispatcher_setup(const struct capability *caller, struct dcb *dcb,
                                 const uintptr_t *args)
{
    if (dcb->state != DISPATCHER_NEW) {
        return dcb->state >= DISPATCHER_EXITED ? SYS_ERR_DISPATCHER_ENDED
                                               : SYS_ERR_DISPATCHER_SET_UP;
    }
    struct cte *cspace, *vroot, *frame;
    errval_t err = setup_lookups(caller, args, &cspace, &vroot, &frame);
    if (err_is_fail(err)) {
        return err;
    }
    uint64_t frame_vaddr = args[3], entry = args[4], stack_top = args[5];
    if (frame_vaddr % BASE_PAGE_BYTES != 0 || !paging_user_vaddr(frame_vaddr) ||
        !paging_user_vaddr(entry) || !paging_user_vaddr(stack_top)) {
        return SYS_ERR_DISPATCHER_ADDRESS;
    }
    caps_hold(&dcb->cspace, cspace);
    caps_hold(&dcb->vroot, vroot);
    const struct dispatcher_shared *s = phys_to_kernel_ptr(frame->cap.base);
    dispatcher_init_domain(dcb, s->name, frame, frame_vaddr, entry, stack_top);
    return SYS_ERR_OK;
}

/* RUN(): a set-up or stopped domain joins the round-robin queue. */
static errval_t dispatcher_run(struct dcb *dcb)
{
    switch (dcb->state) {
    case DISPATCHER_NEW:
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    case DISPATCHER_RUNNABLE:
        return SYS_ERR_DISPATCHER_RUNNABLE;
    case DISPATCHER_STOPPED:
        dcb->state = DISPATCHER_RUNNABLE;
        if (!dcb->waiting && !dcb->fault_blocked) {
            sched_make_runnable(dcb);
        }
        return SYS_ERR_OK;
    default:
        return SYS_ERR_DISPATCHER_ENDED;
    }
}

/* STOP(): a runnable domain leaves the queue (the caller itself: at once). */
static errval_t dispatcher_stop(struct dcb *dcb)
{
    switch (dcb->state) {
    case DISPATCHER_NEW:
        return SYS_ERR_DISPATCHER_NOT_SET_UP;
    case DISPATCHER_STOPPED:
        return SYS_ERR_DISPATCHER_STOPPED;
    case DISPATCHER_RUNNABLE:
        dcb->state = DISPATCHER_STOPPED;
        sched_remove(dcb);
        return SYS_ERR_OK;
    default:
        return SYS_ERR_DISPATCHER_ENDED;
    }
}

struct sysret dispatcher_invoke(const struct capability *caller, struct cte *dispatcher,
                                uint64_t cmd, const uintptr_t *args)
{
    struct dcb *dcb = dcb_of(&dispatcher->cap);
    errval_t err = SYS_ERR_OK;
    if (!(dispatcher->cap.rights & CAPRIGHTS_WRITE)) {
        err = SYS_ERR_DISPATCHER_NOT_WRITABLE;
    } else if (cmd == CMD_DISPATCHER_SETUP) {
        err = dispatcher_setup(caller, dcb, args);
    } else if (cmd == CMD_DISPATCHER_RUN) {
        err = dispatcher_run(dcb);
    } else if (cmd == CMD_DISPATCHER_SET_FAULT_EP) {
        /* Naming a pager sends the domain's faults, with that Endpoint's badge, into another
           buffer: only a holder that made or was trusted with the domain (grant) chooses. A
           child's own copy has no grant, so it cannot pose as another client of its pager. */
        err = (dispatcher->cap.rights & CAPRIGHTS_GRANT) ? pager_set_fault_ep(caller, dcb, args[0])
                                                         : SYS_ERR_FAULT_EP_NEEDS_GRANT;
    } else if (cmd == CMD_DISPATCHER_RESUME) {
        err = pager_resume(dcb, args[0]);
    } else {
        err = dispatcher_stop(dcb);
    }
    return (struct sysret){.error = err};
}

uintptr_t dispatcher_identify_word(const struct capability *dispatcher)
{
    const struct dcb *dcb = dcb_of(dispatcher);
    enum dispatcher_state state = (enum dispatcher_state)dcb->state;
    if (state == DISPATCHER_RUNNABLE && dcb->fault_blocked) {
        state = DISPATCHER_BLOCKED;
    } else if (state == DISPATCHER_RUNNABLE && dcb->waiting) {
        state = DISPATCHER_WAITING;
    }
    return (uintptr_t)state | (uintptr_t)(dcb->status << 8);
}

void dispatcher_wait(struct dcb *dcb)
{
    if (cte_is_empty(&dcb->frame) || dcb_frame(dcb)->lmp_full != 0) {
        return; /* the hosted init has no buffer; a message is there already */
    }
    dcb->waiting = true;
    sched_remove(dcb);
}

void dispatcher_wake(struct dcb *dcb)
{
    if (dcb->waiting) {
        dcb->waiting = false;
        if (dcb->state == DISPATCHER_RUNNABLE) {
            sched_make_runnable(dcb);
        }
    }
}

/* Queues the kernel's copies for deletion, once; cap_delete.c empties them. */
static struct cte *release_held(struct dcb *dcb)
{
    if (dcb->held_released) {
        return NULL;
    }
    dcb->held_released = true;
    return &dcb->cspace;
}

void dispatcher_end(struct dcb *dcb, enum dispatcher_state how, uint64_t status)
{
    if (how == DISPATCHER_FAULTED) {
        printk("kernel: domain %s ended by its fault\n", dcb->name);
    }
    if (dcb->is_init) {
        kcheck_report(dcb);
        platform_domain_exit(dcb, status); /* the machine ends with init (host: recorded) */
        return;
    }
    if (how == DISPATCHER_EXITED) {
        printk("kernel: domain %s exited with status %llu\n", dcb->name,
               (unsigned long long)status);
    }
    sched_forget(dcb);
    dcb->state = (uint8_t)how;
    dcb->status = status;
    pager_gone(dcb);
    struct cte *held = release_held(dcb);
    if (held != NULL) {
        caps_delete_array(held, DCB_HELD_COPIES);
    }
}

void dispatcher_dying(struct dcb *dcb, struct cte **held)
{
    if (dcb->state != DISPATCHER_NEW && dcb->state < DISPATCHER_EXITED) {
        printk("kernel: domain %s ended: its last dispatcher capability was deleted\n", dcb->name);
        if (dcb->is_init) {
            kcheck_report(dcb);
            platform_domain_exit(dcb, 0xff);
        }
        sched_forget(dcb);
    }
    dcb->state = DISPATCHER_EXITED;
    dcb->status = 0xff;
    pager_gone(dcb);
    *held = release_held(dcb);
}
