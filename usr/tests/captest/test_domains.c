/* Dispatchers booted: a second domain in init's own CSpace and address space ("a twin"), run,
 * preempted, stopped, ended; its refusals and its states. */
#include "captest.h"
#include <domain_layout.h>
#include <init_cspace.h>
#include <lmp.h>
#include <stdlib.h>

#define TWIN_STACK_BYTES (16 * 1024)
#define YIELDS_MAX 100000
#define SPIN_MAX 400000000u /* busy-wait bound: far beyond a few timer ticks under TCG */

/* A twin: its dispatcher, its frame (mapped at frame_va in init) and its stack. */
struct twin {
    struct capref disp, frame;
    genvaddr_t frame_va;
    void *stack;
};

static volatile uint64_t twin_counter;
static volatile uint64_t twin_result;

static struct capref root_cnode(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
}

/* Everything of a twin but the setup: dispatcher, frame mapped read-write, stack. */
static const char *twin_make(struct twin *t, const char *name)
{
    FAIL_IF_ERR(dispatcher_create(&t->disp));
    FAIL_IF_ERR(frame_alloc(&t->frame, DISPATCHER_FRAME_BYTES, NULL));
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, DISPATCHER_FRAME_BYTES, 4096, &t->frame_va));
    FAIL_IF_ERR(pmap_map(&self_pmap, t->frame_va, t->frame, 0, DISPATCHER_FRAME_BYTES,
                         VREGION_FLAGS_READ_WRITE));
    struct dispatcher_shared *s = (struct dispatcher_shared *)(uintptr_t)t->frame_va;
    for (size_t i = 0; i + 1 < sizeof(s->name) && name[i] != '\0'; i++) {
        s->name[i] = name[i];
    }
    t->stack = malloc(TWIN_STACK_BYTES);
    FAIL_IF(t->stack == NULL);
    return NULL;
}

static const char *twin_setup(struct twin *t, void (*entry)(struct dispatcher_shared *))
{
    uintptr_t top = ((uintptr_t)t->stack + TWIN_STACK_BYTES) & ~(uintptr_t)15;
    FAIL_IF_ERR(dispatcher_setup(t->disp, root_cnode(), self_root, t->frame, t->frame_va,
                                 (uintptr_t)entry, top));
    return NULL;
}

static const char *twin_start(struct twin *t, const char *name,
                              void (*entry)(struct dispatcher_shared *))
{
    twin_counter = 0;
    RUN(twin_make(t, name));
    RUN(twin_setup(t, entry));
    FAIL_IF_ERR(dispatcher_run(t->disp));
    return NULL;
}

static const char *twin_free(struct twin *t)
{
    FAIL_IF_ERR(dispatcher_destroy(t->disp));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, t->frame_va, DISPATCHER_FRAME_BYTES));
    FAIL_IF_ERR(frame_free(t->frame));
    free(t->stack);
    return NULL;
}

static enum dispatcher_state cap_state(struct capref disp, uint64_t *status)
{
    enum dispatcher_state state = DISPATCHER_NEW;
    uint64_t ignored;
    if (err_is_fail(dispatcher_state(disp, &state, status != NULL ? status : &ignored))) {
        return (enum dispatcher_state)0xff;
    }
    return state;
}

static enum dispatcher_state state_of(struct twin *t, uint64_t *status)
{
    return cap_state(t->disp, status);
}

/* Yields until the twin has ended (or the bound runs out). */
static bool yield_until_ended(struct twin *t)
{
    for (int i = 0; i < YIELDS_MAX; i++) {
        if (state_of(t, NULL) >= DISPATCHER_EXITED) {
            return true;
        }
        sys_yield();
    }
    return false;
}

/* ---- what the twins run: no library state of init's is touched (printf, malloc) ---------- */

static void twin_count_and_exit(struct dispatcher_shared *frame)
{
    (void)frame;
    for (int i = 0; i < 1000; i++) {
        twin_counter++;
        sys_yield();
    }
    sys_exit(7);
}

static void twin_spin(struct dispatcher_shared *frame)
{
    (void)frame;
    for (;;) {
        twin_counter++;
    }
}

