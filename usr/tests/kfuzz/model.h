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

/* Where a capability lives: a slot of the CNode object at cnode, or a kernel-held copy. */
#define MODEL_HELD 0 /* cnode value of the kernel's own copies (no CNode lies at 0) */
#define MODEL_HELD_CSPACE 0
#define MODEL_HELD_VROOT 1

struct mloc {
    genpaddr_t cnode;
    uint32_t slot;
};

struct mcap {
    struct mloc loc;
    uint8_t type;
    uint8_t rights;
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

struct model {
    struct mcap *caps;
    size_t count;
    size_t capacity;
    genpaddr_t ram_base, dev_base; /* init's RAM and device window, for the generator */
    gensize_t ram_bytes, dev_bytes;
    uint64_t next_serial;
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
/* The kernel's copy of init's CSpace root. */
struct mcap *model_init_root(const struct model *m);

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

/* Adds a capability (no mapping) at loc; empties a slot with everything deletion implies. */
struct mcap *model_add(struct model *m, struct mloc loc, enum objtype type, caprights_t rights,
                       genpaddr_t base, gensize_t bytes);
void model_delete(struct model *m, struct mcap *c);
/* Revoke as doc/capabilities.md says: every other copy and descendant, but target, spare, held. */
void model_revoke(struct model *m, struct mloc target, struct mloc spare);

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
