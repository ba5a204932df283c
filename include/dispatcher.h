/* The dispatcher frame: the page a domain shares with the kernel about its own dispatch. */
#ifndef DISPATCHER_H
#define DISPATCHER_H

#include <dispatcher_arch.h>
#include <stdint.h>

/*
 * How the kernel dispatches a domain (doc/domains.md). While disabled is
 * set, or the domain was stopped with its pc inside [crit_pc_low,
 * crit_pc_high) (its own resume code), the kernel saves the domain into
 * disabled_area and resumes it from there. While enabled, it saves into
 * enabled_area and dispatches by an upcall: it sets disabled and enters
 * run_entry on upcall_stack with the frame's address as the first argument;
 * the domain then resumes enabled_area itself. A domain without run_entry
 * stays disabled. The kernel reads every field as untrusted input.
 */
#define DISPATCHER_NAME_BYTES 16
#define LMP_MSG_WORDS 4

struct dispatcher_shared {
    dispatcher_word_t disabled;
    dispatcher_word_t run_entry;
    dispatcher_word_t upcall_stack;
    dispatcher_word_t crit_pc_low, crit_pc_high;
    dispatcher_word_t dispatches;     /* written by the kernel: times it dispatched the domain */
    char name[DISPATCHER_NAME_BYTES]; /* read once, by DISPATCHER_SETUP; printable, NUL-padded */
    struct dispatcher_save_area enabled_area;
    struct dispatcher_save_area disabled_area;
    /* The receive buffer for one message (doc/domains.md, "Endpoints"): the kernel fills it
       and sets lmp_full; the domain reads it and clears lmp_full to take the next one. */
    dispatcher_word_t lmp_full;
    dispatcher_word_t lmp_recv_slot; /* an empty slot of the domain's for a capability; 0: none */
    dispatcher_word_t lmp_length;    /* words in lmp_words */
    dispatcher_word_t lmp_has_cap;   /* a capability arrived in lmp_recv_slot */
    dispatcher_word_t lmp_words[LMP_MSG_WORDS];
    /* Exceptions (doc/selfpaging.md): an enabled domain's fault enters exception_entry,
       disabled, on exception_stack with the frame's address as the first argument; the faulting
       context is in enabled_area and its facts below. 0: no handler, a fault ends the domain. */
    dispatcher_word_t exception_entry;
    dispatcher_word_t exception_stack;
    dispatcher_word_t fault_vaddr; /* written by the kernel: the exact faulting address */
    dispatcher_word_t fault_ip;    /* the faulting instruction */
    dispatcher_word_t fault_kind;  /* DISPATCHER_FAULT_* */
    dispatcher_word_t faults;      /* exceptions delivered so far */
    /* Written by the kernel with every message (doc/domains.md): the badge of the Endpoint it
       came through (0: none), and 1 for a fault message from the kernel, 0 for a SEND. */
    dispatcher_word_t lmp_badge;
    dispatcher_word_t lmp_fault;
};

/* fault_kind: the exception class, the access and whether nothing was mapped. */
#define DISPATCHER_FAULT_PAGE 0x1      /* a page fault (ARMv7: data or prefetch abort) */
#define DISPATCHER_FAULT_UNDEFINED 0x2 /* an undefined instruction */
#define DISPATCHER_FAULT_OTHER 0x3     /* any other exception */
#define DISPATCHER_FAULT_CLASS(k) ((k)&0xf)
#define DISPATCHER_FAULT_READ 0x00
#define DISPATCHER_FAULT_WRITE 0x10
#define DISPATCHER_FAULT_EXECUTE 0x20
#define DISPATCHER_FAULT_ACCESS(k) ((k)&0x30)
#define DISPATCHER_FAULT_NOT_PRESENT 0x40 /* else a permission fault */

_Static_assert(__builtin_offsetof(struct dispatcher_shared, disabled) == DISPATCHER_DISABLED &&
                   __builtin_offsetof(struct dispatcher_shared, enabled_area) ==
                       DISPATCHER_ENABLED_AREA,
               "resume code offsets");

/* A dispatcher frame is one page. */
#define DISPATCHER_FRAME_BYTES 4096
_Static_assert(sizeof(struct dispatcher_shared) <= DISPATCHER_FRAME_BYTES, "one page");

/* What identify says of a Dispatcher capability (value[4]): its state, and (from the 8th bit
   up) the status of a domain that ended. States from DISPATCHER_EXITED on are ends. */
enum dispatcher_state {
    DISPATCHER_NEW = 0,  /* retyped, not set up */
    DISPATCHER_STOPPED,  /* set up (or stopped): not scheduled */
    DISPATCHER_RUNNABLE, /* scheduled round-robin */
    DISPATCHER_WAITING,  /* runnable, but waiting for a message (SYSCALL_WAIT) */
    DISPATCHER_BLOCKED,  /* runnable, but blocked on a fault its pager has not answered */
    DISPATCHER_EXITED,   /* ended by its exit system call (or its dispatcher was deleted) */
    DISPATCHER_FAULTED,  /* ended by a fault it could not handle */
};

/* CMD_ENDPOINT_SEND flags: what happens to the capability sent, and whether the sender gives
   the rest of its turn to the receiver. */
#define LMP_SEND_CAP_COPY 0x1
#define LMP_SEND_CAP_MOVE 0x2
#define LMP_SEND_YIELD 0x4
#define LMP_SEND_FLAGS (LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE | LMP_SEND_YIELD)
/* A fault message (lmp_fault set): the words the kernel sends a pager (doc/selfpaging.md). */
#define PAGER_MSG_KIND 0  /* DISPATCHER_FAULT_* */
#define PAGER_MSG_VADDR 1 /* the exact faulting address */
#define PAGER_MSG_IP 2    /* the faulting instruction */
#define PAGER_MSG_WORDS 3
/* CMD_DISPATCHER_RESUME flags: 0 runs the faulting instruction again. */
#define DISPATCHER_RESUME_DECLINE 0x1 /* the fault is not handled: the domain ends with it */
#define DISPATCHER_STATE(word) ((enum dispatcher_state)((word)&0xff))
#define DISPATCHER_STATUS(word) ((uint64_t)(word) >> 8)

#endif
