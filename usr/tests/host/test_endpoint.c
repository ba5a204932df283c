/* Endpoint SEND and SYSCALL_WAIT on the hosted kernel: refusals, delivery, waiting and grant. */
#include "dispatcher_support.h"
#include <libcap/syscalls.h>
#include <mdb.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test;

/* An L2 CNode at L1 slot BOX of both init's CSpace and the domain's, so that one address names
   the receiver's slot for either; ALIAS is init's L1 slot for a read-only CNode copy. */
#define BOX 255
#define RECV capaddr_make(BOX, 2)
#define BOX_ROOT capaddr_make(BOX, 1) /* the domain's root, for its own CNode invocations */
#define ALIAS 254
#define RO_BOX 253 /* the domain's L1 slot for a read-only copy of BOX */
#define VA ((uint64_t)0x10000000)
#define ROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static capaddr_t ep;    /* init's Endpoint to the domain */
static capaddr_t frame; /* a frame of init's to send */

static capaddr_t new_endpoint(capaddr_t disp)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, disp, 0, ObjType_Endpoint, DISPATCHER_BYTES, 1,
                                     capaddr_l1_slot(capaddr_l1_index(slot)),
                                     capaddr_l2_slot(slot)));
    return slot;
}

/* Each test's start: the endpoint, the box in both CSpaces, the receiver naming RECV. */
static void receiver_make(void)
{
    ep = new_endpoint(d->disp);
    capaddr_t box = new_object(ObjType_L2CNode, L2_CNODE_BYTES);
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, BOX, box));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, d->cspace, BOX, box));
    frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    dom_shared(d)->lmp_recv_slot = RECV;
}

static TCase *endpoint_tcase(Suite *s, const char *name)
{
    TCase *tc = dom_tcase(s, name);
    tcase_add_checked_fixture(tc, receiver_make, NULL);
    return tc;
}

/* SEND with any words: the message is always 11, 22, 33, 44 (length says how much counts). */
static errval_t send_raw(capaddr_t to, uint64_t flags, uintptr_t cap, uintptr_t length)
{
    const uintptr_t args[INVOKE_ARGS] = {flags, cap, length, 11, 22, 33, 44};
    return syscall_invoke(to, CMD_ENDPOINT_SEND, args).error;
}

static genpaddr_t vroot_of(const struct dom *dom)
{
    return dom->piece_base + DOM_AT_VROOT;
}

/* ---- refusals ------------------------------------------------------------------------------- */

/* Where a send starts: the receiver's state, and NO_WRITE: READY, sending through a copy of the
   endpoint minted without the write right. */
enum receiver { NOT_SET_UP, READY, NO_WRITE, FULL, ENDED, ENDED_FULL };
enum recv_slot { NAMED, UNNAMED, TAKEN, NO_L2, BEYOND, READ_ONLY };
enum sent { NO_CAP, FRAME, EMPTY, NULL_CAP, HIGH_BITS, RO_CNODE, MAPPED, MAPPED_RO_CNODE, ROOT };

/* The endpoint to send through. */
static capaddr_t receiver_prepare(enum receiver r)
{
    if (r != NOT_SET_UP) {
        dom_start(d);
    }
    if (r == ENDED || r == ENDED_FULL) {
        sys_yield(); /* the domain runs, and exits */
        sys_exit(5);
    }
    dom_shared(d)->lmp_full = r == FULL || r == ENDED_FULL;
    return r == NO_WRITE ? mint_copy(ep, CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_WRITE) : ep;
}

static dispatcher_word_t recv_slot_prepare(enum recv_slot r)
{
    const dispatcher_word_t names[] = {
        [NAMED] = RECV,
        [UNNAMED] = 0,
        [TAKEN] = RECV,
        [NO_L2] = capaddr_make(7, 0),    /* the domain's L1 slot 7 is empty */
        [BEYOND] = capaddr_make(256, 0), /* its root has 256 slots */
        [READ_ONLY] = capaddr_make(RO_BOX, capaddr_l2_slot(RECV)),
    };
    if (r == READ_ONLY) { /* the receiver may not write into this CNode: nor may a sender */
        ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, d->cspace, RO_BOX, capaddr_l1_slot(BOX),
                                       CAPRIGHTS_READ));
    }
    if (r == TAKEN) {
        ck_assert_ok(
            invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(BOX), capaddr_l2_slot(RECV), frame));
    }
    return names[r];
}

