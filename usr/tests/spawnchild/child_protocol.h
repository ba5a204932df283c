/* What captest's parent and spawnchild say over their Endpoints: one command, one reply. */
#ifndef SPAWNCHILD_CHILD_PROTOCOL_H
#define SPAWNCHILD_CHILD_PROTOCOL_H

/*
 * Parent to child: {command, tag, a, b}. Child to parent: {CHILD_REPLY(command), tag, x, y}, the
 * tag echoed so that a parent with several children tells the replies apart. Error words carry
 * err_no() of the error (an errval_t does not fit a word on ARMv7).
 */
enum child_command {
    CHILD_READY = 1,    /* child's first message, unasked: x = image check (0 good), y = set-up */
    CHILD_EXIT,         /* a = status: the child returns it from main */
    CHILD_STRESS,       /* a = operations, b = seed: x = 0 or the failing line, y = error */
    CHILD_SPIN,         /* replies, then loops forever without a system call */
    CHILD_TRANSLATE,    /* a = vaddr: x = the walk's present bit, y = own pmap's lookup error */
    CHILD_READ,         /* a = vaddr: x = the word there (faults if nothing is mapped) */
    CHILD_WRITE,        /* a = vaddr, b = word: writes it */
    CHILD_IDENTIFY,     /* a = L1 slot, b = L2 slot: x = identify's error, y = the base found */
    CHILD_MAP_NAMED,    /* a = L1 slot, b = L2 slot: maps it read-only: x = error, y = paddr */
    CHILD_MAP_RECEIVED, /* a = flags: maps the capability received last: x = error, y = vaddr */
    CHILD_RIGHTS,       /* the capability received last: x = identify's error, y = its rights */
    CHILD_SEND_FRAME,   /* a = word, b = rights: a new page holding a, minted to b, sent (moved) */
    CHILD_ATTACK, /* a = sibling's L1 slot guess: x = attacks refused, y = first not refused */
    CHILD_HANDLED_READ, /* a = vaddr, b = how its handler acts (CHILD_HANDLER_*): reads a */
    CHILD_JAM, /* replies, then keeps its own buffer full for ever: the parent's sends bounce */
    CHILD_WRITE_BYTE, /* a = vaddr (any alignment), b = byte: writes it */
    CHILD_PAGER, /* with a sibling's Dispatcher, whose fault endpoint leads here: x = identify's
                    error, y = the type received. Each fault then arrives as
                    {CHILD_REPLY(CHILD_PAGER_FAULT), tag of this command, vaddr, badge}, and stays
                    unanswered (the sibling blocked) */
    CHILD_PAGER_FAULT, /* only in replies: the fault a CHILD_PAGER child was sent */
    CHILD_VSPACE, /* a = CHILD_VSPACE_*: a scenario on the child's own vspace (child_vspace.c) */
};

#define CHILD_REPLY(command) (0x100u | (unsigned)(command))

/* CHILD_HANDLED_READ's handlers: one that declines, one that faults itself. */
#define CHILD_HANDLER_DECLINES 1
#define CHILD_HANDLER_FAULTS 2

/* CHILD_VSPACE's scenarios, each with libvspace installed (its handler, stack guard, heap). */
#define CHILD_VSPACE_MALLOC 1     /* touches 16 pages of a 256 KiB malloc: x = fills, y = error */
#define CHILD_VSPACE_GUARD_READ 2 /* reads a guard page: the child ends by the fault */
#define CHILD_VSPACE_STACK_OVERFLOW 3 /* recurses without end: ends by the fault */
/* Touches fresh pages until a fill fails; the handler's error path replies x = pages filled,
   y = the error, then exits with CHILD_VSPACE_EXHAUSTED. */
#define CHILD_VSPACE_EXHAUST 4
#define CHILD_VSPACE_EXHAUSTED 42

#endif
