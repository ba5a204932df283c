/* libcap's dispatcher and endpoint wrappers as a domain sees them: results, refusals, no leaks. */
#include "libcap_support.h"
#include "paging_support.h"
#include <libcap/libcap.h>
#include <libcap/syscalls.h>
#include <mdb.h>
#include <stdlib.h>

#define PAGE BASE_PAGE_BYTES
#define TWIN_FRAME_VADDR 0x600000
#define TWIN_ENTRY 0x401000
#define TWIN_STACK_TOP 0x7f0000

/* What a leak would show in: slots, free RAM, live capabilities. */
struct counts {
    size_t slots;
    gensize_t free_bytes;
    size_t caps;
};

static struct counts counts_now(void)
{
    return (struct counts){slot_alloc_used(), ram_free_bytes(), mdb_count()};
}

static void assert_counts(struct counts want, int line)
{
    struct counts now = counts_now();
    ck_assert_msg(now.slots == want.slots, "line %d: %zu slots used, expected %zu", line, now.slots,
                  want.slots);
    ck_assert_msg(now.free_bytes == want.free_bytes, "line %d: %llu bytes free, expected %llu",
                  line, (unsigned long long)now.free_bytes, (unsigned long long)want.free_bytes);
    ck_assert_msg(now.caps == want.caps, "line %d: %zu live caps, expected %zu", line, now.caps,
                  want.caps);
}

#define ck_assert_counts(want) assert_counts((want), __LINE__)

/*
 * A second domain made with libcap alone: init's CSpace (so that one address names a slot for
 * both), a root table of its own, and a dispatcher frame the test reads as the kernel writes it.
 */
struct twin {
    struct capref disp, vroot, frame;
    struct dispatcher_shared *shared;
};

static void twin_make(struct twin *t)
{
    paging_learn_format();
    ck_assert_ok(dispatcher_create(&t->disp));
    ck_assert_ok(vnode_create(&t->vroot, fmt.table[0]));
    ck_assert_ok(frame_alloc(&t->frame, PAGE, NULL));
    t->shared = host_machine_phys_ptr(capref_identity(t->frame).base);
}

static errval_t twin_setup(const struct twin *t)
{
    struct capref rootcn = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
    return dispatcher_setup(t->disp, rootcn, t->vroot, t->frame, TWIN_FRAME_VADDR, TWIN_ENTRY,
                            TWIN_STACK_TOP);
}

/* Ends the domain and frees all three (the kernel gives its copies back at the end). */
static void twin_free(const struct twin *t)
{
    ck_assert_ok(dispatcher_destroy(t->disp));
    ck_assert_ok(vnode_destroy(t->vroot));
    ck_assert_ok(frame_free(t->frame));
}

static void assert_state(struct capref disp, enum dispatcher_state want, uint64_t want_status)
{
    enum dispatcher_state state;
    uint64_t status;
    ck_assert_ok(dispatcher_state(disp, &state, &status));
    ck_assert_int_eq(state, want);
    ck_assert_uint_eq(status, want_status);
}

static void libcap_boot(void)
{
    fixture_boot();
    ck_assert_ok(libcap_init());
}

/* ---- dispatcher_create -------------------------------------------------------------------- */

/* With no RAM left, or no slot, dispatcher_create says so under its own code and takes nothing;
   it works again once there is. */
