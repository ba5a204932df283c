/* Dispatcher invocations on the hosted kernel: refusals, identify's state word, a domain's end. */
#include "dispatcher_support.h"
#include <dispatch.h>
#include <kcheck.h>
#include <libcap/syscalls.h>
#include <mdb.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test;

/* init yields to the domain it made runnable (the calls that follow are the domain's), which
   exits with status: init runs again. */
static void run_until_exit(uint64_t status)
{
    sys_yield();
    sys_exit(status);
}

/* SETUP of d's dispatcher with any words. */
static errval_t setup_raw(uintptr_t cspace, uintptr_t vroot, uintptr_t frame, uintptr_t frame_vaddr,
                          uintptr_t entry, uintptr_t stack_top)
{
    const uintptr_t args[INVOKE_ARGS] = {cspace, vroot, frame, frame_vaddr, entry, stack_top};
    return syscall_invoke(d->disp, CMD_DISPATCHER_SETUP, args).error;
}

static errval_t setup_frame(uintptr_t frame)
{
    return setup_raw(d->cspace, d->vroot, frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}

static errval_t setup_addresses(uint64_t frame_vaddr, uint64_t entry, uint64_t stack_top)
{
    return setup_raw(d->cspace, d->vroot, d->frame, frame_vaddr, entry, stack_top);
}

/* ---- the states a refusal row starts from ------------------------------------------------- */

static void prep_set_up(void)
{
    ck_assert_ok(dom_setup(d));
}

static void prep_runnable(void)
{
    dom_start(d);
}

static void prep_ended(void)
{
    dom_start(d);
    run_until_exit(5);
}

/* ---- the refused calls --------------------------------------------------------------------- */

static const caprights_t all_but_write = CAPRIGHTS_ALLRIGHTS & ~CAPRIGHTS_WRITE;

static errval_t setup_without_write(void)
{
    capaddr_t weak = mint_copy(d->disp, all_but_write);
    return invoke_dispatcher_setup(weak, d->cspace, d->vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY,
                                   DOM_STACK_TOP);
}
static errval_t run_without_write(void)
{
    return invoke_dispatcher_run(mint_copy(d->disp, all_but_write));
}
static errval_t stop_without_write(void)
{
    return invoke_dispatcher_stop(mint_copy(d->disp, all_but_write));
}
static errval_t setup(void)
{
    return dom_setup(d);
}
static errval_t run(void)
{
    return invoke_dispatcher_run(d->disp);
}
static errval_t stop(void)
{
    return invoke_dispatcher_stop(d->disp);
}
static errval_t cspace_empty(void)
{
    return setup_raw(d->probe, d->vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t vroot_null(void)
{
    return setup_raw(d->cspace, 0, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t frame_bits_above_31(void)
{
    return setup_frame((1ull << 32) | d->frame);
}
static errval_t cspace_l2_cnode(void)
{
    return setup_raw(WORK_CNODE, d->vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t cspace_frame(void)
{
    return setup_raw(d->frame, d->vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t vroot_leaf_table(void)
{
    enum objtype leaf = fmt.table[fmt.levels - 1];
    capaddr_t table = new_object(leaf, objtype_info[leaf].fixed_bytes);
    return setup_raw(d->cspace, table, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t vroot_cnode(void)
{
    return setup_raw(d->cspace, d->cspace, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t frame_device(void)
{
    capaddr_t dev = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, 0, ObjType_DevFrame,
                                     BASE_PAGE_BYTES, 1, capaddr_l1_slot(capaddr_l1_index(dev)),
                                     capaddr_l2_slot(dev)));
    return setup_frame(dev);
}
static errval_t frame_read_only(void)
{
    return setup_frame(mint_copy(d->frame, CAPRIGHTS_READ | CAPRIGHTS_EXECUTE | CAPRIGHTS_GRANT));
}
static errval_t frame_write_only(void)
{
    return setup_frame(mint_copy(d->frame, CAPRIGHTS_WRITE));
}
static errval_t frame_ram(void)
{
    return setup_frame(d->piece);
}
static errval_t frame_table(void)
{
    return setup_frame(d->vroot);
}
/* The kernel's copies outlive every revoke: each of the three needs grant. */
static errval_t cspace_without_grant(void)
{
    capaddr_t cspace = mint_copy(d->cspace, CAPRIGHTS_READ_WRITE);
    return setup_raw(cspace, d->vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t vroot_without_grant(void)
{
    capaddr_t vroot = mint_copy(d->vroot, CAPRIGHTS_READ_WRITE);
    return setup_raw(d->cspace, vroot, d->frame, DOM_FRAME_VADDR, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t frame_without_grant(void)
{
    return setup_frame(mint_copy(d->frame, CAPRIGHTS_READ_WRITE));
}
static errval_t frame_vaddr_unaligned(void)
{
    return setup_addresses(DOM_FRAME_VADDR + 8, DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t frame_vaddr_kernel(void)
{
    return setup_addresses(kernel_half(), DOM_ENTRY, DOM_STACK_TOP);
}
static errval_t entry_kernel(void)
{
    return setup_addresses(DOM_FRAME_VADDR, kernel_half() + 0x1000, DOM_STACK_TOP);
}
static errval_t stack_kernel(void)
{
    return setup_addresses(DOM_FRAME_VADDR, DOM_ENTRY, kernel_half());
}
static errval_t stack_beyond_the_root(void)
{
    return setup_addresses(DOM_FRAME_VADDR, DOM_ENTRY, UINT64_MAX);
}
static errval_t map_on_a_dispatcher(void)
{
    return invoke_vnode_map(d->disp, 0, d->frame, VREGION_FLAGS_READ, 0, 1);
}
static errval_t run_on_a_frame(void)
{
    return invoke_dispatcher_run(d->frame);
}

struct refusal {
    const char *name;
    void (*prep)(void); /* NULL: a new dispatcher */
    errval_t (*call)(void);
    enum err_code want;
    uintptr_t after; /* identify's word of the dispatcher after the refusal: unchanged */
};

#define NEW DISPATCHER_WORD(DISPATCHER_NEW, 0)
#define STOPPED DISPATCHER_WORD(DISPATCHER_STOPPED, 0)
#define RUNNABLE DISPATCHER_WORD(DISPATCHER_RUNNABLE, 0)
#define ENDED_5 DISPATCHER_WORD(DISPATCHER_EXITED, 5)

static const struct refusal refusals[] = {
    {"setup without the write right", NULL, setup_without_write, SYS_ERR_DISPATCHER_NOT_WRITABLE,
     NEW},
    {"run without the write right", prep_set_up, run_without_write, SYS_ERR_DISPATCHER_NOT_WRITABLE,
     STOPPED},
    {"stop without the write right", prep_runnable, stop_without_write,
     SYS_ERR_DISPATCHER_NOT_WRITABLE, RUNNABLE},
    {"setup twice", prep_set_up, setup, SYS_ERR_DISPATCHER_SET_UP, STOPPED},
    {"setup of a runnable one", prep_runnable, setup, SYS_ERR_DISPATCHER_SET_UP, RUNNABLE},
    {"run before setup", NULL, run, SYS_ERR_DISPATCHER_NOT_SET_UP, NEW},
    {"stop before setup", NULL, stop, SYS_ERR_DISPATCHER_NOT_SET_UP, NEW},
    {"run when runnable", prep_runnable, run, SYS_ERR_DISPATCHER_RUNNABLE, RUNNABLE},
    {"stop when stopped", prep_set_up, stop, SYS_ERR_DISPATCHER_STOPPED, STOPPED},
    {"setup after the end", prep_ended, setup, SYS_ERR_DISPATCHER_ENDED, ENDED_5},
    {"run after the end", prep_ended, run, SYS_ERR_DISPATCHER_ENDED, ENDED_5},
    {"stop after the end", prep_ended, stop, SYS_ERR_DISPATCHER_ENDED, ENDED_5},
    {"a CSpace slot that is empty", NULL, cspace_empty, SYS_ERR_CAP_NOT_FOUND, NEW},
    {"the null root table", NULL, vroot_null, SYS_ERR_CAPADDR_NULL, NEW},
    {"a frame address with bits above 31", NULL, frame_bits_above_31, SYS_ERR_CAPADDR_RESERVED_BITS,
     NEW},
    {"an L2 CNode as the CSpace", NULL, cspace_l2_cnode, SYS_ERR_DISPATCHER_CSPACE_TYPE, NEW},
    {"a frame as the CSpace", NULL, cspace_frame, SYS_ERR_DISPATCHER_CSPACE_TYPE, NEW},
    {"a leaf table as the root table", NULL, vroot_leaf_table, SYS_ERR_DISPATCHER_VROOT_TYPE, NEW},
    {"a CNode as the root table", NULL, vroot_cnode, SYS_ERR_DISPATCHER_VROOT_TYPE, NEW},
    {"a device frame", NULL, frame_device, SYS_ERR_DISPATCHER_FRAME_INVALID, NEW},
    {"a frame copy without write", NULL, frame_read_only, SYS_ERR_DISPATCHER_FRAME_INVALID, NEW},
    {"a frame copy without read", NULL, frame_write_only, SYS_ERR_DISPATCHER_FRAME_INVALID, NEW},
    {"RAM as the frame", NULL, frame_ram, SYS_ERR_DISPATCHER_FRAME_INVALID, NEW},
    {"a table as the frame", NULL, frame_table, SYS_ERR_DISPATCHER_FRAME_INVALID, NEW},
    {"a CSpace copy without grant", NULL, cspace_without_grant, SYS_ERR_DISPATCHER_NEEDS_GRANT,
     NEW},
    {"a root table copy without grant", NULL, vroot_without_grant, SYS_ERR_DISPATCHER_NEEDS_GRANT,
     NEW},
    {"a frame copy without grant", NULL, frame_without_grant, SYS_ERR_DISPATCHER_NEEDS_GRANT, NEW},
    {"an unaligned frame address", NULL, frame_vaddr_unaligned, SYS_ERR_DISPATCHER_ADDRESS, NEW},
    {"a frame address in the kernel's half", NULL, frame_vaddr_kernel, SYS_ERR_DISPATCHER_ADDRESS,
     NEW},
    {"an entry in the kernel's half", NULL, entry_kernel, SYS_ERR_DISPATCHER_ADDRESS, NEW},
    {"a stack in the kernel's half", NULL, stack_kernel, SYS_ERR_DISPATCHER_ADDRESS, NEW},
    {"a stack beyond what the root indexes", NULL, stack_beyond_the_root,
     SYS_ERR_DISPATCHER_ADDRESS, NEW},
    {"a page-table command on a dispatcher", NULL, map_on_a_dispatcher, SYS_ERR_ILLEGAL_INVOCATION,
     NEW},
    {"a dispatcher command on a frame", NULL, run_on_a_frame, SYS_ERR_ILLEGAL_INVOCATION, NEW},
};

/* Each refusal is named, and changes neither the dispatcher's state nor what the kernel holds. */
START_TEST(each_refusal_is_named_and_changes_nothing)
{
    const struct refusal *r = &refusals[_i];
    if (r->prep != NULL) {
        r->prep();
    }
    /* a refused SETUP holds nothing; a row's call makes at most one capability of its own */
    size_t before = mdb_count() + 1;
    errval_t err = r->call();
    ck_assert_msg(err_no(err) == r->want, "%s: expected %s, got %s", r->name, err_getcode(r->want),
                  err_getcode(err));
    ck_assert_msg(word_of(d->disp) == r->after, "%s: the state word went from 0x%lx to 0x%lx",
                  r->name, (unsigned long)r->after, (unsigned long)word_of(d->disp));
    ck_assert_msg(mdb_count() <= before, "%s: the kernel holds %zu more capabilities", r->name,
                  mdb_count() + 1 - before);
    assert_kernel_ok();
}
END_TEST

/* identify's value[4] through every state: new, set up, runnable, stopped, runnable, exited. */
START_TEST(identify_says_each_state_and_the_exit_status)
{
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_NEW, 0));
    ck_assert_ok(dom_setup(d));
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_STOPPED, 0));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_RUNNABLE, 0));
    ck_assert_ok(invoke_dispatcher_stop(d->disp));
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_STOPPED, 0));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    capaddr_t weak = mint_copy(d->disp, CAPRIGHTS_READ); /* identify needs no right */
    run_until_exit(0x1234);
    ck_assert_uint_eq(word_of(weak), DISPATCHER_WORD(DISPATCHER_EXITED, 0x1234));
    ck_assert_ptr_nonnull(strstr(kernel_console, "domain child exited with status 4660\n"));
    uint64_t status;
    ck_assert(!host_machine_exit_status(&status)); /* the machine goes on: only init's is its */
    assert_kernel_ok();
}
END_TEST

/* Every other type says 0 in the dispatcher's word. */
START_TEST(identify_word_is_zero_for_other_types)
{
    const capaddr_t others[] = {d->piece, d->cspace, d->vroot, d->frame, RAM_CAP, WORK_CNODE};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_INVOKE, others[i], CMD_IDENTIFY};
        struct sysret ret = host_syscall(regs);
        ck_assert_ok(ret.error);
        ck_assert_uint_eq(ret.value[4], 0);
        ck_assert_uint_eq(ret.value[5], 0);
    }
}
END_TEST

/* Revoke spares the kernel's copies: retype over the objects is refused until the domain ends. */
START_TEST(the_kernels_copies_outlive_revoke_and_the_users_copies)
{
    ck_assert_ok(dom_setup(d));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, d->cspace));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, d->vroot));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, d->frame));
    dom_delete_user_copies(d);
    dom_assert_held(d, true);
    capaddr_t other = mint_copy(d->disp, CAPRIGHTS_READ);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp)); /* not the last copy */
    dom_assert_held(d, true);
    ck_assert_uint_eq(word_of(other), DISPATCHER_WORD(DISPATCHER_STOPPED, 0));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, other));
    dom_assert_held(d, false);
    dom_assert_all_back(d);
}
END_TEST