static volatile uint32_t *volatile nowhere = (volatile uint32_t *)(uintptr_t)8; /* never mapped */

static void twin_fault(struct dispatcher_shared *frame)
{
    (void)frame;
    twin_counter = 1;
    *nowhere = 1;
}

/* Eight values kept in registers through a long loop: preemption must not change any. */
static uint64_t register_mix(uint32_t rounds)
{
    uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    for (uint32_t i = 0; i < rounds; i++) {
        a += b ^ i;
        b += c * 3;
        c ^= d + i;
        d += e >> 1;
        e ^= f + 7;
        f += g ^ a;
        g += h * 5;
        h ^= a + b;
    }
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

static volatile uint32_t mix_rounds = 10000000;

/* 64-bit divisions: on ARMv7 libgcc's routines, in Thumb code, where preemption lands often. */
static uint64_t divide_mix(uint32_t rounds)
{
    uint64_t acc = 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 1; i <= rounds; i++) {
        uint64_t d = ((uint64_t)i << 21) | 7;
        acc += (acc ^ ((uint64_t)i * 0x100000001b3ull)) / d + acc % (d | 1);
    }
    return acc;
}

static volatile uint32_t divide_rounds = 1000; /* volatile: no division folded away */
#define DIVIDE_DISPATCHES                                                                          \
    50 /* each after the first resumes the twin where the timer stopped it                         \
        */
static volatile uint64_t divide_want;
static volatile uint32_t divide_stop, divide_wrong, divide_runs;

/* Divides until told to stop, counting results that differ from init's. */
static void twin_divide(struct dispatcher_shared *frame)
{
    (void)frame;
    while (!divide_stop) {
        divide_wrong += divide_mix(divide_rounds) != divide_want;
        divide_runs++;
    }
    sys_exit(0);
}

static void twin_mix(struct dispatcher_shared *frame)
{
    (void)frame;
    twin_result = register_mix(mix_rounds);
    twin_counter = 1;
    sys_exit(0);
}

/* The echo twin: answers each message through echo_reply with its first word plus one, the
   length, whether a capability came and that capability's rights; a first word 0 ends it. */
static struct capref echo_reply, echo_slot;

static void twin_echo(struct dispatcher_shared *frame)
{
    struct lmp_msg m;
    for (;;) {
        lmp_recv_on(frame, &m);
        if (m.words[0] == 0) {
            sys_exit(5);
        }
        struct cap_identity id = {.rights = 0};
        if (m.has_cap && err_is_fail(cap_identify(echo_slot, &id))) {
            id.rights = 0xff;
        }
        uintptr_t w[LMP_MSG_WORDS] = {m.words[0] + 1, m.length, m.has_cap, id.rights};
        lmp_send(echo_reply, 0, NULL_CAP, w, LMP_MSG_WORDS);
    }
}

/* ---- the tests --------------------------------------------------------------------------- */

/*
 * One twin lives and goes before a test counts: the heap and the pmap keep what the first twin
 * made them grow (its stack comes from malloc), so a test run alone (TESTS=) counts as in order.
 */
static const char *twin_warm_up(void)
{
    struct twin t;
    RUN(twin_start(&t, "warm-up", twin_count_and_exit));
    FAIL_IF(!yield_until_ended(&t));
    RUN(twin_free(&t));
    return NULL;
}

static const char *a_second_domain_runs_yields_and_exits(void)
{
    RUN(twin_warm_up());
    gensize_t ram = ram_free_bytes();
    size_t slots = slot_alloc_used();
    struct twin t;
    RUN(twin_start(&t, "counter", twin_count_and_exit));
    FAIL_IF(!yield_until_ended(&t));
    uint64_t status;
    FAIL_IF(state_of(&t, &status) != DISPATCHER_EXITED || status != 7);
    FAIL_IF(twin_counter != 1000);
    const struct dispatcher_shared *s = (const void *)(uintptr_t)t.frame_va;
    FAIL_IF(s->dispatches < 1000); /* each yield dispatched it anew */
    RUN(twin_free(&t));
    FAIL_IF(ram_free_bytes() != ram || slot_alloc_used() != slots);
    return NULL;
}