START_TEST(dispatcher_create_without_ram_or_slots_leaves_nothing)
{
    struct ram_piece all;
    ck_assert_ok(ram_reserve(ram_free_bytes(), PAGE, &all));
    struct counts before = counts_now();
    struct capref disp;
    ck_assert_chain(dispatcher_create(&disp), LIB_ERR_DISPATCHER_CREATE,
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_counts(before);
    ck_assert_ok(ram_release(all.base, all.bytes));

    slot_alloc_limit_l1(ROOTCN_SLOTS_USER); /* no CNode more */
    struct capref held[L2_CNODE_SLOTS];
    size_t n = 0;
    while (n < L2_CNODE_SLOTS && err_is_ok(slot_alloc(&held[n]))) {
        n++;
    }
    before = counts_now();
    ck_assert_chain(dispatcher_create(&disp), LIB_ERR_DISPATCHER_CREATE, LIB_ERR_SLOT_ALLOC,
                    LIB_ERR_SLOT_ALLOC_NO_SPACE);
    ck_assert_counts(before);
    ck_assert_ok(slot_free(held[0]));
    ck_assert_ok(dispatcher_create(&disp));
    assert_state(disp, DISPATCHER_NEW, 0);
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
}
END_TEST

/*
 * RAM that another party retyped behind libcap's back: the kernel refuses the retype, and
 * dispatcher_create gives the slot and the reservation back.
 */
START_TEST(a_refused_retype_gives_the_slot_and_the_ram_back)
{
    struct capref stray;
    ck_assert_ok(slot_alloc(&stray));
    struct ram_piece next;
    ck_assert_ok(ram_reserve(PAGE, PAGE, &next)); /* where the next page comes from */
    ck_assert_ok(ram_release(next.base, next.bytes));
    ck_assert_ok(cap_retype(stray, next.src, next.offset, ObjType_Frame, PAGE, 1));
    struct counts before = counts_now();
    struct capref disp;
    ck_assert_chain(dispatcher_create(&disp), LIB_ERR_DISPATCHER_CREATE, LIB_ERR_CAP_RETYPE,
                    SYS_ERR_RETYPE_OVERLAP);
    ck_assert_counts(before);
    ck_assert_ok(cap_delete(stray));
    ck_assert_ok(dispatcher_create(&disp));
    ck_assert_uint_eq(capref_identity(disp).base, next.base);
}
END_TEST

/* ---- run, stop, state --------------------------------------------------------------------- */

/* A domain through its states with libcap's wrappers; each refusal under the wrapper's code. */
START_TEST(run_and_stop_move_a_domain_in_and_out_of_the_queue)
{
    struct counts start = counts_now();
    struct twin t;
    twin_make(&t);
    assert_state(t.disp, DISPATCHER_NEW, 0);
    ck_assert_chain(dispatcher_stop(t.disp), LIB_ERR_DISPATCHER_STOP,
                    SYS_ERR_DISPATCHER_NOT_SET_UP);
    ck_assert_chain(dispatcher_run(t.disp), LIB_ERR_DISPATCHER_RUN, SYS_ERR_DISPATCHER_NOT_SET_UP);
    ck_assert_ok(twin_setup(&t));
    assert_state(t.disp, DISPATCHER_STOPPED, 0);
    ck_assert_chain(dispatcher_stop(t.disp), LIB_ERR_DISPATCHER_STOP, SYS_ERR_DISPATCHER_STOPPED);
    ck_assert_ok(dispatcher_run(t.disp));
    assert_state(t.disp, DISPATCHER_RUNNABLE, 0);
    ck_assert_ok(dispatcher_stop(t.disp));
    assert_state(t.disp, DISPATCHER_STOPPED, 0);
    sys_yield(); /* init alone: the stopped domain is passed over */
    ck_assert_uint_eq(t.shared->dispatches, 0);
    ck_assert_ok(dispatcher_run(t.disp));
    sys_yield(); /* now it runs */
    ck_assert_uint_eq(t.shared->dispatches, 1);
    sys_yield(); /* it yields: init */
    twin_free(&t);
    ck_assert_counts(start);
}
END_TEST

/* dispatcher_state of what is no Dispatcher is refused and writes nothing. */
START_TEST(dispatcher_state_of_another_type_is_refused)
{
    struct capref frame, empty;
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(slot_alloc(&empty));
    enum dispatcher_state state = (enum dispatcher_state)77;
    uint64_t status = 99;
    ck_assert_chain(dispatcher_state(frame, &state, &status), LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_ILLEGAL_INVOCATION);
    ck_assert_chain(dispatcher_state(empty, &state, &status), LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_CAP_NOT_FOUND);
    ck_assert_int_eq(state, 77);
    ck_assert_uint_eq(status, 99);
}
END_TEST

/* ---- endpoints ---------------------------------------------------------------------------- */

/* One Endpoint per Dispatcher: the second endpoint_create is refused and takes no slot. */
START_TEST(endpoint_create_is_refused_when_the_endpoint_exists)
{
    struct twin t;
    twin_make(&t);
    struct capref ep, again;
    ck_assert_ok(endpoint_create(t.disp, &ep));
    ck_assert_int_eq(capref_identity(ep).type, ObjType_Endpoint);
    struct counts before = counts_now();
    ck_assert_chain(endpoint_create(t.disp, &again), LIB_ERR_ENDPOINT_CREATE, LIB_ERR_CAP_RETYPE,
                    SYS_ERR_RETYPE_OVERLAP);
    ck_assert_counts(before);
    ck_assert_ok(cap_destroy(ep));
    ck_assert_ok(endpoint_create(t.disp, &again));
}
END_TEST

/* Up to four words land in the receiver's frame, only the first length of them read; more than
   four are the kernel's refusal, delivering nothing. */
START_TEST(endpoint_send_delivers_up_to_four_words)
{
    struct twin t;
    twin_make(&t);
    ck_assert_ok(twin_setup(&t));
    struct capref ep;
    ck_assert_ok(endpoint_create(t.disp, &ep));
    const uintptr_t words[LMP_MSG_WORDS + 1] = {5, 6, 7, 8, 9};
    for (size_t length = 0; length <= LMP_MSG_WORDS; length++) {
        /* Exactly length words (one for none): a read beyond shows in the sanitizer builds. */
        uintptr_t *exact = malloc((length > 0 ? length : 1) * sizeof(*exact));
        ck_assert_ptr_nonnull(exact);
        for (size_t i = 0; i < length; i++) {
            exact[i] = words[i];
        }
        ck_assert_ok(endpoint_send(ep, 0, NULL_CAP, exact, length));
        free(exact);
        ck_assert_uint_eq(t.shared->lmp_full, 1);
        ck_assert_uint_eq(t.shared->lmp_length, length);
        ck_assert_uint_eq(t.shared->lmp_has_cap, 0);
        for (size_t i = 0; i < LMP_MSG_WORDS; i++) {
            ck_assert_uint_eq(t.shared->lmp_words[i], i < length ? words[i] : 0);
        }
        ck_assert_err(endpoint_send(ep, 0, NULL_CAP, words, 1), SYS_ERR_ENDPOINT_BUSY);
        t.shared->lmp_full = 0; /* the receiver takes it */
    }
    ck_assert_err(endpoint_send(ep, 0, NULL_CAP, words, LMP_MSG_WORDS + 1), SYS_ERR_INVALID_ARGS);
    ck_assert_uint_eq(t.shared->lmp_full, 0);
}
END_TEST

/* A capability goes along only with LMP_SEND_CAP_COPY or _MOVE: copied, the sender keeps its
   own; moved, its slot is empty. */
START_TEST(endpoint_send_carries_a_capability_only_when_asked)
{
    struct twin t;
    twin_make(&t);
    ck_assert_ok(twin_setup(&t));
    struct capref ep, frame, recv;
    ck_assert_ok(endpoint_create(t.disp, &ep));
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(slot_alloc(&recv));
    genpaddr_t base = capref_identity(frame).base;
    const uintptr_t word = 42;
    t.shared->lmp_recv_slot = get_cap_addr(recv); /* the twin's CSpace is init's */

    ck_assert_ok(endpoint_send(ep, 0, frame, &word, 1));
    ck_assert_uint_eq(t.shared->lmp_has_cap, 0);
    ck_assert(capref_slot_is_empty(recv));
    t.shared->lmp_full = 0;

    ck_assert_ok(endpoint_send(ep, LMP_SEND_CAP_COPY, frame, &word, 1));
    ck_assert_uint_eq(t.shared->lmp_has_cap, 1);
    ck_assert_uint_eq(t.shared->lmp_words[0], 42);
    ck_assert_uint_eq(capref_identity(recv).base, base);
    ck_assert_uint_eq(capref_identity(frame).base, base);
    ck_assert_ok(cap_delete(recv));
    t.shared->lmp_full = 0;

    ck_assert_ok(endpoint_send(ep, LMP_SEND_CAP_MOVE, frame, NULL, 0));
    ck_assert_uint_eq(t.shared->lmp_has_cap, 1);
    ck_assert_uint_eq(capref_identity(recv).base, base);
    ck_assert(capref_slot_is_empty(frame));
}
END_TEST

/* ---- badges and fault endpoints ------------------------------------------------------------ */

/* endpoint_badge: a badged copy in a new slot; refused, it keeps no slot. */
START_TEST(endpoint_badge_mints_a_badged_copy_or_gives_the_slot_back)
{
    struct twin t;
    twin_make(&t);
    struct capref ep, badged, again;
    ck_assert_ok(endpoint_create(t.disp, &ep));
    ck_assert_ok(endpoint_badge(ep, CAPRIGHTS_READ_WRITE, 9, &badged));
    struct cap_identity id = capref_identity(badged);
    ck_assert_int_eq(id.type, ObjType_Endpoint);
    ck_assert_uint_eq(id.type_word, 9);
    ck_assert_uint_eq(id.rights, CAPRIGHTS_READ_WRITE);
    struct counts before = counts_now();
    ck_assert_chain(endpoint_badge(badged, CAPRIGHTS_READ_WRITE, 10, &again),
                    LIB_ERR_ENDPOINT_BADGE, SYS_ERR_ENDPOINT_BADGED);
    ck_assert_chain(endpoint_badge(t.frame, CAPRIGHTS_READ_WRITE, 10, &again),
                    LIB_ERR_ENDPOINT_BADGE, SYS_ERR_BADGE_NOT_ENDPOINT);
    ck_assert_counts(before);
}
END_TEST

/* dispatcher_set_fault_ep (NULL_CAP clears) and dispatcher_resume, refusals under their codes. */
START_TEST(fault_endpoint_wrappers_pass_the_kernels_answer)
{
    struct twin t;
    twin_make(&t);
    struct capref ep;
    ck_assert_ok(endpoint_create(t.disp, &ep));
    ck_assert_chain(dispatcher_set_fault_ep(t.disp, ep), LIB_ERR_DISPATCHER_FAULT_EP,
                    SYS_ERR_DISPATCHER_NOT_SET_UP);
    ck_assert_ok(twin_setup(&t));
    ck_assert_chain(dispatcher_set_fault_ep(t.disp, t.frame), LIB_ERR_DISPATCHER_FAULT_EP,
                    SYS_ERR_FAULT_EP_NOT_ENDPOINT);
    ck_assert_ok(dispatcher_set_fault_ep(t.disp, ep));
    ck_assert_ok(dispatcher_set_fault_ep(t.disp, NULL_CAP));
    ck_assert_chain(dispatcher_resume(t.disp, 0), LIB_ERR_DISPATCHER_RESUME,
                    SYS_ERR_DISPATCHER_NOT_BLOCKED);
}
END_TEST

Suite *libcap_dispatcher_suite(void)
{
    Suite *s = suite_create("libcap dispatchers and endpoints");
    TCase *tc = tcase_create("dispatchers");
    tcase_add_checked_fixture(tc, libcap_boot, fixture_shutdown);
    tcase_add_test(tc, dispatcher_create_without_ram_or_slots_leaves_nothing);
    tcase_add_test(tc, a_refused_retype_gives_the_slot_and_the_ram_back);
    tcase_add_test(tc, run_and_stop_move_a_domain_in_and_out_of_the_queue);
    tcase_add_test(tc, dispatcher_state_of_another_type_is_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("endpoints");
    tcase_add_checked_fixture(tc, libcap_boot, fixture_shutdown);
    tcase_add_test(tc, endpoint_create_is_refused_when_the_endpoint_exists);
    tcase_add_test(tc, endpoint_send_delivers_up_to_four_words);
    tcase_add_test(tc, endpoint_send_carries_a_capability_only_when_asked);
    tcase_add_test(tc, endpoint_badge_mints_a_badged_copy_or_gives_the_slot_back);
    tcase_add_test(tc, fault_endpoint_wrappers_pass_the_kernels_answer);
    suite_add_tcase(s, tc);
    return s;
}
