/* Faults served by a pager domain (doc/selfpaging.md, "The external pager"): init or a child. */
#include "children.h"
#include <disp.h>
#include <domain_layout.h>
#include <libcap/dispatcher.h>

#define PAGE BASE_PAGE_BYTES
#define LAZY_PAGES 8
/* Below DOMAIN_PMAP_VADDR_MIN, away from the image and the stack: the child's own pmap never
   picks it, so only the pager maps there (through the child's pmap the parent holds). */
#define LAZY_VA ((genvaddr_t)DOMAIN_STACK_TOP / 2)
#define BADGE0 0x1020u
#define NO_GRANT (CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_GRANT)

/* What init as pager did for each child (kids[k], badge BADGE0 + k). */
static struct capref fault_ep[KIDS];
static struct capref frames[KIDS][LAZY_PAGES];
static size_t faults[KIDS];
static struct pager_fault last[KIDS];

/* kids[k] faults to init through a fresh Endpoint badged BADGE0 + k. */
static const char *paged_by_init(int k)
{
    FAIL_IF_ERR(endpoint_badge(parent_ep, NO_GRANT, BADGE0 + (uint32_t)k, &fault_ep[k]));
    FAIL_IF_ERR(spawn_set_pager(&kids[k], fault_ep[k]));
    faults[k] = 0;
    return NULL;
}

/* The badge says whose fault it is; that child must be blocked on it. */
static const char *whose(const struct pager_fault *f, int *k)
{
    FAIL_IF(f->badge < BADGE0 || f->badge >= BADGE0 + KIDS);
    *k = (int)(f->badge - BADGE0);
    FAIL_IF(state_of(&kids[*k], NULL) != DISPATCHER_BLOCKED);
    last[*k] = *f;
    faults[*k]++;
    return NULL;
}

/* A first touch of the lazy region: a fresh frame mapped read-write at that page. */
static const char *map_lazily(const struct pager_fault *f)
{
    int k;
    RUN(whose(f, &k));
    genvaddr_t page = f->vaddr & ~(genvaddr_t)(PAGE - 1);
    size_t i = (size_t)((page - LAZY_VA) / PAGE);
    FAIL_IF(f->vaddr < LAZY_VA || i >= LAZY_PAGES || !capref_is_null(frames[k][i]));
    FAIL_IF(f->kind !=
            (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE | DISPATCHER_FAULT_NOT_PRESENT));
    FAIL_IF_ERR(frame_alloc(&frames[k][i], PAGE, NULL));
    FAIL_IF_ERR(pmap_map(&kids[k].vspace, page, frames[k][i], 0, PAGE, VREGION_FLAGS_READ_WRITE));
    FAIL_IF_ERR(spawn_pager_resume(&kids[k], 0));
    return NULL;
}

/* Serves faults with handle until the next message that is not one (si: as await_any). */
static const char *serve_until_message(const struct spawninfo *si,
                                       const char *(*handle)(const struct pager_fault *),
                                       struct lmp_msg *m)
{
    struct pager_fault f;
    for (;;) {
        RUN(await_any(si, m));
        if (!pager_fault_of(m, &f)) {
            return NULL;
        }
        RUN(handle(&f));
    }
}

/* The same, and that message must be si's reply to (command, tag). */
static const char *serve_until_reply(const struct spawninfo *si, unsigned command, uintptr_t tag,
                                     const char *(*handle)(const struct pager_fault *),
                                     struct lmp_msg *m)
{
    RUN(serve_until_message(si, handle, m));
    FAIL_IF(m->words[0] != CHILD_REPLY(command) || m->words[1] != tag);
    return NULL;
}

static const char *write_served(int k, genvaddr_t va, uintptr_t word,
                                const char *(*handle)(const struct pager_fault *))
{
    struct lmp_msg m;
    uintptr_t tag = send_command(&kids[k], CHILD_WRITE, va, word, 0, NULL_CAP);
    FAIL_IF(tag == 0);
    return serve_until_reply(&kids[k], CHILD_WRITE, tag, handle, &m);
}

/* The children freed (their tables and mappings with them), then init's frames and Endpoints. */
static const char *free_all(int n, const struct counts *before)
{
    for (int k = 0; k < n; k++) {
        FAIL_IF_ERR(spawn_free(&kids[k]));
        for (size_t i = 0; i < LAZY_PAGES; i++) {
            if (!capref_is_null(frames[k][i])) {
                FAIL_IF_ERR(frame_free(frames[k][i]));
                frames[k][i] = NULL_CAP;
            }
        }
        if (!capref_is_null(fault_ep[k])) {
            FAIL_IF_ERR(cap_destroy(fault_ep[k]));
            fault_ep[k] = NULL_CAP;
        }
    }
    return counts_back(before);
}

