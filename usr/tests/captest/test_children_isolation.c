/* Children and their parent apart: no name of the parent's reaches its capabilities, no address
 * its memory; what is shared is shared on purpose, with the rights given, and goes on revoke; a
 * hostile child's attacks on its parent and a sibling are refused. */
#include "children.h"
#include <init_cspace.h>

#define PAGE BASE_PAGE_BYTES

/* A child naming one of the parent's slots finds nothing there, or only something of its own. */
static const char *not_the_parents(const struct spawninfo *si, struct capref cap, genpaddr_t base)
{
    struct lmp_msg m;
    RUN(ask(si, CHILD_IDENTIFY, cap.cnode.l1_index, cap.slot, &m));
    FAIL_IF(m.words[2] == SYS_ERR_OK && m.words[3] == (uintptr_t)base);
    RUN(ask(si, CHILD_MAP_NAMED, cap.cnode.l1_index, cap.slot, &m));
    FAIL_IF(m.words[2] == SYS_ERR_OK && m.words[3] == (uintptr_t)base);
    return NULL;
}

static const char *a_child_cannot_name_its_parents_capabilities(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *si = &kids[0];
    RUN(kid_start(si));
    struct capref frame;
    struct cap_identity id, ram;
    FAIL_IF_ERR(frame_alloc(&frame, PAGE, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    FAIL_IF_ERR(cap_identify(si->ram, &ram));
    RUN(not_the_parents(si, frame, id.base));
    RUN(not_the_parents(si, si->ram, ram.base));
    /* What only init holds: the boot information and the modules. */
    struct lmp_msg m;
    RUN(ask(si, CHILD_IDENTIFY, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_BOOTINFO, &m));
    FAIL_IF(m.words[2] == SYS_ERR_OK);
    RUN(ask(si, CHILD_IDENTIFY, ROOTCN_SLOT_MODULECN, 0, &m));
    FAIL_IF(m.words[2] == SYS_ERR_OK);
    RUN(kid_exit(si, 0));
    FAIL_IF_ERR(spawn_free(si));
    FAIL_IF_ERR(frame_free(frame));
    RUN(counts_back(&before));
    return NULL;
}

/* A fresh page of the parent's, mapped read-write at *va. */
static const char *fresh_page(struct capref *frame, genvaddr_t *va)
{
    FAIL_IF_ERR(frame_alloc(frame, PAGE, NULL));
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, PAGE, PAGE, va));
    FAIL_IF_ERR(pmap_map(&self_pmap, *va, *frame, 0, PAGE, VREGION_FLAGS_READ_WRITE));
    return NULL;
}

/* The counts to come back to, a started child in kids[0], and a fresh page of the parent's. */
static const char *child_and_page(struct counts *before, struct capref *frame, genvaddr_t *va)
{
    RUN(warm_up(before));
    RUN(kid_start(&kids[0]));
    return fresh_page(frame, va);
}

static volatile uintptr_t parent_secret;

/*
 * The child at the parent's addresses: where it has nothing, the walk says so; where it has
 * something (its own image is linked where the parent's is), it is not the parent's word.
 */
static const char *the_child_sees_not(const struct spawninfo *si, volatile uintptr_t *at,
                                      bool *unmapped)
{
    *at = (uintptr_t)0x5ec2e7 ^ (uintptr_t)at;
    struct lmp_msg m;
    RUN(ask(si, CHILD_TRANSLATE, (uintptr_t)at, 0, &m));
    *unmapped = m.words[2] == 0;
    if (!*unmapped) {
        RUN(ask(si, CHILD_READ, (uintptr_t)at, 0, &m));
        FAIL_IF(m.words[2] == *at);
    }
    return NULL;
}

static const char *a_child_cannot_reach_its_parents_memory(void)
{
    struct counts before;
    struct spawninfo *si = &kids[0];
    struct capref frame;
    genvaddr_t va;
    RUN(child_and_page(&before, &frame, &va));
    bool unmapped_data, unmapped_page;
    RUN(the_child_sees_not(si, &parent_secret, &unmapped_data));
    RUN(the_child_sees_not(si, (volatile uintptr_t *)(uintptr_t)va, &unmapped_page));
    FAIL_IF(!unmapped_page); /* the parent's fresh page: nothing of the child's is there */
    /* Touching it anyway is the child's fault, and ends the child only. */
    FAIL_IF(send_command(si, CHILD_READ, (uintptr_t)va, 0, 0, NULL_CAP) == 0);
    RUN(wait_ended(si, DISPATCHER_FAULTED, NULL));
    FAIL_IF(*(volatile uintptr_t *)(uintptr_t)va != ((uintptr_t)0x5ec2e7 ^ (uintptr_t)va));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, PAGE));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(spawn_free(si));
    RUN(counts_back(&before));
    return NULL;
}