static capaddr_t mapped_frame(void)
{
    capaddr_t f = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    int leaf = fmt.levels - 1;
    ck_assert_ok(
        invoke_vnode_map(table_for(VA, leaf), slot_of(VA, leaf), f, VREGION_FLAGS_READ, 0, 1));
    return f;
}

/* addr named again through a read-only copy of the L2 CNode that holds it. */
static capaddr_t through_read_only_cnode(capaddr_t addr)
{
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, CAPADDR_ROOTCN, ALIAS,
                                   capaddr_l1_slot(capaddr_l1_index(addr)), CAPRIGHTS_READ));
    return capaddr_make(ALIAS, capaddr_l2_slot(addr));
}

static uintptr_t sent_prepare(enum sent s)
{
    switch (s) {
    case FRAME:
        return frame;
    case EMPTY:
        return new_slot();
    case HIGH_BITS:
        return (1ull << 32) | frame;
    case RO_CNODE:
        return through_read_only_cnode(frame);
    case MAPPED:
        return mapped_frame();
    case MAPPED_RO_CNODE:
        return through_read_only_cnode(mapped_frame());
    case ROOT:
        return CAPADDR_ROOTCN;
    default:
        return 0;
    }
}

/* A slot as identify sees it: its error, then type, base, bytes, rights and the type's word. */
typedef uint64_t slot_view[6];

static void view_slot(capaddr_t addr, slot_view v)
{
    struct cap_identity id = {0};
    v[0] = err_no(invoke_cap_identify(addr, &id));
    v[1] = id.type, v[2] = id.base, v[3] = id.bytes, v[4] = id.rights, v[5] = id.type_word;
}

/* What a refusal must leave as it was. */
struct world {
    struct dispatcher_shared shared;
    uintptr_t state;
    size_t caps;
    slot_view slots[2]; /* the sent capability's and the receive slot */
};

static struct world world_now(capaddr_t sent)
{
    struct world w = {.shared = *dom_shared(d), .state = word_of(d->disp), .caps = mdb_count()};
    view_slot(sent, w.slots[0]);
    view_slot(RECV, w.slots[1]);
    return w;
}

struct refusal {
    const char *name;
    enum receiver receiver;
    enum recv_slot slot;
    uint64_t flags;
    enum sent cap;
    uintptr_t length;
    enum err_code want;
};

#define COPY LMP_SEND_CAP_COPY
#define MOVE LMP_SEND_CAP_MOVE

