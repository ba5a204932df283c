/* spawnchild's command loop: what its parent asks (child_protocol.h), done in its own domain. */
#include "spawnchild.h"
#include <disp.h>
#include <libcap/syscalls.h>
#include <lmp.h>
#include <stdlib.h>

struct pmap self_pmap;

static struct capref parent_ep;
static struct capref recv_slot; /* where the next capability lands */
static struct capref received;  /* the capability that came last */

static void reply(unsigned command, uintptr_t tag, uintptr_t x, uintptr_t y)
{
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_REPLY(command), tag, x, y};
    lmp_send(parent_ep, 0, NULL_CAP, w, LMP_MSG_WORDS);
}

void child_reply(unsigned command, uintptr_t tag, uintptr_t x, uintptr_t y)
{
    reply(command, tag, x, y);
}

/* The next capability from the parent lands in a fresh slot. */
static errval_t fresh_recv_slot(void)
{
    errval_t err = slot_alloc(&recv_slot);
    lmp_set_recv_slot(err_is_ok(err) ? recv_slot : NULL_CAP);
    return err;
}

static void map_received(uintptr_t tag, vregion_flags_t flags)
{
    struct cap_identity id;
    genvaddr_t va = 0;
    errval_t err = cap_identify(received, &id);
    if (err_is_ok(err)) {
        err = pmap_determine_addr(&self_pmap, id.bytes, BASE_PAGE_BYTES, &va);
    }
    if (err_is_ok(err)) {
        err = pmap_map(&self_pmap, va, received, 0, id.bytes, flags);
    }
    reply(CHILD_MAP_RECEIVED, tag, err_no(err), (uintptr_t)va);
}

/* A page holding word, minted to rights and moved to the parent; the child keeps it mapped. */
static void send_frame(uintptr_t tag, uintptr_t word, caprights_t rights)
{
    struct capref frame, minted;
    genvaddr_t va;
    errval_t err = frame_alloc(&frame, BASE_PAGE_BYTES, NULL);
    if (err_is_ok(err)) {
        err = pmap_determine_addr(&self_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &va);
    }
    if (err_is_ok(err)) {
        err = pmap_map(&self_pmap, va, frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ_WRITE);
    }
    if (err_is_ok(err)) {
        *(volatile uintptr_t *)(uintptr_t)va = word;
        err = slot_alloc(&minted);
    }
    if (err_is_ok(err)) {
        err = cap_mint(minted, frame, rights);
    }
    uintptr_t w[LMP_MSG_WORDS] = {CHILD_REPLY(CHILD_SEND_FRAME), tag, err_no(err), 0};
    if (err_is_ok(err)) {
        lmp_send(parent_ep, LMP_SEND_CAP_MOVE, minted, w, LMP_MSG_WORDS);
    } else {
        lmp_send(parent_ep, 0, NULL_CAP, w, LMP_MSG_WORDS);
    }
}

static void translate(uintptr_t tag, genvaddr_t va)
{
    struct debug_translation t = {.present = false};
    struct pmap_mapping_info info;
    errval_t walk = sys_debug_translate(va, &t);
    errval_t lookup = pmap_lookup(&self_pmap, va, &info);
    reply(CHILD_TRANSLATE, tag, err_is_ok(walk) && t.present, err_no(lookup));
}

/* Names a slot by the parent's address for it; y: the base of what it found, or mapped. */
static void named(uintptr_t tag, unsigned command, uint32_t l1, cslot_t slot)
{
    struct capref cap = {.cnode = cnode_at_l1(l1), .slot = slot};
    struct cap_identity id = {.base = 0};
    if (command == CHILD_IDENTIFY) {
        errval_t err = cap_identify(cap, &id);
        reply(command, tag, err_no(err), (uintptr_t)id.base);
        return;
    }
    genvaddr_t va;
    struct debug_translation t = {.paddr = 0};
    errval_t err = pmap_determine_addr(&self_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &va);
    if (err_is_ok(err)) {
        err = pmap_map(&self_pmap, va, cap, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ);
    }
    if (err_is_ok(err)) {
        sys_debug_translate(va, &t);
    }
    reply(command, tag, err_no(err), (uintptr_t)t.paddr);
}

static volatile uint64_t spins;

/* CHILD_HANDLED_READ: a handler that declines (the kernel then reports the read's fault) or one
   that faults itself (a fault while disabled): either way the child ends with a report. */
static _Alignas(16) uint8_t exception_stack[8192];

static bool declines(const struct disp_fault *fault)
{
    (void)fault;
    return false;
}