/* A page of the parent's holding word, mapped for a moment. */
static const char *page_with(struct capref *frame, uintptr_t word)
{
    genvaddr_t va;
    RUN(fresh_page(frame, &va));
    *(volatile uintptr_t *)(uintptr_t)va = word;
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, PAGE));
    return NULL;
}

/* Sends a copy of frame minted to rights, moved, with command. */
static const char *send_minted(const struct spawninfo *si, struct capref frame, caprights_t rights,
                               unsigned command, uintptr_t a, struct lmp_msg *m)
{
    struct capref minted;
    FAIL_IF_ERR(slot_alloc(&minted));
    FAIL_IF_ERR(cap_mint(minted, frame, rights));
    uintptr_t tag = send_command(si, command, a, 0, LMP_SEND_CAP_MOVE, minted);
    FAIL_IF(tag == 0);
    slot_free(minted); /* moved: empty again */
    return await_reply(si, command, tag, m);
}

static const char *capabilities_travel_both_ways_with_minted_rights(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *si = &kids[0];
    RUN(kid_start(si));
    struct capref frame;
    RUN(page_with(&frame, 0xc0ffee));
    struct lmp_msg m;
    RUN(send_minted(si, frame, CAPRIGHTS_READ, CHILD_RIGHTS, 0, &m));
    FAIL_IF(m.words[2] != SYS_ERR_OK || m.words[3] != CAPRIGHTS_READ);
    RUN(ask(si, CHILD_MAP_RECEIVED, VREGION_FLAGS_READ_WRITE, 0, &m));
    FAIL_IF(m.words[2] == SYS_ERR_OK); /* the write right is not there */
    RUN(ask(si, CHILD_MAP_RECEIVED, VREGION_FLAGS_READ, 0, &m));
    FAIL_IF(m.words[2] != SYS_ERR_OK);
    RUN(ask(si, CHILD_READ, m.words[3], 0, &m));
    FAIL_IF(m.words[2] != 0xc0ffee);
    /* And back: the child's page, minted read-only, moved into the parent's receive slot. */
    RUN(ask(si, CHILD_SEND_FRAME, 0xbeef, CAPRIGHTS_READ, &m));
    FAIL_IF(m.words[2] != SYS_ERR_OK || !m.has_cap);
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(parent_recv, &id));
    FAIL_IF(id.type != ObjType_Frame || id.rights != CAPRIGHTS_READ);
    genvaddr_t va;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, PAGE, PAGE, &va));
    FAIL_IF(err_is_ok(pmap_map(&self_pmap, va, parent_recv, 0, PAGE, VREGION_FLAGS_READ_WRITE)));
    FAIL_IF_ERR(pmap_map(&self_pmap, va, parent_recv, 0, PAGE, VREGION_FLAGS_READ));
    FAIL_IF(*(volatile uintptr_t *)(uintptr_t)va != 0xbeef);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, PAGE));
    FAIL_IF_ERR(cap_delete(parent_recv));
    RUN(kid_exit(si, 0));
    FAIL_IF_ERR(spawn_free(si));
    FAIL_IF_ERR(frame_free(frame));
    RUN(counts_back(&before));
    return NULL;
}

static const char *a_shared_frame_shows_the_same_bytes_until_revoked(void)
{
    struct counts before;
    struct spawninfo *si = &kids[0];
    struct capref frame;
    genvaddr_t va;
    RUN(child_and_page(&before, &frame, &va));
    volatile uintptr_t *word = (volatile uintptr_t *)(uintptr_t)va;
    *word = 1111;
    struct lmp_msg m;
    RUN(send_minted(si, frame, CAPRIGHTS_READ, CHILD_MAP_RECEIVED, VREGION_FLAGS_READ, &m));
    FAIL_IF(m.words[2] != SYS_ERR_OK);
    uintptr_t child_va = m.words[3];
    RUN(ask(si, CHILD_READ, child_va, 0, &m));
    FAIL_IF(m.words[2] != 1111);
    *word = 2222; /* the same bytes: the child sees the parent's write */
    RUN(ask(si, CHILD_READ, child_va, 0, &m));
    FAIL_IF(m.words[2] != 2222);
    /* Revoking the parent's capability takes the child's copies and mapping with it: the walk
       finds nothing, and the child's next read (its TLB had the page) faults. */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, PAGE));
    FAIL_IF_ERR(cap_revoke(frame));
    RUN(ask(si, CHILD_TRANSLATE, child_va, 0, &m));
    FAIL_IF(m.words[2] != 0);
    FAIL_IF(send_command(si, CHILD_READ, child_va, 0, 0, NULL_CAP) == 0);
    RUN(wait_ended(si, DISPATCHER_FAULTED, NULL));
    FAIL_IF_ERR(pmap_map(&self_pmap, va, frame, 0, PAGE, VREGION_FLAGS_READ));
    FAIL_IF(*word != 2222);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, va, PAGE));
    FAIL_IF_ERR(spawn_free(si));
    FAIL_IF_ERR(frame_free(frame));
    RUN(counts_back(&before));
    return NULL;
}