/* ---- served faults ------------------------------------------------------------------------- */

static const char *lazy_pages_in_a_child_one_fault_message_each(void)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    RUN(paged_by_init(0));
    for (size_t i = 0; i < LAZY_PAGES; i++) { /* two words a page: one fault only */
        genvaddr_t va = LAZY_VA + i * PAGE + 8;
        RUN(write_served(0, va, 0xa11ce000u + i, map_lazily));
        FAIL_IF(faults[0] != i + 1 || last[0].vaddr != va || last[0].ip == 0);
        RUN(write_served(0, va + 8, 0xb0b0u + i, map_lazily));
    }
    FAIL_IF(faults[0] != LAZY_PAGES);
    struct lmp_msg m;
    for (size_t i = 0; i < LAZY_PAGES; i++) {
        RUN(ask(&kids[0], CHILD_READ, LAZY_VA + i * PAGE + 8, 0, &m));
        FAIL_IF(m.words[2] != 0xa11ce000u + i);
        RUN(ask(&kids[0], CHILD_READ, LAZY_VA + i * PAGE + 16, 0, &m));
        FAIL_IF(m.words[2] != 0xb0b0u + i);
    }
    FAIL_IF(faults[0] != LAZY_PAGES);
    RUN(kid_exit(&kids[0], 0));
    return free_all(1, &before);
}

static const char *allow_the_write(const struct pager_fault *f)
{
    int k;
    RUN(whose(f, &k));
    FAIL_IF_ERR(pmap_modify_flags(&kids[k].vspace, LAZY_VA, PAGE, VREGION_FLAGS_READ_WRITE));
    FAIL_IF_ERR(spawn_pager_resume(&kids[k], 0));
    return NULL;
}

static const char *a_write_to_a_read_only_page_reaches_the_pager_exactly(void)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    RUN(paged_by_init(0));
    FAIL_IF_ERR(frame_alloc(&frames[0][0], PAGE, NULL));
    FAIL_IF_ERR(pmap_map(&kids[0].vspace, LAZY_VA, frames[0][0], 0, PAGE, VREGION_FLAGS_READ));
    struct lmp_msg m;
    RUN(ask(&kids[0], CHILD_READ, LAZY_VA + 0x120, 0, &m)); /* reads are allowed: no fault */
    FAIL_IF(m.words[2] != 0 || faults[0] != 0);
    uintptr_t tag = send_command(&kids[0], CHILD_WRITE_BYTE, LAZY_VA + 0x123, 0x5a, 0, NULL_CAP);
    FAIL_IF(tag == 0);
    RUN(serve_until_reply(&kids[0], CHILD_WRITE_BYTE, tag, allow_the_write, &m));
    FAIL_IF(faults[0] != 1 || last[0].vaddr != LAZY_VA + 0x123);
    FAIL_IF(last[0].kind != (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE)); /* permission */
    RUN(ask(&kids[0], CHILD_READ, LAZY_VA + 0x120, 0, &m)); /* the store completed */
    FAIL_IF(m.words[2] != (uintptr_t)0x5a << 24);
    RUN(kid_exit(&kids[0], 0));
    return free_all(1, &before);
}

static const char *badges_tell_two_children_apart(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct lmp_msg m;
    uintptr_t tags[2];
    for (int k = 0; k < 2; k++) {
        RUN(kid_start(&kids[k]));
        RUN(paged_by_init(k));
    }
    for (int k = 0; k < 2; k++) { /* the same address in both: only the badge says whose */
        tags[k] =
            send_command(&kids[k], CHILD_WRITE, LAZY_VA + 8, 0xbad0u + (uintptr_t)k, 0, NULL_CAP);
        FAIL_IF(tags[k] == 0);
    }
    for (int replies = 0; replies < 2; replies++) {
        RUN(serve_until_message(NULL, map_lazily, &m)); /* either child's reply may come first */
        int k = m.words[1] == tags[0] ? 0 : 1;
        FAIL_IF(m.words[0] != CHILD_REPLY(CHILD_WRITE) || m.words[1] != tags[k]);
    }
    for (int k = 0; k < 2; k++) {
        FAIL_IF(faults[k] != 1 || last[k].badge != BADGE0 + (uint32_t)k);
        RUN(ask(&kids[k], CHILD_READ, LAZY_VA + 8, 0, &m));
        FAIL_IF(m.words[2] != 0xbad0u + (uintptr_t)k);
    }
    RUN(kid_exit(&kids[0], 0));
    RUN(kid_exit(&kids[1], 0));
    return free_all(2, &before);
}