static const struct refusal refusals[] = {
    /* one condition each, in the kernel's order */
    {"without the write right", NO_WRITE, NAMED, 0, NO_CAP, 1, SYS_ERR_ENDPOINT_NOT_WRITABLE},
    {"an unknown flag", READY, NAMED, 0x8, NO_CAP, 1, SYS_ERR_INVALID_ARGS},
    {"copy and move at once", READY, NAMED, COPY | MOVE, FRAME, 1, SYS_ERR_INVALID_ARGS},
    {"five words", READY, NAMED, 0, NO_CAP, 5, SYS_ERR_INVALID_ARGS},
    {"before SETUP", NOT_SET_UP, NAMED, 0, NO_CAP, 1, SYS_ERR_ENDPOINT_NO_DOMAIN},
    {"after the domain exited", ENDED, NAMED, 0, NO_CAP, 1, SYS_ERR_ENDPOINT_DEAD},
    {"a full buffer", FULL, NAMED, 0, NO_CAP, 1, SYS_ERR_ENDPOINT_BUSY},
    {"copying an empty slot", READY, NAMED, COPY, EMPTY, 1, SYS_ERR_CAP_NOT_FOUND},
    {"copying the null address", READY, NAMED, COPY, NULL_CAP, 1, SYS_ERR_CAPADDR_NULL},
    {"bits above 31", READY, NAMED, COPY, HIGH_BITS, 1, SYS_ERR_CAPADDR_RESERVED_BITS},
    {"moved out of a read-only CNode", READY, NAMED, MOVE, RO_CNODE, 1, SYS_ERR_CNODE_NOT_WRITABLE},
    {"moving a mapped copy", READY, NAMED, MOVE, MAPPED, 1, SYS_ERR_ENDPOINT_CAP_MAPPED},
    {"moving the sender's root CNode", READY, NAMED, MOVE, ROOT, 1, SYS_ERR_DELETE_ROOT_CNODE},
    {"no receive slot named", READY, UNNAMED, COPY, FRAME, 1, SYS_ERR_ENDPOINT_NO_RECV_SLOT},
    {"a receive slot that is full", READY, TAKEN, COPY, FRAME, 1, SYS_ERR_ENDPOINT_NO_RECV_SLOT},
    {"receive slot in no L2 CNode", READY, NO_L2, COPY, FRAME, 1, SYS_ERR_ENDPOINT_NO_RECV_SLOT},
    {"receive slot beyond the root", READY, BEYOND, MOVE, FRAME, 1, SYS_ERR_ENDPOINT_NO_RECV_SLOT},
    {"receive slot in a read-only CNode", READY, READ_ONLY, COPY, FRAME, 1,
     SYS_ERR_ENDPOINT_NO_RECV_SLOT},
    /* two conditions: the earlier one is reported */
    {"no write right, five words", NO_WRITE, NAMED, 0, NO_CAP, 5, SYS_ERR_ENDPOINT_NOT_WRITABLE},
    {"five words, before SETUP", NOT_SET_UP, NAMED, 0, NO_CAP, 5, SYS_ERR_INVALID_ARGS},
    {"unknown flag, ended", ENDED, NAMED, 0x10, NO_CAP, 1, SYS_ERR_INVALID_ARGS},
    {"ended, its buffer full", ENDED_FULL, NAMED, 0, NO_CAP, 1, SYS_ERR_ENDPOINT_DEAD},
    {"full buffer, empty sent slot", FULL, NAMED, COPY, EMPTY, 1, SYS_ERR_ENDPOINT_BUSY},
    {"empty sent slot, no receive slot", READY, UNNAMED, COPY, EMPTY, 1, SYS_ERR_CAP_NOT_FOUND},
    {"mapped, via a read-only CNode", READY, NAMED, MOVE, MAPPED_RO_CNODE, 1,
     SYS_ERR_CNODE_NOT_WRITABLE},
    {"mapped, receive slot full", READY, TAKEN, MOVE, MAPPED, 1, SYS_ERR_ENDPOINT_CAP_MAPPED},
    {"root CNode, no receive slot", READY, UNNAMED, MOVE, ROOT, 1, SYS_ERR_DELETE_ROOT_CNODE},
};

/* Each refusal is named and changes nothing: the frame, the state, both slots, the count. */
START_TEST(each_send_refusal_is_named_and_changes_nothing)
{
    const struct refusal *r = &refusals[_i];
    capaddr_t via = receiver_prepare(r->receiver);
    dom_shared(d)->lmp_recv_slot = recv_slot_prepare(r->slot);
    uintptr_t cap = sent_prepare(r->cap);
    struct world before = world_now((capaddr_t)cap);
    errval_t err = send_raw(via, r->flags, cap, r->length);
    ck_assert_msg(err_no(err) == r->want, "%s: expected %s, got %s", r->name, err_getcode(r->want),
                  err_getcode(err));
    struct world after = world_now((capaddr_t)cap);
    ck_assert_msg(memcmp(&before.shared, &after.shared, sizeof(before.shared)) == 0 &&
                      before.state == after.state,
                  "%s: the receiver's frame or state changed", r->name);
    ck_assert_msg(
        before.caps == after.caps && memcmp(before.slots, after.slots, sizeof(before.slots)) == 0,
        "%s: a slot changed, or %zu capabilities became %zu", r->name, before.caps, after.caps);
    assert_kernel_ok();
}
END_TEST

