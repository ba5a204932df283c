/*
 * The fuzzer's model of the kernel: every live capability with its slot,
 * rights and mapping record, kept in a flat array and written from the
 * documentation (doc/capabilities.md, doc/paging.md), not from the kernel.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <errors/errno.h>
#include <invocations.h>
#include <stdbool.h>
#include <stddef.h>

#include "format.h"

/*
 * Where a capability lives: a slot of the CNode object at cnode, or a kernel-held copy. The
 * kernel's copies of init's CSpace root and loaded root table are held slots 0 and 1; a
 * dispatcher's CSpace root, root table and frame, held slots held, held + 1 and held + 2 of its
 * record.
 */
#define MODEL_HELD 0 /* cnode value of the kernel's own copies (no CNode lies at 0) */
#define MODEL_HELD_CSPACE 0
#define MODEL_HELD_VROOT 1
#define MODEL_HELD_FIRST_DOMAIN 2
#define MODEL_DOMAIN_HELD 3 /* a dispatcher's copies: CSpace root, root table, frame */

/* The domain that is init (the hosted init has no Dispatcher object), in the run queue. */
#define MODEL_INIT 0

struct mloc {
    genpaddr_t cnode;
    uint32_t slot;
};

struct mcap {
    struct mloc loc;
    uint8_t type;
    uint8_t rights;
    uint32_t badge; /* an Endpoint's (0: none) */
    genpaddr_t base;
    gensize_t bytes;
    /* the mapping this copy installed: map_count entries from map_slot of the table at map_table */
    genpaddr_t map_table;
    gensize_t map_offset;
    uint64_t map_slot;
    uint64_t map_count;
    uint8_t map_table_type;
    uint64_t serial; /* order of creation: the shrinker prefers the oldest of equal copies */
};

/* A Dispatcher object: what identify's word says of it, and where its held copies are. */
struct mdisp {
    genpaddr_t base;
    uint8_t state; /* enum dispatcher_state, never DISPATCHER_WAITING (that is waiting) */
    uint64_t status;
    uint32_t held; /* its first held slot */
    bool released; /* its held copies have been deleted (or it ended before any) */
    bool waiting;  /* SYSCALL_WAIT took it off the queue until a message arrives */
};

struct model {
    struct mcap *caps;
    size_t count;
    size_t capacity;
    genpaddr_t ram_base, dev_base; /* init's RAM and device window, for the generator */
    gensize_t ram_bytes, dev_bytes;
    uint64_t next_serial;
    /* the live Dispatcher objects; the round-robin queue of domains (dispatcher bases, or
       MODEL_INIT), whose head is the domain that makes the next system call */
    struct mdisp *disps;
    size_t disp_count, disp_capacity;
    genpaddr_t *queue;
    size_t queue_count, queue_capacity;
    uint32_t next_held;
    /* dispatcher frames (their bases) whose receive buffer holds a message (lmp_full) */
    genpaddr_t *full;
    size_t full_count, full_capacity;
    /* every slot the last step may have changed, for the verifier */
    struct mloc *touched;
    size_t touched_count, touched_capacity;
};

/* The model of a freshly booted host machine (include/init_cspace.h). */
void model_boot(struct model *m, genpaddr_t phys_base, genpaddr_t bootinfo_base,
                genpaddr_t ram_base, gensize_t ram_bytes, genpaddr_t dev_base, gensize_t dev_bytes);
void model_free(struct model *m);

/* The capability at loc; NULL if the slot is empty. */
struct mcap *model_at(const struct model *m, struct mloc loc);
/* The kernel's copies of the CSpace root and the root table of the domain that runs now (the
   queue's head: init unless a yield or the end of a domain switched); the root table may be
   NULL (init before a root is loaded). */
struct mcap *model_caller_root(const struct model *m);
struct mcap *model_caller_vroot(const struct model *m);
/* Is init the domain that runs now? */
bool model_init_runs(const struct model *m);

/* Are a and b copies (the same object)? Is d a descendant of a? */
bool model_is_copy(const struct mcap *a, const struct mcap *b);
bool model_is_descendant(const struct mcap *d, const struct mcap *a);
/* Does any other live capability name a's object? */
bool model_has_copies(const struct model *m, const struct mcap *a);