/* Waits (without yielding) until the counter moves past want: only preemption lets it. */
static bool counter_passes_while_spinning(uint64_t want)
{
    for (uint32_t i = 0; i < SPIN_MAX; i++) {
        if (twin_counter > want) {
            return true;
        }
    }
    return false;
}

static const char *a_domain_that_never_yields_is_preempted_and_stopped(void)
{
    struct twin t;
    RUN(twin_start(&t, "spinner", twin_spin));
    FAIL_IF(!counter_passes_while_spinning(1000)); /* the timer took init off the CPU */
    FAIL_IF(state_of(&t, NULL) != DISPATCHER_RUNNABLE);
    FAIL_IF_ERR(dispatcher_stop(t.disp));
    FAIL_IF(state_of(&t, NULL) != DISPATCHER_STOPPED);
    uint64_t stopped_at = twin_counter;
    for (int i = 0; i < 100; i++) {
        sys_yield();
    }
    FAIL_IF(twin_counter != stopped_at);
    FAIL_IF_ERR(dispatcher_run(t.disp));
    FAIL_IF(!counter_passes_while_spinning(stopped_at + 1000));
    RUN(twin_free(&t)); /* deleting the dispatcher ends the domain */
    uint64_t ended_at = twin_counter;
    for (int i = 0; i < 100; i++) {
        sys_yield();
    }
    FAIL_IF(twin_counter != ended_at);
    return NULL;
}

/* A context preempted in Thumb code resumes in Thumb (ARMv7; elsewhere the same test of
   library code). init divides without yielding until the twin has been dispatched 50 times,
   so every dispatch after the first resumed it where the timer stopped it. */
static const char *library_code_survives_preemption(void)
{
    divide_want = divide_mix(divide_rounds);
    divide_stop = divide_wrong = divide_runs = 0;
    struct twin t;
    RUN(twin_start(&t, "divider", twin_divide));
    const volatile struct dispatcher_shared *s = (const void *)(uintptr_t)t.frame_va;
    uint32_t mine_wrong = 0;
    for (uint32_t i = 0; i < SPIN_MAX && s->dispatches < DIVIDE_DISPATCHES; i++) {
        mine_wrong += divide_mix(divide_rounds) != divide_want;
    }
    divide_stop = 1;
    FAIL_IF(!yield_until_ended(&t));
    uint64_t status;
    FAIL_IF(state_of(&t, &status) != DISPATCHER_EXITED || status != 0);
    FAIL_IF(s->dispatches < DIVIDE_DISPATCHES || divide_runs == 0);
    FAIL_IF(mine_wrong != 0 || divide_wrong != 0);
    RUN(twin_free(&t));
    return NULL;
}

static const char *registers_survive_preemption(void)
{
    uint64_t want = register_mix(mix_rounds); /* init alone: about as long as the twin's run */
    struct twin t;
    twin_result = 0;
    RUN(twin_start(&t, "mixer", twin_mix));
    uint64_t mine = register_mix(mix_rounds); /* both preempted by turns */
    FAIL_IF(!yield_until_ended(&t));
    FAIL_IF(mine != want);
    FAIL_IF(twin_result != want);
    const struct dispatcher_shared *s = (const void *)(uintptr_t)t.frame_va;
    FAIL_IF(s->dispatches < 2); /* it was preempted on the way, not run in one go */
    RUN(twin_free(&t));
    return NULL;
}

static const char *a_fault_ends_only_the_faulting_domain(void)
{
    struct twin t;
    RUN(twin_start(&t, "faulter", twin_fault));
    FAIL_IF(!yield_until_ended(&t));
    uint64_t status;
    FAIL_IF(state_of(&t, &status) != DISPATCHER_FAULTED || status != 0xff);
    FAIL_IF(twin_counter != 1);
    RUN(twin_free(&t));
    return NULL;
}