/* ---- delivery ------------------------------------------------------------------------------- */

static void assert_message(uintptr_t length, bool has_cap)
{
    const struct dispatcher_shared *s = dom_shared(d);
    const dispatcher_word_t words[LMP_MSG_WORDS] = {11, 22, 33, 44};
    ck_assert_uint_eq(s->lmp_full, 1);
    ck_assert_uint_eq(s->lmp_length, length);
    ck_assert_uint_eq(s->lmp_has_cap, has_cap);
    for (uintptr_t i = 0; i < LMP_MSG_WORDS; i++) {
        ck_assert_msg(s->lmp_words[i] == (i < length ? words[i] : 0), "word %lu", (unsigned long)i);
    }
}

/* A capability copied or moved arrives in the named slot with the rights it was sent with. */
static const struct {
    const char *name;
    uint64_t flags;
    caprights_t minted; /* 0: init's frame itself */
} cap_rows[] = {
    {"copied", LMP_SEND_CAP_COPY, 0},
    {"copied, minted read-only", LMP_SEND_CAP_COPY, CAPRIGHTS_READ},
    {"moved", LMP_SEND_CAP_MOVE, 0},
    {"moved, minted read-write", LMP_SEND_CAP_MOVE, CAPRIGHTS_READ_WRITE},
};

START_TEST(a_capability_arrives_with_the_rights_it_was_sent_with)
{
    bool move = cap_rows[_i].flags == LMP_SEND_CAP_MOVE;
    capaddr_t sent = cap_rows[_i].minted != 0 ? mint_copy(frame, cap_rows[_i].minted) : frame;
    slot_view was, got;
    view_slot(sent, was);
    dom_start(d);
    size_t caps = mdb_count();
    ck_assert_ok(send_raw(ep, cap_rows[_i].flags, sent, 2));
    assert_message(2, true);
    view_slot(RECV, got);
    ck_assert(memcmp(got, was, sizeof(got)) == 0);
    ck_assert_uint_eq(slot_is_empty(sent), move);
    ck_assert_uint_eq(mdb_count(), move ? caps : caps + 1);
    if (cap_rows[_i].minted != 0) {
        ck_assert_uint_eq(identify(frame).rights, CAPRIGHTS_ALLRIGHTS); /* init keeps its own */
    }
    assert_kernel_ok();
}
END_TEST

/*
 * A message lands in the frame; a second one is refused while the first waits; once taken, the
 * next replaces it, leaving no word and no capability flag of the last; an empty one is one too.
 */
START_TEST(a_message_lands_and_the_next_waits_until_it_is_taken)
{
    dom_start(d);
    ck_assert_ok(send_raw(ep, LMP_SEND_CAP_COPY, frame, LMP_MSG_WORDS));
    assert_message(LMP_MSG_WORDS, true);
    struct dispatcher_shared first = *dom_shared(d);
    ck_assert_err(send_raw(ep, 0, 0, 1), SYS_ERR_ENDPOINT_BUSY);
    ck_assert(memcmp(&first, dom_shared(d), sizeof(first)) == 0);
    dom_shared(d)->lmp_full = 0;
    dom_shared(d)->lmp_recv_slot = 0; /* the receiver keeps what came, and names no new slot */
    ck_assert_ok(send_raw(ep, 0, 0, 1));
    assert_message(1, false);
    ck_assert_uint_eq(identify(RECV).base, identify(frame).base);
    dom_shared(d)->lmp_full = 0;
    ck_assert_ok(send_raw(ep, 0, 0, 0));
    assert_message(0, false);
    assert_kernel_ok();
}
END_TEST

/* ---- waiting -------------------------------------------------------------------------------- */