/* Resolves addr through the L1 CNode root: a slot (lookup errors) or its capability. */
errval_t model_lookup_slot(const struct model *m, const struct mcap *root, uint64_t addr,
                           struct mloc *loc);
errval_t model_lookup_cap(const struct model *m, const struct mcap *root, uint64_t addr,
                          struct mcap **cap);

/* As model_lookup_cap, for a slot to empty: the CNode holding it (root itself for a level-1
   address) must be writable (SYS_ERR_CNODE_NOT_WRITABLE). */
errval_t model_lookup_writable(const struct model *m, const struct mcap *root, uint64_t addr,
                               struct mcap **target);

/* Adds a capability (no mapping) at loc; empties a slot with everything deletion implies. */
struct mcap *model_add(struct model *m, struct mloc loc, enum objtype type, caprights_t rights,
                       genpaddr_t base, gensize_t bytes);
void model_delete(struct model *m, struct mcap *c);
/* Revoke as doc/capabilities.md says: every other copy and descendant, but target, spare, held. */
void model_revoke(struct model *m, struct mloc target, struct mloc spare);

/* A grown array: capacity doubled (256 at first); exits if the host has no memory. */
void *model_grow(void *array, size_t *capacity, size_t item_bytes);

/* Deletes every capability in the held slots [first, first + count) as one cascade. */
void model_delete_held(struct model *m, uint32_t first, uint32_t count);

/* Dispatchers (model_dispatcher.c): the record of the object at base (NULL: none); a new one
   for a retyped object; the last copy of one was deleted; what identify's word says of c. */
struct mdisp *model_disp(const struct model *m, genpaddr_t base);
void model_disp_new(struct model *m, genpaddr_t base);
/* The last capability of the dispatcher at base went: true with *held if its held copies are
   to be deleted now (the caller empties them as part of its cascade). */
bool model_disp_dying(struct model *m, genpaddr_t base, uint32_t *held);
uintptr_t model_type_word(const struct model *m, const struct mcap *c);
/* SETUP, RUN, STOP on the dispatcher capability invoked. */
errval_t model_dispatcher(struct model *m, const struct mcap *invoked, uint64_t cmd,
                          const uintptr_t *args);
/* SYSCALL_YIELD, SYSCALL_EXIT(status) and SYSCALL_WAIT of the domain that runs. */
void model_yield(struct model *m);
void model_exit(struct model *m, uint64_t status);
void model_wait(struct model *m);
/* Endpoints (model_endpoint.c): SEND on the endpoint invoked; a retype zeroed [base, +bytes). */
errval_t model_send(struct model *m, const struct mcap *endpoint, const uintptr_t *args);
void model_zeroed(struct model *m, genpaddr_t base, gensize_t bytes);
/* Does the dispatcher frame at frame hold a message nobody took? */
bool model_frame_full(const struct model *m, genpaddr_t frame);
/* The round-robin queue: the domain (a dispatcher base or MODEL_INIT) that runs, and changes. */
genpaddr_t model_running(const struct model *m);
bool model_queued(const struct model *m, genpaddr_t domain);
void model_queue_remove(struct model *m, genpaddr_t domain);
void model_queue_append(struct model *m, genpaddr_t domain);
/* A live domain's dispatcher frame (its held copy's base); 0 for init (the hosted one has
   none). */
genpaddr_t model_frame_of(const struct model *m, genpaddr_t domain);

/* Is any entry of [slot, slot + count) of the table at table_base present? */
bool model_entries_present(const struct model *m, genpaddr_t table_base, uint64_t slot,
                           uint64_t count);

/*
 * One system call: the result the kernel must give (error and, for identify,
 * values) and the model's new state. Records the slots it changed in touched.
 */
struct sysret model_syscall(struct model *m, const uintptr_t regs[SYSCALL_REGS]);
/* DEBUG_TRANSLATE(vaddr): the error, value[0] (level, present, size) and value[1] (the page). */
struct sysret model_translate(const struct model *m, uint64_t vaddr);

/* host_machine_load_root(addr): the kernel's held copy of the root table it runs on. */
errval_t model_load_root(struct model *m, capaddr_t addr);

void model_touch(struct model *m, struct mloc loc);

/*
 * The fuzzer's own test: when set, the model wrongly lets mint add rights,
 * so that it must disagree with a correct kernel (usr/tests/kfuzz/check.c).
 */
extern bool model_planted_mint_bug;

#endif