/* Deleting the last dispatcher capability in each state ends the domain and gives all back. */
static const struct {
    void (*prep)(void);
    const char *console; /* what the kernel says of the end, "" if nothing */
} last_copy_rows[] = {
    {NULL, ""},
    {prep_set_up, "kernel: domain child ended: its last dispatcher capability was deleted\n"},
    {prep_runnable, "kernel: domain child ended: its last dispatcher capability was deleted\n"},
    {prep_ended, ""}, /* it ended by its exit: its copies went then */
};

START_TEST(deleting_the_last_copy_ends_the_domain_and_gives_all_back)
{
    if (last_copy_rows[_i].prep != NULL) {
        last_copy_rows[_i].prep();
    }
    dom_delete_user_copies(d);
    host_console_capture(kernel_console, sizeof(kernel_console));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp));
    ck_assert_str_eq(kernel_console, last_copy_rows[_i].console);
    struct dispatcher_save_area cpu = *host_machine_user_registers();
    sys_yield(); /* init alone: nothing is dispatched */
    ck_assert(regs_equal(host_machine_user_registers(), &cpu));
    ck_assert_uint_eq(platform_loaded_root(), 0);
    dom_assert_all_back(d);
}
END_TEST

/*
 * A domain whose CSpace holds its own dispatcher capability and a frame no one else holds.
 * init lets go of its copies of the CSpace and of the dispatcher: the domain lives on (its
 * CSpace names it), runs, and its exit takes everything along in one go: its CSpace dies with
 * the last copy of the dispatcher in it, whose end finds its copies already given back.
 */