/* ---- a pager child for its sibling: the sibling blocks, then the pager goes ---------------- */

enum pager_end { PAGER_EXITS, PAGER_KILLED, PAGER_GONE_BEFORE };

static const char *sibling_paged_by_a_child(enum pager_end how)
{
    struct counts before;
    RUN(warm_up(&before));
    struct lmp_msg m;
    RUN(kid_start(&kids[0])); /* the pager */
    RUN(kid_start(&kids[1])); /* its client */
    uintptr_t tag = send_command(&kids[0], CHILD_PAGER, 0, 0, LMP_SEND_CAP_COPY, kids[1].disp);
    FAIL_IF(tag == 0);
    RUN(await_reply(&kids[0], CHILD_PAGER, tag, &m));
    FAIL_IF(m.words[2] != SYS_ERR_OK || m.words[3] != ObjType_Dispatcher);
    /* The parent names the pager's Endpoint, badged, and may then drop its copy: the kernel
       keeps the pager and the badge, not the capability. */
    struct capref ep;
    FAIL_IF_ERR(endpoint_badge(kids[0].child_ep, NO_GRANT, 0x77, &ep));
    FAIL_IF_ERR(spawn_set_pager(&kids[1], ep));
    FAIL_IF_ERR(cap_destroy(ep));
    if (how == PAGER_GONE_BEFORE) { /* the fault comes to a dead pager: the standard end */
        RUN(kid_exit(&kids[0], 0));
    }
    FAIL_IF(send_command(&kids[1], CHILD_READ, LAZY_VA + 0x44, 0, 0, NULL_CAP) == 0);
    if (how != PAGER_GONE_BEFORE) {
        RUN(await_reply(&kids[0], CHILD_PAGER_FAULT, tag, &m));
        FAIL_IF(m.words[2] != LAZY_VA + 0x44 || m.words[3] != 0x77);
        FAIL_IF(state_of(&kids[1], NULL) != DISPATCHER_BLOCKED);
    }
    if (how == PAGER_EXITS) {
        RUN(kid_exit(&kids[0], 0));
    } else if (how == PAGER_KILLED) {
        FAIL_IF_ERR(spawn_free(&kids[0]));
    }
    RUN(wait_ended(&kids[1], DISPATCHER_FAULTED, NULL)); /* not hung: reported and ended */
    return free_all(2, &before);
}

static const char *a_pager_that_exits_ends_its_blocked_client(void)
{
    return sibling_paged_by_a_child(PAGER_EXITS);
}

static const char *a_pager_that_is_killed_ends_its_blocked_client(void)
{
    return sibling_paged_by_a_child(PAGER_KILLED);
}

static const char *a_fault_to_a_dead_pager_ends_the_domain(void)
{
    return sibling_paged_by_a_child(PAGER_GONE_BEFORE);
}

/* ---- init as a pager that will not serve -------------------------------------------------- */

enum refusal { DECLINES, ENDS_IT, BUFFER_FULL };

/* A message init has not taken: the child's fault finds no room, and waits for it (runnable,
   faulting again at each turn) without a message or a block, until init empties its buffer. */
static const char *fault_waits_for_room(void)
{
    for (int i = 0; i < 200; i++) {
        sys_yield();
    }
    FAIL_IF(state_of(&kids[0], NULL) != DISPATCHER_RUNNABLE || faults[0] != 0);
    FAIL_IF(disp_frame()->lmp_fault != 0);
    disp_frame()->lmp_full = 0;
    return NULL;
}

