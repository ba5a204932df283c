/* The demo's second part: two children from the boot image share one frame with their parent. */
#include "demo.h"
#include <init_cspace.h>
#include <libcap/syscalls.h>
#include <lmp.h>
#include <spawn/spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILDREN 2
static struct spawninfo children[CHILDREN]; /* large: each holds its child's pmap */

/* Waits for one message from a child: they answer one at a time, in the order asked. */
static uintptr_t child_answer(void)
{
    struct lmp_msg m;
    lmp_recv(&m);
    return m.words[0];
}

static void tell(struct spawninfo *si, uintptr_t word, uint64_t flags, struct capref cap)
{
    uintptr_t w[LMP_MSG_WORDS] = {word};
    demo_check("lmp_send to the child", lmp_send(si->child_ep, flags, cap, w, 1));
}

/* A read-only copy of frame, moved to child n with its number. */
static void give_read_only(struct spawninfo *si, struct capref frame, unsigned n)
{
    struct capref minted;
    errval_t err = slot_alloc(&minted);
    err = err_is_ok(err) ? cap_mint(minted, frame, CAPRIGHTS_READ) : err;
    demo_check("cap_mint a read-only copy", err);
    tell(si, n, LMP_SEND_CAP_MOVE, minted);
    slot_free(minted); /* moved: the slot is empty again */
}

static void wait_all_ended(void)
{
    for (unsigned n = 0; n < CHILDREN; n++) {
        enum dispatcher_state state = DISPATCHER_RUNNABLE;
        uint64_t status = 0;
        while (err_is_ok(dispatcher_state(children[n].disp, &state, &status)) &&
               state < DISPATCHER_EXITED) {
            sys_yield();
        }
        printf("demo: child %u ended (%s) with status %llu\n", n,
               state == DISPATCHER_EXITED ? "exited" : "faulted", (unsigned long long)status);
    }
}

void demo_share(struct pmap *pmap)
{
    printf("demo: two children from the boot image share a frame with init\n");
    heap_init(pmap);
    gensize_t ram = ram_free_bytes();
    struct capref own = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_DISPATCHER};
    struct capref ep, frame;
    genvaddr_t va;
    demo_check("endpoint_create (init's own)", endpoint_create(own, &ep));
    demo_check("frame_alloc 4 KiB to share", frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    demo_check("pmap_determine_addr 4 KiB", pmap_determine_addr(pmap, BASE_PAGE_BYTES, 4096, &va));
    demo_check("pmap_map it read-write",
               pmap_map(pmap, va, frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ_WRITE));
    char *page = (char *)(uintptr_t)va;
    strcpy(page, "init wrote this; the children see it read-only");
    for (unsigned n = 0; n < CHILDREN; n++) {
        demo_check("spawn_load demochild", spawn_load(&children[n], pmap, "demochild", NULL));
        demo_check("spawn_start it", spawn_start(&children[n], ep));
        child_answer(); /* ready */
    }
    for (unsigned n = 0; n < CHILDREN; n++) {
        give_read_only(&children[n], frame, n);
        child_answer(); /* it mapped and read the page */
    }
    strcpy(page, "init changed the page; both children see the change");
    for (unsigned n = 0; n < CHILDREN; n++) {
        tell(&children[n], 0, 0, NULL_CAP);
        child_answer();
    }
    wait_all_ended();
    for (unsigned n = 0; n < CHILDREN; n++) {
        demo_check("spawn_free", spawn_free(&children[n]));
    }
    demo_check("pmap_unmap the shared frame", pmap_unmap(pmap, va, BASE_PAGE_BYTES));
    demo_check("frame_free it", frame_free(frame));
    demo_check("cap_destroy init's endpoint", cap_destroy(ep));
    /* The children's RAM, CNodes, tables and frames are back; init's heap, which held the
       children's pmap metadata, keeps the pages it grew (doc/spawn.md). */
    gensize_t kept = ram - ram_free_bytes();
    if (kept == 0) {
        printf("demo: children gone; init's free RAM is back where it was\n");
    } else {
        printf("demo: children gone; init's free RAM is %llu KiB below the start: its heap keeps "
               "the pages it grew\n",
               (unsigned long long)(kept / 1024));
    }
}