#define WAITING DISPATCHER_WORD(DISPATCHER_WAITING, 0)
#define RUNNABLE DISPATCHER_WORD(DISPATCHER_RUNNABLE, 0)

/*
 * A domain that waits with an empty buffer is WAITING and off the queue; a message makes it
 * runnable, and it resumes where it waited: at the sender's next yield, or at once with
 * LMP_SEND_YIELD.
 */
START_TEST(a_waiting_domain_runs_again_only_after_a_message)
{
    uint64_t flags = _i == 0 ? 0 : LMP_SEND_YIELD;
    dom_start(d);
    sys_yield(); /* the domain runs */
    struct dispatcher_save_area there = regs_at(0x405000, 0x7c0000, 3);
    *host_machine_user_registers() = there;
    sys_wait(); /* as the domain: init runs */
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_uint_eq(word_of(d->disp), WAITING);
    sys_yield(); /* init alone */
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_uint_eq(dom_shared(d)->dispatches, 1);
    assert_kernel_ok();
    ck_assert_ok(send_raw(ep, flags, 0, 1));
    if (flags == 0) {
        ck_assert_uint_eq(platform_loaded_root(), 0); /* the sender goes on */
        ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
        sys_yield();
    }
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    ck_assert(regs_equal(host_machine_user_registers(), &there));
    ck_assert_uint_eq(dom_shared(d)->dispatches, 2);
    assert_message(1, false);
    assert_kernel_ok();
}
END_TEST

/* WAIT with a message in the buffer returns at once: the domain goes on running. */
START_TEST(wait_with_a_full_buffer_returns_at_once)
{
    dom_start(d);
    ck_assert_ok(send_raw(ep, 0, 0, 1));
    sys_yield(); /* the domain runs */
    sys_wait();
    ck_assert_uint_eq(platform_loaded_root(), vroot_of(d));
    ck_assert_uint_eq(dom_shared(d)->dispatches, 1);
    sys_yield(); /* the domain yields: init */
    ck_assert_uint_eq(platform_loaded_root(), 0);
    ck_assert_uint_eq(word_of(d->disp), RUNNABLE);
}
END_TEST

/* Who runs after init sends to the second of two runnable domains: LMP_SEND_YIELD puts the
   receiver first, and the rest take their turns as before. */
enum turn { INIT, FIRST, SECOND };
static const struct {
    uint64_t flags;
    enum turn turns[4]; /* right after the send, then after each yield */
} yield_rows[] = {
    {0, {INIT, FIRST, SECOND, INIT}},
    {LMP_SEND_YIELD, {SECOND, FIRST, INIT, SECOND}},
};

START_TEST(send_yield_gives_the_receiver_the_next_turn)
{
    struct dom second;
    dom_make(&second, "second");
    capaddr_t to_second = new_endpoint(second.disp);
    dom_start(d);
    dom_start(&second);
    const genpaddr_t roots[] = {[INIT] = 0, [FIRST] = vroot_of(d), [SECOND] = vroot_of(&second)};
    ck_assert_ok(send_raw(to_second, yield_rows[_i].flags, 0, 1));
    for (size_t i = 0; i < 4; i++) {
        if (i > 0) {
            sys_yield();
        }
        ck_assert_msg(platform_loaded_root() == roots[yield_rows[_i].turns[i]], "turn %zu", i);
    }
    ck_assert_uint_eq(dom_shared(&second)->lmp_full, 1);
}
END_TEST

/*
 * LMP_SEND_YIELD gives the turn only to a receiver waiting in the queue: to one set up but not
 * run, or to the sender itself, the message lands and the sender runs on.
 */
enum donee { NOT_RUN, ITSELF };