static void make_self_holding(void)
{
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, d->cspace, 7, d->disp));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, d->piece, 4 * BASE_PAGE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, d->cspace, 8));
    ck_assert_ok(dom_setup(d));
}

START_TEST(a_domain_holding_its_own_dispatcher_ends_by_exit_without_a_leak)
{
    make_self_holding();
    ck_assert_ok(invoke_dispatcher_run(d->disp));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->cspace));
    size_t live = mdb_count();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp));
    ck_assert_uint_eq(mdb_count(), live - 1); /* nothing else went */
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), d->piece_base + DOM_AT_VROOT); /* it runs */
    sys_exit(9);
    ck_assert_ptr_nonnull(strstr(kernel_console, "domain child exited with status 9\n"));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->vroot));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->frame));
    dom_assert_all_back(d);
}
END_TEST

/* The same cycle, stopped and no longer named by init: revoking the RAM it came from ends it. */
START_TEST(a_domain_holding_its_own_dispatcher_goes_with_a_revoke_of_its_memory)
{
    make_self_holding();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->cspace));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp));
    ck_assert(!dom_piece_free(d));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, d->piece));
    ck_assert_ptr_nonnull(strstr(kernel_console, "domain child ended: its last dispatcher"));
    ck_assert(slot_is_empty(d->vroot) && slot_is_empty(d->frame));
    dom_assert_all_back(d);
}
END_TEST

