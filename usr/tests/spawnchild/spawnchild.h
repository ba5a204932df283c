/* spawnchild's parts: serving its parent's commands, and the pmap stress it runs for it. */
#ifndef SPAWNCHILD_H
#define SPAWNCHILD_H

#include "child_protocol.h"
#include <libcap/libcap.h>
#include <pmap/pmap.h>

extern struct pmap self_pmap;

/* Takes over the domain (libcap, its pmap, the heap), says CHILD_READY, serves until EXIT. */
int child_serve(struct capref parent, int image_check);

/*
 * ops random maps and unmaps of 1-4 page frames in the child's own pmap, each page tagged with
 * seed and checked before it goes; at the end everything is unmapped and freed. 0 or the line
 * that failed, *err the error there.
 */
unsigned child_stress(uint32_t ops, uint32_t seed, errval_t *err);

/* Attacks on the parent and a sibling (child_attack.c): how many were refused, and which not. */
unsigned child_attack(struct capref parent, uint32_t sibling_l1, uintptr_t *first_not_refused);

/* A reply to the parent: {CHILD_REPLY(command), tag, x, y}. */
void child_reply(unsigned command, uintptr_t tag, uintptr_t x, uintptr_t y);

/* CHILD_VSPACE: one scenario (child_protocol.h); returns only for those that reply. */
void child_vspace(uintptr_t tag, uintptr_t scenario);

#endif