static bool faults_itself(const struct disp_fault *fault)
{
    return *(volatile uintptr_t *)(fault->vaddr + 8) != 0;
}

static void handled_read(uintptr_t tag, uintptr_t vaddr, uintptr_t how)
{
    disp_set_exception_handler(how == CHILD_HANDLER_FAULTS ? faults_itself : declines,
                               exception_stack, sizeof(exception_stack));
    reply(CHILD_HANDLED_READ, tag, *(volatile uintptr_t *)vaddr, 0); /* not reached */
}

/* CHILD_PAGER: the faults of the sibling whose Dispatcher came last arrive here from now on
   (the parent named this child's Endpoint as the sibling's fault endpoint); x: identify's error,
   y: the type received. */
static uintptr_t pager_tag;

static void become_pager(uintptr_t tag)
{
    struct cap_identity id = {.type = ObjType_Null};
    errval_t err = cap_identify(received, &id);
    pager_tag = tag;
    reply(CHILD_PAGER, tag, err_no(err), id.type);
}

/* One command; false when the child is to end (with *status). */
static bool serve_one(const struct lmp_msg *m, int *status)
{
    uintptr_t tag = m->words[1], a = m->words[2], b = m->words[3];
    errval_t err = SYS_ERR_OK;
    struct cap_identity id = {.rights = 0};
    uintptr_t first = 0;
    switch (m->words[0]) {
    case CHILD_EXIT:
        *status = (int)a;
        return false;
    case CHILD_STRESS:
        reply(CHILD_STRESS, tag, child_stress((uint32_t)a, (uint32_t)b, &err), err_no(err));
        return true;
    case CHILD_SPIN:
        reply(CHILD_SPIN, tag, 0, 0);
        for (;;) {
            spins++;
        }
    case CHILD_TRANSLATE:
        translate(tag, a);
        return true;
    case CHILD_READ:
        reply(CHILD_READ, tag, *(volatile uintptr_t *)a, 0);
        return true;
    case CHILD_WRITE:
        *(volatile uintptr_t *)a = b;
        reply(CHILD_WRITE, tag, 0, 0);
        return true;
    case CHILD_WRITE_BYTE:
        *(volatile uint8_t *)a = (uint8_t)b;
        reply(CHILD_WRITE_BYTE, tag, 0, 0);
        return true;
    case CHILD_PAGER:
        become_pager(tag);
        return true;
    case CHILD_IDENTIFY:
    case CHILD_MAP_NAMED:
        named(tag, (unsigned)m->words[0], (uint32_t)a, (cslot_t)b);
        return true;
    case CHILD_MAP_RECEIVED:
        map_received(tag, (vregion_flags_t)a);
        return true;
    case CHILD_RIGHTS:
        err = cap_identify(received, &id);
        reply(CHILD_RIGHTS, tag, err_no(err), id.rights);
        return true;
    case CHILD_SEND_FRAME:
        send_frame(tag, a, (caprights_t)b);
        return true;
    case CHILD_HANDLED_READ:
        handled_read(tag, a, b);
        return true;
    case CHILD_ATTACK:
        reply(CHILD_ATTACK, tag, child_attack(parent_ep, (uint32_t)a, &first), first);
        return true;
    case CHILD_JAM:
        disp_frame()->lmp_full = 1; /* before the reply: no message of the parent's slips in */
        reply(CHILD_JAM, tag, 0, 0);
        for (;;) {
            disp_frame()->lmp_full = 1;
            sys_yield();
        }
    case CHILD_VSPACE:
        child_vspace(tag, a);
        return true;
    default:
        reply((unsigned)m->words[0], tag, (uintptr_t)-1, 0);
        return true;
    }
}

int child_serve(struct capref parent, int image_check)
{
    parent_ep = parent;
    errval_t err = libcap_init();
    if (err_is_ok(err)) {
        err = pmap_init_self(&self_pmap);
    }
    if (err_is_ok(err)) {
        heap_init(&self_pmap);
        err = fresh_recv_slot();
    }
    reply(CHILD_READY, 0, (uintptr_t)image_check, err_no(err));
    if (err_is_fail(err)) {
        return 100;
    }
    int status = 0;
    struct lmp_msg m;
    for (;;) {
        struct pager_fault f;
        if (pager_recv(&m, &f)) { /* the sibling stays blocked: the parent decides its end */
            reply(CHILD_PAGER_FAULT, pager_tag, f.vaddr, f.badge);
            continue;
        }
        if (m.has_cap) {
            received = recv_slot;
            fresh_recv_slot();
        }
        if (!serve_one(&m, &status)) {
            return status;
        }
    }
}