/*
 * An endpoint outlives its dispatcher (it keeps the dead control block's memory): the kernel's
 * own check holds, a message is refused as dead, and the memory is taken until it goes too.
 */
START_TEST(an_endpoint_outlives_its_dispatcher)
{
    capaddr_t ep = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, d->disp, 0, ObjType_Endpoint, DISPATCHER_BYTES,
                                     1, capaddr_l1_slot(capaddr_l1_index(ep)),
                                     capaddr_l2_slot(ep)));
    ck_assert_ok(dom_setup(d));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->disp));
    assert_kernel_ok();
    const uintptr_t words[4] = {1, 2, 3, 4};
    ck_assert_err(invoke_endpoint_send(ep, 0, 0, 4, words), SYS_ERR_ENDPOINT_DEAD);
    ck_assert_err(dom_retype_over(d, 0, BASE_PAGE_BYTES), SYS_ERR_RETYPE_OVERLAP);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, ep));
    dom_delete_user_copies(d);
    dom_assert_all_back(d);
}
END_TEST

/*
 * The kernel's copies outlive every revoke, and it writes a domain's frame for as long as the
 * domain lives: a frame held without grant (a child's copy of a page its parent shares with it)
 * cannot become a dispatcher frame, nor can a frame retyped from such a copy, so the parent's
 * revoke still takes its page back whole.
 */
