/* captest's children (children.c): spawnchild started with libspawn and driven over Endpoints. */
#ifndef CAPTEST_CHILDREN_H
#define CAPTEST_CHILDREN_H

#include "../spawnchild/child_protocol.h"
#include "captest.h"
#include <lmp.h>
#include <spawn/spawn.h>

#define CHILD "spawnchild"
#define KIDS 4

extern struct spawninfo kids[KIDS]; /* large: each holds the child's pmap */
extern struct capref parent_ep, parent_recv;

/* init's Endpoint (made once), its receive slot named, stale messages dropped. */
const char *parent_ready(void);

/* The child's dispatcher state (0xff if identify fails) and exit status. */
enum dispatcher_state state_of(const struct spawninfo *si, uint64_t *status);

/* The next message from any child; fails if si (may be NULL) ends first, or after a bound. */
const char *await_any(const struct spawninfo *si, struct lmp_msg *m);
/* The next message, which must be si's reply to command with tag. */
const char *await_reply(const struct spawninfo *si, unsigned command, uintptr_t tag,
                        struct lmp_msg *m);
/* Sends a command (with a capability under flags); its tag, or 0 if the send failed (a buffer
   that stayed full included). */
uintptr_t send_command(const struct spawninfo *si, unsigned command, uintptr_t a, uintptr_t b,
                       uint64_t flags, struct capref cap);
/* A command and its reply: m->words[2] and [3] are the child's x and y. */
const char *ask(const struct spawninfo *si, unsigned command, uintptr_t a, uintptr_t b,
                struct lmp_msg *m);

/* Loads and starts spawnchild in si; it must say CHILD_READY with a good image and set-up. */
const char *kid_start(struct spawninfo *si);
/* Waits until si's domain has ended in state want; its status. */
const char *wait_ended(const struct spawninfo *si, enum dispatcher_state want, uint64_t *status);
/* Asks the child to exit with status and checks that it did. */
const char *kid_exit(struct spawninfo *si, uint64_t status);

/* What the parent holds; each count must come back once its children are gone. */
struct counts {
    gensize_t ram_free;
    size_t ram_ranges, slots, l1_lent, shared_pages, tables, mappings;
};
void take(struct counts *c);
const char *counts_back(const struct counts *before);
/* Counts from after one child has lived and gone (the parent's heap and pmap keep what grew). */
const char *warm_up(struct counts *c);

#endif
