/* The parent's side of captest's children: start, ask, wait, end, and the counts to come back. */
#include "children.h"
#include <init_cspace.h>

#define AWAIT_YIELDS 2000000 /* far beyond what any command takes under TCG */
/* A child takes a command within a few turns; one that keeps its buffer full must not hold its
   parent in the send (lmp_send would wait for ever). */
#define SEND_TRIES 20000

struct spawninfo kids[KIDS];
struct capref parent_ep;   /* init's own Endpoint: every child's TASKCN_SLOT_PARENT */
struct capref parent_recv; /* where a capability from a child lands */
static uintptr_t next_tag = 1;

/* init's Endpoint, made the first time (one per dispatcher; the twins' tests made and freed
   theirs before) and kept; a fresh receive slot. */
const char *parent_ready(void)
{
    if (capref_is_null(parent_ep)) {
        struct capref disp = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN),
                              .slot = TASKCN_SLOT_DISPATCHER};
        FAIL_IF_ERR(endpoint_create(disp, &parent_ep));
        FAIL_IF_ERR(slot_alloc(&parent_recv));
    }
    lmp_set_recv_slot(parent_recv);
    struct lmp_msg stale;
    while (lmp_try_recv(&stale)) { /* what a failed test left behind */
    }
    return NULL;
}

enum dispatcher_state state_of(const struct spawninfo *si, uint64_t *status)
{
    enum dispatcher_state state = (enum dispatcher_state)0xff;
    uint64_t ignored;
    dispatcher_state(si->disp, &state, status != NULL ? status : &ignored);
    return state;
}

/* Waits for the next message from any child; fails once `si` (if given) has ended without one. */
const char *await_any(const struct spawninfo *si, struct lmp_msg *m)
{
    for (int i = 0; i < AWAIT_YIELDS; i++) {
        if (lmp_try_recv(m)) {
            return NULL;
        }
        if (si != NULL && state_of(si, NULL) >= DISPATCHER_EXITED) {
            return captest_reason("the child ended instead of answering", __FILE__, __LINE__,
                                  SYS_ERR_OK);
        }
        sys_yield();
    }
    return captest_reason("no answer from the child", __FILE__, __LINE__, SYS_ERR_OK);
}

const char *await_reply(const struct spawninfo *si, unsigned command, uintptr_t tag,
                        struct lmp_msg *m)
{
    RUN(await_any(si, m));
    FAIL_IF(m->words[0] != CHILD_REPLY(command) || m->words[1] != tag);
    return NULL;
}

uintptr_t send_command(const struct spawninfo *si, unsigned command, uintptr_t a, uintptr_t b,
                       uint64_t flags, struct capref cap)
{
    uintptr_t tag = next_tag++;
    uintptr_t w[LMP_MSG_WORDS] = {command, tag, a, b};
    errval_t err = lmp_send_tries(si->child_ep, flags, cap, w, LMP_MSG_WORDS, SEND_TRIES);
    return err_is_ok(err) ? tag : 0;
}

/* One command and its reply: m->words[2] and [3] are the child's x and y. */
const char *ask(const struct spawninfo *si, unsigned command, uintptr_t a, uintptr_t b,
                struct lmp_msg *m)
{
    uintptr_t tag = send_command(si, command, a, b, 0, NULL_CAP);
    FAIL_IF(tag == 0);
    return await_reply(si, command, tag, m);
}

/* Loads and starts a child and waits for its CHILD_READY: image as built, set-up without error. */
const char *kid_start(struct spawninfo *si)
{
    RUN(parent_ready());
    FAIL_IF_ERR(spawn_load(si, &self_pmap, CHILD, NULL));
    FAIL_IF_ERR(spawn_start(si, parent_ep));
    struct lmp_msg m;
    RUN(await_reply(si, CHILD_READY, 0, &m));
    FAIL_IF(m.words[2] != 0 || m.words[3] != SYS_ERR_OK);
    return NULL;
}

const char *wait_ended(const struct spawninfo *si, enum dispatcher_state want, uint64_t *status)
{
    for (int i = 0; i < AWAIT_YIELDS && state_of(si, status) < DISPATCHER_EXITED; i++) {
        sys_yield();
    }
    FAIL_IF(state_of(si, status) != want);
    return NULL;
}

/* Asks the child to exit with status and checks it did. */
const char *kid_exit(struct spawninfo *si, uint64_t status)
{
    FAIL_IF(send_command(si, CHILD_EXIT, (uintptr_t)status, 0, 0, NULL_CAP) == 0);
    uint64_t got;
    RUN(wait_ended(si, DISPATCHER_EXITED, &got));
    FAIL_IF(got != status);
    return NULL;
}

void take(struct counts *c)
{
    struct pmap_stats st;
    pmap_get_stats(&self_pmap, &st);
    *c = (struct counts){ram_free_bytes(),     ram_free_ranges(),    slot_alloc_used(),
                         slot_alloc_l1_lent(), vnode_shared_pages(), st.tables,
                         st.mappings};
}

const char *counts_back(const struct counts *a)
{
    struct counts b;
    take(&b);
    FAIL_IF(a->ram_free != b.ram_free);
    FAIL_IF(a->ram_ranges != b.ram_ranges);
    FAIL_IF(a->slots != b.slots);
    FAIL_IF(a->l1_lent != b.l1_lent);
    FAIL_IF(a->shared_pages != b.shared_pages);
    FAIL_IF(a->tables != b.tables);
    FAIL_IF(a->mappings != b.mappings);
    return NULL;
}

/*
 * Counts from after every child slot has held a child at once and they are gone: the parent's
 * heap and pmap keep what they grew, so a test run alone (TESTS=) counts as one run in order.
 */
const char *warm_up(struct counts *c)
{
    for (int k = 0; k < KIDS; k++) {
        RUN(kid_start(&kids[k]));
    }
    for (int k = 0; k < KIDS; k++) {
        RUN(kid_exit(&kids[k], 0));
        FAIL_IF_ERR(spawn_free(&kids[k]));
    }
    take(c);
    return NULL;
}