/* Every refusal of the dispatcher invocations, with nothing changed by any of them. */
static const char *dispatcher_refusals_are_named(void)
{
    struct twin t;
    RUN(twin_make(&t, "refused"));
    uintptr_t top = ((uintptr_t)t.stack + TWIN_STACK_BYTES) & ~(uintptr_t)15;
    FAIL_IF(state_of(&t, NULL) != DISPATCHER_NEW);
    EXPECT_ERR(err_pop(dispatcher_run(t.disp)), SYS_ERR_DISPATCHER_NOT_SET_UP);
    EXPECT_ERR(err_pop(dispatcher_stop(t.disp)), SYS_ERR_DISPATCHER_NOT_SET_UP);
    /* wrong types: the frame as the CSpace, the CSpace as the root table, the root as frame */
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, t.frame, self_root, t.frame, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_CSPACE_TYPE);
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), root_cnode(), t.frame, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_VROOT_TYPE);
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), self_root, self_root, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_FRAME_INVALID);
    /* a read-only copy of the frame: the kernel would write through it for the caller */
    struct capref ro;
    FAIL_IF_ERR(slot_alloc(&ro));
    FAIL_IF_ERR(cap_mint(ro, t.frame, CAPRIGHTS_READ));
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), self_root, ro, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_FRAME_INVALID);
    FAIL_IF_ERR(cap_destroy(ro));
    /* addresses: an unaligned frame address, a kernel-half entry */
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), self_root, t.frame, t.frame_va + 8,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_ADDRESS);
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), self_root, t.frame, t.frame_va,
                                        pmap_arch_layout()->user_end, top)),
               SYS_ERR_DISPATCHER_ADDRESS);
    FAIL_IF(state_of(&t, NULL) != DISPATCHER_NEW);
    /* without the write right */
    struct capref weak;
    FAIL_IF_ERR(slot_alloc(&weak));
    FAIL_IF_ERR(cap_mint(weak, t.disp, CAPRIGHTS_READ));
    EXPECT_ERR(err_pop(dispatcher_setup(weak, root_cnode(), self_root, t.frame, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_NOT_WRITABLE);
    EXPECT_ERR(err_pop(dispatcher_run(weak)), SYS_ERR_DISPATCHER_NOT_WRITABLE);
    /* set up once, stopped; then the second setup and a second stop are refused */
    RUN(twin_setup(&t, twin_spin));
    FAIL_IF(state_of(&t, NULL) != DISPATCHER_STOPPED);
    EXPECT_ERR(err_pop(dispatcher_setup(t.disp, root_cnode(), self_root, t.frame, t.frame_va,
                                        (uintptr_t)twin_spin, top)),
               SYS_ERR_DISPATCHER_SET_UP);
    EXPECT_ERR(err_pop(dispatcher_stop(t.disp)), SYS_ERR_DISPATCHER_STOPPED);
    FAIL_IF_ERR(dispatcher_run(t.disp));
    EXPECT_ERR(err_pop(dispatcher_run(t.disp)), SYS_ERR_DISPATCHER_RUNNABLE);
    FAIL_IF(cap_state(weak, NULL) != DISPATCHER_RUNNABLE); /* identify needs no right */
    FAIL_IF_ERR(cap_destroy(weak));
    RUN(twin_free(&t));
    return NULL;
}

static struct capref own_dispatcher(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN),
                           .slot = TASKCN_SLOT_DISPATCHER};
}

/* An echo twin and the endpoints both ways; twin_ep leads to the twin. */
static const char *echo_start(struct twin *t, struct capref *twin_ep)
{
    FAIL_IF_ERR(slot_alloc(&echo_slot));
    RUN(twin_make(t, "echo"));
    ((struct dispatcher_shared *)(uintptr_t)t->frame_va)->lmp_recv_slot = get_cap_addr(echo_slot);
    RUN(twin_setup(t, twin_echo));
    FAIL_IF_ERR(endpoint_create(t->disp, twin_ep));
    FAIL_IF_ERR(dispatcher_run(t->disp));
    return NULL;
}