/* After a child's attack: every capability the parent holds for it and for itself is there. */
static const char *parent_holds_all(const struct spawninfo *si)
{
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(parent_ep, &id));
    FAIL_IF(id.type != ObjType_Endpoint);
    FAIL_IF_ERR(cap_identify(si->ram, &id));
    FAIL_IF_ERR(cap_identify(si->rootcn, &id));
    FAIL_IF_ERR(cap_identify(si->disp, &id));
    FAIL_IF_ERR(cap_identify(si->child_ep, &id));
    const struct spawn_cnode *cns[] = {&si->taskcn, &si->supercn, &si->slot_alloc0, &si->pagecn};
    for (size_t i = 0; i < sizeof(cns) / sizeof(cns[0]); i++) {
        FAIL_IF_ERR(cap_identify((struct capref){.cnode = cnode_root(), .slot = cns[i]->l1}, &id));
    }
    for (size_t i = 0; i < si->frame_count; i++) {
        FAIL_IF_ERR(cap_identify(si->frames[i], &id));
    }
    return NULL;
}

static const char *a_hostile_child_cannot_harm_its_parent_or_sibling(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *attacker = &kids[0], *sibling = &kids[1];
    RUN(kid_start(attacker));
    RUN(kid_start(sibling));
    struct lmp_msg m;
    RUN(ask(attacker, CHILD_ATTACK, sibling->taskcn.l1, 0, &m));
    FAIL_IF(m.words[2] != 10 || m.words[3] != 0); /* every attack refused; the first that was not */
    /* Its root table's capability swapped for a frame of its own: spawn_free must see through. */
    struct cap_identity id;
    FAIL_IF_ERR(
        cap_identify(spawn_child_slot(attacker, ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT), &id));
    FAIL_IF(id.type != ObjType_Frame || id.bytes != 2 * PAGE);
    RUN(parent_holds_all(attacker));
    RUN(parent_holds_all(sibling));
    RUN(ask(sibling, CHILD_STRESS, 50, 9, &m)); /* its Endpoint to the parent still works */
    FAIL_IF(m.words[2] != 0);
    RUN(kid_exit(sibling, 0));
    FAIL_IF_ERR(spawn_free(attacker));
    FAIL_IF_ERR(spawn_free(sibling));
    RUN(counts_back(&before));
    return NULL;
}

/* A child that keeps its own buffer full: the parent's send gives up, the child goes as usual. */
static const char *a_child_keeping_its_buffer_full_cannot_hold_its_parent(void)
{
    struct counts before;
    RUN(warm_up(&before));
    struct spawninfo *si = &kids[0];
    RUN(kid_start(si));
    struct lmp_msg m;
    RUN(ask(si, CHILD_JAM, 0, 0, &m));
    FAIL_IF(send_command(si, CHILD_STRESS, 1, 1, 0, NULL_CAP) != 0);
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_STRESS, 0, 1, 1};
    EXPECT_ERR(endpoint_send(si->child_ep, 0, NULL_CAP, w, LMP_MSG_WORDS), SYS_ERR_ENDPOINT_BUSY);
    FAIL_IF(state_of(si, NULL) != DISPATCHER_RUNNABLE);
    FAIL_IF_ERR(spawn_free(si));
    RUN(counts_back(&before));
    return NULL;
}

const struct booted_test captest_children_isolation[] = {
    {"CT906", "a child naming its parent's slots finds nothing of the parent's",
     a_child_cannot_name_its_parents_capabilities},
    {"CT907", "a child cannot reach its parent's memory at the parent's addresses",
     a_child_cannot_reach_its_parents_memory},
    {"CT908", "capabilities travel both ways with the rights a mint left them",
     capabilities_travel_both_ways_with_minted_rights},
    {"CT909", "a shared frame shows both the same bytes; revoking it unmaps the child's view",
     a_shared_frame_shows_the_same_bytes_until_revoked},
    {"CT910", "a hostile child's attacks on its parent and sibling are refused, nothing lost",
     a_hostile_child_cannot_harm_its_parent_or_sibling},
    {"CT911", "a child keeping its buffer full cannot hold its parent in a send",
     a_child_keeping_its_buffer_full_cannot_hold_its_parent},
    {NULL, NULL, NULL},
};
