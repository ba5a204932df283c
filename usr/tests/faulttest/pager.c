/* init pages spawnchild, is told of its read of an unmapped page, and declines: the child ends. */
#include "../spawnchild/child_protocol.h"
#include "common.h"
#include <init_cspace.h>
#include <libcap/dispatcher.h>
#include <libcap/syscalls.h>
#include <lmp.h>
#include <spawn/spawn.h>

#define BADGE 0x30
#define ADDRESS ((uintptr_t)DOMAIN_STACK_TOP / 2 + 0x48) /* mapped by nobody */

static struct spawninfo child; /* large: it holds the child's pmap */

static errval_t start_paged_child(struct capref *ep, struct capref *badged)
{
    struct capref own = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_DISPATCHER};
    errval_t err = endpoint_create(own, ep);
    err = err_is_ok(err) ? spawn_load(&child, &fault_pmap, "spawnchild", NULL) : err;
    err = err_is_ok(err) ? spawn_start(&child, *ep) : err;
    err = err_is_ok(err) ? endpoint_badge(*ep, CAPRIGHTS_READ_WRITE, BADGE, badged) : err;
    return err_is_ok(err) ? spawn_set_pager(&child, *badged) : err;
}

int main(void)
{
    struct capref ep, badged;
    errval_t err = libcap_init();
    err = err_is_ok(err) ? pmap_init_self(&fault_pmap) : err;
    if (err_is_fail(err)) {
        return fail("set-up", err);
    }
    heap_init(&fault_pmap);
    if (err_is_fail(err = start_paged_child(&ep, &badged))) {
        return fail("spawning the paged child", err);
    }
    struct lmp_msg m;
    struct pager_fault f;
    lmp_recv(&m); /* CHILD_READY */
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_READ, 1, ADDRESS, 0};
    printf("faulttest: the child is reading 0x%lx\n", (unsigned long)ADDRESS);
    lmp_send(child.child_ep, 0, NULL_CAP, w, LMP_MSG_WORDS);
    if (!pager_recv(&m, &f)) {
        printf("faulttest: a message that is not a fault\n");
        return 1;
    }
    printf("faulttest: the pager was told 0x%lx, badge 0x%x, kind 0x%x; it declines\n",
           (unsigned long)f.vaddr, (unsigned)f.badge, f.kind);
    if (err_is_fail(err = spawn_pager_resume(&child, DISPATCHER_RESUME_DECLINE))) {
        return fail("declining", err);
    }
    enum dispatcher_state state = DISPATCHER_BLOCKED;
    uint64_t status = 0;
    for (int i = 0; i < 1000000 && state < DISPATCHER_EXITED; i++) {
        sys_yield();
        dispatcher_state(child.disp, &state, &status);
    }
    printf("faulttest: the paged child's state %d, status %llu; init goes on\n", (int)state,
           (unsigned long long)status);
    if (err_is_fail(err = spawn_free(&child))) {
        return fail("spawn_free", err);
    }
    return state == DISPATCHER_FAULTED ? 0 : 1;
}