static const char *echo_stop(struct twin *t, struct capref twin_ep)
{
    uintptr_t bye[1] = {0};
    FAIL_IF_ERR(lmp_send(twin_ep, 0, NULL_CAP, bye, 1));
    FAIL_IF(!yield_until_ended(t));
    uint64_t status;
    FAIL_IF(state_of(t, &status) != DISPATCHER_EXITED || status != 5);
    EXPECT_ERR(lmp_send(twin_ep, 0, NULL_CAP, bye, 1), SYS_ERR_ENDPOINT_DEAD);
    FAIL_IF_ERR(cap_destroy(twin_ep));
    RUN(twin_free(t));
    FAIL_IF_ERR(slot_free(echo_slot));
    return NULL;
}

static const char *messages_go_both_ways(void)
{
    RUN(twin_warm_up());
    gensize_t ram = ram_free_bytes();
    size_t slots = slot_alloc_used();
    FAIL_IF_ERR(endpoint_create(own_dispatcher(), &echo_reply));
    struct twin t;
    struct capref twin_ep;
    RUN(echo_start(&t, &twin_ep));
    for (uintptr_t i = 1; i <= 200; i++) {
        uintptr_t w[2] = {i * 7, i};
        FAIL_IF_ERR(lmp_send(twin_ep, i % 2 ? LMP_SEND_YIELD : 0, NULL_CAP, w, 2));
        struct lmp_msg m;
        lmp_recv(&m);
        FAIL_IF(m.length != LMP_MSG_WORDS || m.words[0] != i * 7 + 1 || m.words[1] != 2 ||
                m.has_cap);
        if (i == 100) {
            FAIL_IF(state_of(&t, NULL) != DISPATCHER_WAITING); /* it waits for the next */
        }
    }
    RUN(echo_stop(&t, twin_ep));
    FAIL_IF_ERR(cap_destroy(echo_reply));
    FAIL_IF(ram_free_bytes() != ram || slot_alloc_used() != slots);
    return NULL;
}

static const char *capabilities_travel_with_the_rights_minted(void)
{
    FAIL_IF_ERR(endpoint_create(own_dispatcher(), &echo_reply));
    struct twin t;
    struct capref twin_ep, frame, ro;
    RUN(echo_start(&t, &twin_ep));
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(slot_alloc(&ro));
    FAIL_IF_ERR(cap_mint(ro, frame, CAPRIGHTS_READ));
    uintptr_t w[1] = {40};
    struct lmp_msg m;
    /* a copy: it arrives read-only in the slot the twin named; the sender keeps its own */
    FAIL_IF_ERR(lmp_send(twin_ep, LMP_SEND_CAP_COPY, ro, w, 1));
    lmp_recv(&m);
    FAIL_IF(m.words[0] != 41 || m.words[2] != 1 || m.words[3] != CAPRIGHTS_READ);
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(ro, &id));
    FAIL_IF_ERR(cap_destroy(echo_slot));
    FAIL_IF_ERR(slot_alloc(&echo_slot)); /* the same slot, empty again */
    /* a move: the sender's slot is empty afterwards, the rights are kept */
    FAIL_IF_ERR(lmp_send(twin_ep, LMP_SEND_CAP_MOVE, ro, w, 1));
    lmp_recv(&m);
    FAIL_IF(m.words[2] != 1 || m.words[3] != CAPRIGHTS_READ);
    EXPECT_ERR(err_pop(cap_identify(ro, &id)), SYS_ERR_CAP_NOT_FOUND);
    /* the slot the twin named is full now: nothing more can come with a capability */
    EXPECT_ERR(lmp_send(twin_ep, LMP_SEND_CAP_COPY, frame, w, 1), SYS_ERR_ENDPOINT_NO_RECV_SLOT);
    FAIL_IF_ERR(cap_destroy(echo_slot));
    FAIL_IF_ERR(slot_alloc(&echo_slot));
    FAIL_IF_ERR(slot_free(ro));
    RUN(echo_stop(&t, twin_ep));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(cap_destroy(echo_reply));
    return NULL;
}

