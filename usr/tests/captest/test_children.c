/* Children's lives: ready and exit, the pmap stress in four at once, a spinner preempted and
 * killed, a fault that ends the child only, a hundred spawns in a row with everything back. */
#include "children.h"
#include <domain_layout.h>

#define STRESS_OPS 300

static const char *a_child_starts_reports_and_exits_with_its_status(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *si = &kids[0];
    RUN(kid_start(si));
    enum dispatcher_state state = state_of(si, NULL); /* waiting for a command, or on its way */
    FAIL_IF(state != DISPATCHER_WAITING && state != DISPATCHER_RUNNABLE);
    struct lmp_msg m;
    RUN(ask(si, CHILD_STRESS, 20, 7, &m)); /* it serves, after its READY */
    FAIL_IF(m.words[2] != 0);
    RUN(kid_exit(si, 42));
    /* A message to the dead domain fails cleanly, by name. */
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_STRESS, 0, 0, 0};
    EXPECT_ERR(endpoint_send(si->child_ep, 0, NULL_CAP, w, LMP_MSG_WORDS), SYS_ERR_ENDPOINT_DEAD);
    FAIL_IF_ERR(spawn_free(si));
    RUN(counts_back(&before));
    return NULL;
}

static const char *four_children_run_the_pmap_stress_at_once(void)
{
    struct counts before;
    RUN(warm_up(&before));
    uintptr_t tags[KIDS];
    for (int i = 0; i < KIDS; i++) {
        RUN(kid_start(&kids[i]));
    }
    for (int i = 0; i < KIDS; i++) {
        tags[i] = send_command(&kids[i], CHILD_STRESS, STRESS_OPS, 0x5eed0000u + (unsigned)i, 0,
                               NULL_CAP);
        FAIL_IF(tags[i] == 0);
    }
    bool answered[KIDS] = {false};
    for (int n = 0; n < KIDS; n++) {
        struct lmp_msg m;
        RUN(await_any(NULL, &m));
        int i = 0;
        while (i < KIDS && tags[i] != m.words[1]) {
            i++;
        }
        FAIL_IF(i == KIDS || answered[i] || m.words[0] != CHILD_REPLY(CHILD_STRESS));
        FAIL_IF(m.words[2] != 0); /* the line that failed in the child */
        answered[i] = true;
    }
    for (int i = 0; i < KIDS; i++) {
        RUN(kid_exit(&kids[i], (uint64_t)i));
        FAIL_IF_ERR(spawn_free(&kids[i]));
    }
    RUN(counts_back(&before));
    return NULL;
}

/* The child's dispatch count, read through a window onto its dispatcher frame. */
static const char *dispatches(const struct spawninfo *si, uint64_t *ret)
{
    genvaddr_t va;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, DISPATCHER_FRAME_BYTES, BASE_PAGE_BYTES, &va));
    FAIL_IF_ERR(
        pmap_map(&self_pmap, va, si->dispframe, 0, DISPATCHER_FRAME_BYTES, VREGION_FLAGS_READ));
    *ret = ((const volatile struct dispatcher_shared *)(uintptr_t)va)->dispatches;
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, DISPATCHER_FRAME_BYTES));
    return NULL;
}

static const char *a_spinning_child_is_preempted_and_killed(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *si = &kids[0];
    RUN(kid_start(si));
    struct lmp_msg m;
    /* Its reply comes before the loop; init runs again only because the timer preempts it. */
    RUN(ask(si, CHILD_SPIN, 0, 0, &m));
    uint64_t first, later;
    RUN(dispatches(si, &first));
    for (int i = 0; i < 5; i++) {
        sys_yield();
    }
    RUN(dispatches(si, &later));
    FAIL_IF(later < first + 5); /* each yield ran it again, and each time the timer ended it */
    FAIL_IF(state_of(si, NULL) != DISPATCHER_RUNNABLE);
    FAIL_IF_ERR(spawn_free(si)); /* kills it */
    RUN(counts_back(&before));
    return NULL;
}

static const char *a_childs_fault_ends_the_child_only(void)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    RUN(kid_start(&kids[1]));
    FAIL_IF(send_command(&kids[0], CHILD_READ, 8, 0, 0, NULL_CAP) == 0); /* the null page */
    RUN(wait_ended(&kids[0], DISPATCHER_FAULTED, NULL));
    struct lmp_msg m;
    RUN(ask(&kids[1], CHILD_STRESS, 50, 3, &m)); /* the sibling goes on */
    FAIL_IF(m.words[2] != 0);
    RUN(kid_exit(&kids[1], 0));
    FAIL_IF_ERR(spawn_free(&kids[0]));
    FAIL_IF_ERR(spawn_free(&kids[1]));
    RUN(counts_back(&before));
    return NULL;
}

static const char *a_hundred_children_in_a_row_give_everything_back(void)
{
    struct counts before;
    RUN(warm_up(&before));
    for (int i = 0; i < 100; i++) {
        RUN(kid_start(&kids[0]));
        RUN(kid_exit(&kids[0], (uint64_t)i));
        FAIL_IF_ERR(spawn_free(&kids[0]));
        RUN(counts_back(&before));
    }
    return NULL;
}

const struct booted_test captest_children[] = {
    {"CT901", "a child starts, reports, exits with its status; a send to it then fails by name",
     a_child_starts_reports_and_exits_with_its_status},
    {"CT902", "four children run the pmap stress at once and each reports success",
     four_children_run_the_pmap_stress_at_once},
    {"CT903", "a child spinning forever is preempted by the timer and killed by its parent",
     a_spinning_child_is_preempted_and_killed},
    {"CT904", "a child's fault ends that child only; its sibling and the parent go on",
     a_childs_fault_ends_the_child_only},
    {"CT905", "a hundred children in a row, each gone with everything given back",
     a_hundred_children_in_a_row_give_everything_back},
    {NULL, NULL, NULL},
};
