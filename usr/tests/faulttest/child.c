/* init spawns spawnchild and has it read the null page: the child's fault ends the child only. */
#include "../spawnchild/child_protocol.h"
#include "common.h"
#include <init_cspace.h>
#include <libcap/syscalls.h>
#include <lmp.h>
#include <spawn/spawn.h>

static struct spawninfo child; /* large: it holds the child's pmap */

int main(void)
{
    struct capref own = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_DISPATCHER};
    struct capref ep;
    errval_t err = libcap_init();
    err = err_is_ok(err) ? pmap_init_self(&fault_pmap) : err;
    if (err_is_fail(err)) {
        return fail("set-up", err);
    }
    heap_init(&fault_pmap);
    if (err_is_fail(err = endpoint_create(own, &ep)) ||
        err_is_fail(err = spawn_load(&child, &fault_pmap, "spawnchild", NULL)) ||
        err_is_fail(err = spawn_start(&child, ep))) {
        return fail("spawning the child", err);
    }
    struct lmp_msg m;
    lmp_recv(&m); /* CHILD_READY */
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_READ, 1, 8, 0};
    printf("faulttest: the child is reading 0x8\n");
    lmp_send(child.child_ep, 0, NULL_CAP, w, LMP_MSG_WORDS);
    enum dispatcher_state state = DISPATCHER_RUNNABLE;
    uint64_t status = 0;
    for (int i = 0; i < 1000000 && state < DISPATCHER_EXITED; i++) {
        sys_yield();
        dispatcher_state(child.disp, &state, &status);
    }
    printf("faulttest: the child's state %d, status %llu; init goes on\n", (int)state,
           (unsigned long long)status);
    err = spawn_free(&child);
    if (err_is_fail(err)) {
        return fail("spawn_free", err);
    }
    return state == DISPATCHER_FAULTED ? 0 : 1;
}