/* Every refusal of SEND, in the kernel's order, and nothing delivered by any of them. */
static const char *endpoint_refusals_are_named(void)
{
    struct twin t;
    RUN(twin_make(&t, "deaf"));
    struct capref ep, weak, frame;
    FAIL_IF_ERR(endpoint_create(t.disp, &ep));
    uintptr_t w[LMP_MSG_WORDS + 1] = {1, 2, 3, 4, 5};
    EXPECT_ERR(endpoint_send(ep, 0, NULL_CAP, w, 1), SYS_ERR_ENDPOINT_NO_DOMAIN);
    RUN(twin_setup(&t, twin_spin)); /* set up, stopped: it can receive, never takes */
    FAIL_IF_ERR(slot_alloc(&weak));
    FAIL_IF_ERR(cap_mint(weak, ep, CAPRIGHTS_READ));
    EXPECT_ERR(endpoint_send(weak, 0, NULL_CAP, w, 1), SYS_ERR_ENDPOINT_NOT_WRITABLE);
    EXPECT_ERR(endpoint_send(ep, 0x80, NULL_CAP, w, 1), SYS_ERR_INVALID_ARGS);
    EXPECT_ERR(endpoint_send(ep, LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE, weak, w, 1),
               SYS_ERR_INVALID_ARGS);
    EXPECT_ERR(invoke_endpoint_send(get_cap_addr(ep), 0, 0, LMP_MSG_WORDS + 1, w),
               SYS_ERR_INVALID_ARGS);
    EXPECT_ERR(endpoint_send(ep, LMP_SEND_CAP_COPY, weak, w, 1), SYS_ERR_ENDPOINT_NO_RECV_SLOT);
    /* a frame mapped into a leaf table of its own (not in the address space): it holds a mapping */
    const struct pmap_layout *l = pmap_arch_layout();
    struct capref leaf;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(vnode_create(&leaf, l->table_type[l->levels - 1]));
    FAIL_IF_ERR(vnode_map(leaf, 0, frame, VREGION_FLAGS_READ, 0, 1));
    EXPECT_ERR(endpoint_send(ep, LMP_SEND_CAP_MOVE, frame, w, 1), SYS_ERR_ENDPOINT_CAP_MAPPED);
    const volatile struct dispatcher_shared *s = (const void *)(uintptr_t)t.frame_va;
    FAIL_IF(s->lmp_full != 0);
    FAIL_IF_ERR(endpoint_send(ep, 0, NULL_CAP, w, 3));
    FAIL_IF(s->lmp_full != 1 || s->lmp_length != 3 || s->lmp_words[2] != 3);
    EXPECT_ERR(endpoint_send(ep, 0, NULL_CAP, w, 1), SYS_ERR_ENDPOINT_BUSY);
    FAIL_IF(s->lmp_words[0] != 1 || s->lmp_length != 3); /* the first message is intact */
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(leaf));
    FAIL_IF_ERR(cap_destroy(weak));
    FAIL_IF_ERR(cap_destroy(ep));
    RUN(twin_free(&t));
    return NULL;
}

const struct booted_test captest_domains[] = {
    {"CT701", "a second domain runs, yields, exits; everything comes back",
     a_second_domain_runs_yields_and_exits},
    {"CT702", "a domain that never yields is preempted, stopped, run again and ended",
     a_domain_that_never_yields_is_preempted_and_stopped},
    {"CT703", "registers survive preemption in both domains", registers_survive_preemption},
    {"CT704", "a fault ends only the faulting domain, reported with its name",
     a_fault_ends_only_the_faulting_domain},
    {"CT705", "dispatcher refusals are named and change nothing", dispatcher_refusals_are_named},
    {"CT706", "messages go both ways between two domains, the receiver waiting off the queue",
     messages_go_both_ways},
    {"CT707", "capabilities travel copied or moved, with the rights minted, into the named slot",
     capabilities_travel_with_the_rights_minted},
    {"CT708", "endpoint refusals are named and deliver nothing", endpoint_refusals_are_named},
    {"CT709", "library code (ARMv7: Thumb) survives preemption in both domains",
     library_code_survives_preemption},
    {NULL, NULL, NULL},
};