START_TEST(send_yield_to_a_domain_not_queued_or_to_itself_keeps_the_turn)
{
    capaddr_t to = ep;
    if (_i == NOT_RUN) {
        ck_assert_ok(dom_setup(d));
    } else {
        to = capaddr_make(BOX, 3); /* ep again, named alike in both CSpaces */
        ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(BOX), 3, ep));
        dom_start(d);
        sys_yield(); /* the domain runs: it sends to itself */
    }
    genpaddr_t sender_root = platform_loaded_root();
    struct dispatcher_save_area sender = *host_machine_user_registers();
    ck_assert_ok(send_raw(to, LMP_SEND_YIELD, 0, 1));
    ck_assert_uint_eq(platform_loaded_root(), sender_root);
    ck_assert(regs_equal(host_machine_user_registers(), &sender));
    ck_assert_uint_eq(dom_shared(d)->dispatches, _i == NOT_RUN ? 0 : 1);
    if (_i == ITSELF) {
        sys_yield(); /* the domain yields: init, which can name the dispatcher */
    }
    ck_assert_uint_eq(word_of(d->disp),
                      DISPATCHER_WORD(_i == NOT_RUN ? DISPATCHER_STOPPED : DISPATCHER_RUNNABLE, 0));
    assert_message(1, false);
    assert_kernel_ok();
}
END_TEST

/* ---- grant ---------------------------------------------------------------------------------- */

/* Sent without grant, a capability can be deleted by its receiver but not revoked (which
   would delete the sender's copies); with grant, the receiver's revoke takes them. */
static const struct {
    caprights_t rights;
    enum err_code revoke;
} grant_rows[] = {
    {CAPRIGHTS_READ_WRITE | CAPRIGHTS_EXECUTE, SYS_ERR_REVOKE_NEEDS_GRANT},
    {CAPRIGHTS_ALLRIGHTS, SYS_ERR_OK},
};

START_TEST(without_grant_the_receiver_can_delete_but_not_revoke)
{
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(BOX), capaddr_l2_slot(BOX_ROOT),
                                   d->cspace));
    capaddr_t sent = mint_copy(frame, grant_rows[_i].rights);
    dom_start(d);
    ck_assert_ok(send_raw(ep, LMP_SEND_CAP_COPY, sent, 0));
    sys_yield(); /* the receiver runs */
    ck_assert_uint_eq(identify(RECV).rights, grant_rows[_i].rights);
    ck_assert_err(invoke_cnode_revoke(BOX_ROOT, RECV), grant_rows[_i].revoke);
    ck_assert_ok(invoke_cnode_delete(BOX_ROOT, RECV));
    ck_assert(slot_is_empty(RECV));
    assert_kernel_ok();
    sys_yield(); /* init */
    bool taken = grant_rows[_i].revoke == SYS_ERR_OK;
    ck_assert_uint_eq(slot_is_empty(sent), taken);
    ck_assert_uint_eq(slot_is_empty(frame), taken);
    assert_kernel_ok();
}
END_TEST

Suite *endpoint_suite(void)
{
    Suite *s = suite_create("endpoint");
    TCase *tc = endpoint_tcase(s, "refusals");
    tcase_add_loop_test(tc, each_send_refusal_is_named_and_changes_nothing, 0, ROWS(refusals));
    tc = endpoint_tcase(s, "delivery");
    tcase_add_loop_test(tc, a_capability_arrives_with_the_rights_it_was_sent_with, 0,
                        ROWS(cap_rows));
    tcase_add_test(tc, a_message_lands_and_the_next_waits_until_it_is_taken);
    tc = endpoint_tcase(s, "wait");
    tcase_add_loop_test(tc, a_waiting_domain_runs_again_only_after_a_message, 0, 2);
    tcase_add_test(tc, wait_with_a_full_buffer_returns_at_once);
    tcase_add_loop_test(tc, send_yield_gives_the_receiver_the_next_turn, 0, ROWS(yield_rows));
    tcase_add_loop_test(tc, send_yield_to_a_domain_not_queued_or_to_itself_keeps_the_turn, NOT_RUN,
                        ITSELF + 1);
    tc = endpoint_tcase(s, "grant");
    tcase_add_loop_test(tc, without_grant_the_receiver_can_delete_but_not_revoke, 0,
                        ROWS(grant_rows));
    return s;
}