static const char *unserved(enum refusal how)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    RUN(paged_by_init(0));
    if (how == BUFFER_FULL) {
        disp_frame()->lmp_fault = 0;
        disp_frame()->lmp_full = 1;
    }
    FAIL_IF(send_command(&kids[0], CHILD_READ, LAZY_VA, 0, 0, NULL_CAP) == 0);
    if (how == BUFFER_FULL) {
        RUN(fault_waits_for_room());
    }
    struct lmp_msg m;
    struct pager_fault f;
    RUN(await_any(&kids[0], &m));
    FAIL_IF(!pager_fault_of(&m, &f));
    int k;
    RUN(whose(&f, &k));
    FAIL_IF(k != 0 || f.vaddr != LAZY_VA ||
            f.kind !=
                (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_READ | DISPATCHER_FAULT_NOT_PRESENT));
    if (how != ENDS_IT) {
        FAIL_IF_ERR(spawn_pager_resume(&kids[0], DISPATCHER_RESUME_DECLINE));
        RUN(wait_ended(&kids[0], DISPATCHER_FAULTED, NULL));
        EXPECT_ERR(err_pop(spawn_pager_resume(&kids[0], 0)), SYS_ERR_DISPATCHER_ENDED);
    }
    return free_all(1, &before); /* ENDS_IT: destroying the blocked child's Dispatcher */
}

static const char *a_pager_that_declines_ends_the_domain_with_its_report(void)
{
    return unserved(DECLINES);
}

static const char *a_pager_that_never_resumes_can_end_the_domain(void)
{
    return unserved(ENDS_IT);
}

static const char *a_fault_to_a_full_buffer_waits_for_room(void)
{
    return unserved(BUFFER_FULL);
}

/* ---- refusals a domain sees --------------------------------------------------------------- */

static const char *the_pager_invocations_refuse_with_named_errors(void)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    EXPECT_ERR(err_pop(spawn_pager_resume(&kids[0], 0)), SYS_ERR_DISPATCHER_NOT_BLOCKED);
    EXPECT_ERR(err_pop(spawn_pager_resume(&kids[0], 2)), SYS_ERR_INVALID_ARGS);
    struct capref frame, again;
    FAIL_IF_ERR(frame_alloc(&frame, PAGE, NULL));
    EXPECT_ERR(err_pop(spawn_set_pager(&kids[0], frame)), SYS_ERR_FAULT_EP_NOT_ENDPOINT);
    EXPECT_ERR(err_pop(endpoint_badge(frame, NO_GRANT, 5, &again)), SYS_ERR_BADGE_NOT_ENDPOINT);
    RUN(paged_by_init(0));
    EXPECT_ERR(err_pop(endpoint_badge(fault_ep[0], NO_GRANT, 5, &again)), SYS_ERR_ENDPOINT_BADGED);
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(fault_ep[0], &id));
    FAIL_IF(id.type_word != BADGE0);                  /* identify tells an Endpoint's badge */
    FAIL_IF_ERR(spawn_set_pager(&kids[0], NULL_CAP)); /* cleared: a fault ends the child */
    FAIL_IF(send_command(&kids[0], CHILD_READ, LAZY_VA, 0, 0, NULL_CAP) == 0);
    RUN(wait_ended(&kids[0], DISPATCHER_FAULTED, NULL));
    FAIL_IF(faults[0] != 0);
    FAIL_IF_ERR(frame_free(frame));
    return free_all(1, &before);
}

const struct booted_test captest_pager[] = {
    {"CT1020", "lazy pages in a child served by init: one fault message a page, data intact",
     lazy_pages_in_a_child_one_fault_message_each},
    {"CT1021", "a write to a read-only page reaches the pager: exact address, write, permission",
     a_write_to_a_read_only_page_reaches_the_pager_exactly},
    {"CT1022", "badges tell two children faulting at the same address apart",
     badges_tell_two_children_apart},
    {"CT1023", "a pager child that exits: its blocked sibling is ended with a report",
     a_pager_that_exits_ends_its_blocked_client},
    {"CT1024", "a pager child that is killed: its blocked sibling is ended with a report",
     a_pager_that_is_killed_ends_its_blocked_client},
    {"CT1025", "a fault to a pager that has ended: the standard end",
     a_fault_to_a_dead_pager_ends_the_domain},
    {"CT1026", "a pager that declines: the domain ends with the kernel's report",
     a_pager_that_declines_ends_the_domain_with_its_report},
    {"CT1027", "a pager that never resumes can end the blocked domain (spawn_free)",
     a_pager_that_never_resumes_can_end_the_domain},
    {"CT1028", "a fault while the pager's buffer is full waits for room, then reaches it",
     a_fault_to_a_full_buffer_waits_for_room},
    {"CT1029", "the pager invocations' refusals are named; a cleared fault endpoint",
     the_pager_invocations_refuse_with_named_errors},
    {NULL, NULL, NULL},
};