START_TEST(a_page_shared_without_grant_cannot_become_a_dispatcher_frame)
{
    const gensize_t at = 112 * 1024, bytes = 2 * BASE_PAGE_BYTES; /* free in d's piece */
    capaddr_t shared = new_slot(), piece = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, d->piece, at, ObjType_Frame, bytes, 1,
                                     capaddr_l1_slot(capaddr_l1_index(shared)),
                                     capaddr_l2_slot(shared))); /* the parent's */
    capaddr_t copy = mint_copy(shared, CAPRIGHTS_READ_WRITE);   /* the child's */
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, copy, 0, ObjType_Frame, BASE_PAGE_BYTES, 1,
                                     capaddr_l1_slot(capaddr_l1_index(piece)),
                                     capaddr_l2_slot(piece)));
    ck_assert_uint_eq(identify(piece).rights, CAPRIGHTS_READ_WRITE); /* no grant gained */
    ck_assert_err(setup_frame(copy), SYS_ERR_DISPATCHER_NEEDS_GRANT);
    ck_assert_err(setup_frame(piece), SYS_ERR_DISPATCHER_NEEDS_GRANT);
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_NEW, 0));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, shared));
    ck_assert(slot_is_empty(copy) && slot_is_empty(piece));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, shared));
    ck_assert_ok(dom_retype_over(d, at, bytes)); /* nothing of the page lives on */
    ck_assert_ok(setup_frame(d->frame));         /* a frame the caller made itself has grant */
    assert_kernel_ok();
}
END_TEST

/*
 * The checker asks of every live domain, not only the caller, that the kernel hold its CSpace,
 * root table and frame (a domain could delete one that is not held): a domain set up and not
 * running, with one of them let go, is seen.
 */
START_TEST(the_checker_sees_a_live_domain_whose_objects_are_not_held)
{
    ck_assert_ok(dom_setup(d));
    ck_assert_int_eq(kcheck_state(dcb_current, NULL), KCHECK_OK);
    struct dcb *dcb = host_machine_phys_ptr(d->piece_base + DOM_AT_DISP);
    struct cte *held[] = {&dcb->cspace, &dcb->vroot, &dcb->frame};
    for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
        held[i]->mdb.kernel_held = false;
        ck_assert_msg(kcheck_state(dcb_current, NULL) == KCHECK_KERNEL_COPY_LOST, "copy %zu", i);
        held[i]->mdb.kernel_held = true;
    }
    ck_assert_int_eq(kcheck_state(dcb_current, NULL), KCHECK_OK);
}
END_TEST

Suite *dispatcher_suite(void)
{
    Suite *s = suite_create("dispatcher");
    TCase *tc = dom_tcase(s, "refusals");
    tcase_add_loop_test(tc, each_refusal_is_named_and_changes_nothing, 0,
                        (int)(sizeof(refusals) / sizeof(refusals[0])));
    tc = dom_tcase(s, "states");
    tcase_add_test(tc, identify_says_each_state_and_the_exit_status);
    tcase_add_test(tc, identify_word_is_zero_for_other_types);
    tcase_add_test(tc, the_checker_sees_a_live_domain_whose_objects_are_not_held);
    tc = dom_tcase(s, "end");
    tcase_add_test(tc, the_kernels_copies_outlive_revoke_and_the_users_copies);
    tcase_add_loop_test(tc, deleting_the_last_copy_ends_the_domain_and_gives_all_back, 0,
                        (int)(sizeof(last_copy_rows) / sizeof(last_copy_rows[0])));
    tcase_add_test(tc, a_domain_holding_its_own_dispatcher_ends_by_exit_without_a_leak);
    tcase_add_test(tc, a_domain_holding_its_own_dispatcher_goes_with_a_revoke_of_its_memory);
    tcase_add_test(tc, an_endpoint_outlives_its_dispatcher);
    tcase_add_test(tc, a_page_shared_without_grant_cannot_become_a_dispatcher_frame);
    return s;
}
