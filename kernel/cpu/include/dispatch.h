/* Dispatcher control blocks: the kernel's view of a domain, and the scheduler's queue of them. */
#ifndef KERNEL_DISPATCH_H
#define KERNEL_DISPATCH_H

#include <capabilities.h>
#include <dispatcher.h>
#include <invocations.h>
#include <stdbool.h>

/*
 * A domain's control block. It lives in its Dispatcher object (DISPATCHER_BYTES of RAM), or for
 * the hosted init, in the kernel's data. The three copies the kernel holds come first and in
 * this order, so that ending a domain can empty them as one array (cap_delete.c): while they
 * live, no revoke can take the domain's CSpace, address space or dispatcher frame away.
 */
struct dcb {
    struct cte cspace; /* the domain's root (L1) CNode */
    struct cte vroot;  /* the root page table the domain runs on */
    struct cte frame;  /* its dispatcher frame (struct dispatcher_shared), empty for hosted init */
    uint64_t frame_vaddr;           /* where the domain sees its dispatcher frame */
    uint64_t status;                /* the exit status, once ended */
    struct dcb *next_runnable;      /* the round-robin queue (sched.c) */
    struct dcb *next_live;          /* every set-up domain that has not ended (kcheck) */
    uint8_t state;                  /* enum dispatcher_state (never WAITING: see waiting) */
    bool waiting;                   /* off the queue until a message arrives (SYSCALL_WAIT) */
    bool held_released;             /* its three copies have been queued for deletion */
    bool is_init;                   /* its end is the machine's */
    bool fault_blocked;             /* off the queue until its pager resumes it (pager.c) */
    bool fault_final;               /* the fault at final_ip/_vaddr ends it: declined, pager died */
    uint64_t fault_ip, fault_vaddr; /* the fault it is (or was last) blocked on */
    uint64_t final_ip, final_vaddr;
    uint32_t pager_badge; /* the badge of the fault endpoint it was given */
    struct dcb *pager;    /* whose buffer its faults go to (NULL: none), while it lives */
    char name[DISPATCHER_NAME_BYTES];
};

#define DCB_HELD_COPIES 3
_Static_assert(offsetof(struct dcb, vroot) == offsetof(struct dcb, cspace) + sizeof(struct cte) &&
                   offsetof(struct dcb, frame) == offsetof(struct dcb, vroot) + sizeof(struct cte),
               "the held copies form an array");
_Static_assert(sizeof(struct dcb) <= DISPATCHER_BYTES, "a DCB fits its Dispatcher object");

/* The domain whose system call (or interrupt) the kernel is handling. */
extern struct dcb *dcb_current;

/* The DCB in a Dispatcher capability's object. */
struct dcb *dcb_of(const struct capability *dispatcher);

/* Dispatcher invocations (dispatcher.c): SETUP, RUN, STOP; identify's value[4]. */
struct sysret dispatcher_invoke(const struct capability *caller, struct cte *dispatcher,
                                uint64_t cmd, const uintptr_t *args);
uintptr_t dispatcher_identify_word(const struct capability *dispatcher);

/*
 * Makes init's dcb (a Dispatcher object at dcb, or static on the host) a
 * domain: its name, and the frame (NULL on the host) it starts from at
 * entry with stack_top, disabled. The caller has filled cspace and vroot.
 */
void dispatcher_init_domain(struct dcb *dcb, const char *name, const struct cte *frame,
                            uint64_t frame_vaddr, uint64_t entry, uint64_t stack_top);

/*
 * Ends a domain (exit, fault): it leaves the queue, the kernel's copies are
 * deleted, identify reports how it ended. Ending init ends the machine.
 */
void dispatcher_end(struct dcb *dcb, enum dispatcher_state how, uint64_t status);

/* The frame a set-up domain shares with the kernel. */
struct dispatcher_shared *dcb_frame(const struct dcb *dcb);

/* Is pc inside the domain's own resume code, [crit_pc_low, crit_pc_high): as good as disabled? */
static inline bool dispatcher_in_resume(const struct dispatcher_shared *s, dispatcher_word_t pc)
{
    return pc >= s->crit_pc_low && pc < s->crit_pc_high;
}

/* SYSCALL_WAIT: returns at once if a message waits in the receive buffer, else off the queue. */
void dispatcher_wait(struct dcb *dcb);

/* A message arrived for dcb: a waiting domain joins the queue again (if it is runnable). */
void dispatcher_wake(struct dcb *dcb);

/* Endpoint invocation (endpoint.c): SEND. */
struct sysret endpoint_invoke_send(const struct capability *caller, struct cte *endpoint,
                                   const uintptr_t *args);

/* The last Dispatcher capability of dcb is being deleted (cap_delete.c); *held: its copies to
   delete, or NULL. */
void dispatcher_dying(struct dcb *dcb, struct cte **held);

/* The external pager (pager.c): CMD_DISPATCHER_SET_FAULT_EP and _RESUME on dcb. */
errval_t pager_set_fault_ep(const struct capability *caller, struct dcb *dcb, uintptr_t ep);
errval_t pager_resume(struct dcb *dcb, uintptr_t flags);

/* Delivers a fault of dcb (the current domain) to its pager and blocks it; while the pager's
   buffer is full, dcb only gives up its turn and faults again when it next runs. False, with
   nothing changed, if it has no pager that could ever take it (none, dead, not set up, itself). */
bool pager_take_fault(struct dcb *dcb, dispatcher_word_t kind, uint64_t vaddr, uint64_t ip);

/* dead ended or lost its last Dispatcher capability: the domains it paged have no pager now,
   and one blocked on it runs its fault again, which ends it (fault_final). */
void pager_gone(const struct dcb *dead);

/* The receiver must be a domain that runs (or may again), with room for a message: else
   SYS_ERR_ENDPOINT_NO_DOMAIN, _DEAD or _BUSY. */
errval_t endpoint_check_receiver(const struct dcb *to);

/* Puts a message into to's buffer (endpoint.c; the checks done) and wakes it. */
void endpoint_deliver(struct dcb *to, uint32_t badge, bool fault, const uintptr_t *words,
                      uint64_t length);

/* The scheduler (sched.c); sched_reset forgets every domain (a hosted machine boots anew). */
void sched_reset(void);
void sched_make_runnable(struct dcb *dcb);
void sched_remove(struct dcb *dcb); /* leaves the queue (stop, wait): registers saved */
void sched_forget(struct dcb *dcb); /* ended: leaves the queue and the live list, unsaved */
void sched_donate(struct dcb *dcb); /* a runnable dcb runs next (a send's yield) */
void sched_yield(void);             /* the current domain goes to the back of the queue */
void sched_timer_tick(void);        /* the same, from the timer */
void sched_add_live(struct dcb *dcb);
void sched_remove_live(struct dcb *dcb);
struct dcb *sched_first_live(void);

/*
 * At every return to user mode: if the current domain yielded, stopped, ended or was preempted,
 * saves it into its dispatcher frame and loads the next one (its registers through context.h,
 * its root table). Returns whether the registers to return with changed (x86-64 then leaves by
 * iretq instead of sysret). Halts the machine when no domain is left to run.
 */
bool sched_leave_kernel(void);

#endif
