/* Attacks on the external pager from a security review: each failed on the code it reviewed. */
#include "dispatcher_support.h"
#include <dispatch.h>
#include <exception.h>
#include <libcap/syscalls.h>
#include <platform.h>
#include <string.h>

static struct dom *const d = &dom_under_test; /* the hostile (or faulting) domain */
static struct dom p;                          /* a pager: set up, stopped */
static capaddr_t plain_ep;                    /* init's Endpoint to p, unbadged */
static capaddr_t pager_ep;                    /* init's copy badged OTHER: another client's */

#define OTHER 0xb0b0u /* the badge p gave to some other client it pages */
#define FAULT_VA 0x10000123u
#define FAULT_IP 0x404321u

/* An L2 CNode at L1 slot BOX of both init's CSpace and d's: one address names a slot for both. */
#define BOX 255
#define BOX_ROOT capaddr_make(BOX, 1)   /* d's own root, for its CNode invocations */
#define BOX_DISP capaddr_make(BOX, 2)   /* d's own Dispatcher, without grant (as libspawn gives) */
#define BOX_PARENT capaddr_make(BOX, 3) /* an Endpoint to p, without grant (TASKCN_SLOT_PARENT) */
#define BOX_FREE capaddr_make(BOX, 4)

static void pager_make(void)
{
    dom_make(&p, "pager");
    ck_assert_ok(dom_setup(&p));
    plain_ep = dom_endpoint(&p);
    pager_ep = new_slot();
    ck_assert_ok(dom_mint_badged(CAPADDR_ROOTCN, pager_ep, plain_ep, CAPRIGHTS_ALLRIGHTS, OTHER));
}

static const struct dispatcher_save_area *there(void)
{
    static struct dispatcher_save_area regs;
    regs = regs_at(FAULT_IP, 0x7c0000, 3);
    return &regs;
}

/* A write page fault of the running domain at FAULT_VA, as the booted kernels take one. */
static void fault_now(void)
{
    dom_fault_write(FAULT_VA, FAULT_IP, there());
}

/*
 * 1. A domain holding only what a spawned child holds (its own Dispatcher and an Endpoint to
 * its parent, both without grant) makes the parent receive a *fault* message (lmp_fault 1) that
 * carries another client's badge. Nobody with authority over p appointed d as p's client; the
 * kernel wrote lmp_fault, but the badge and destination were chosen by the faulting side
 * (SET_FAULT_EP on its own Dispatcher, MINT of its unbadged parent Endpoint). A pager that
 * trusts "lmp_fault && badge" (doc/selfpaging.md's loop, captest's pager) maps pages into the
 * other client at an address d chose.
 */
START_TEST(a_child_cannot_fault_into_its_parent_as_another_client)
{
    capaddr_t box = new_object(ObjType_L2CNode, L2_CNODE_BYTES);
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, BOX, box));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, d->cspace, BOX, box));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(BOX), capaddr_l2_slot(BOX_ROOT),
                                   d->cspace));
    caprights_t no_grant = CAPRIGHTS_ALLRIGHTS & (caprights_t)~CAPRIGHTS_GRANT;
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(BOX), capaddr_l2_slot(BOX_DISP),
                                   d->disp, no_grant));
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(BOX),
                                   capaddr_l2_slot(BOX_PARENT), plain_ep, no_grant));
    dom_start(d);
    sys_yield(); /* d runs: from here on, every invocation is d's */
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
    errval_t minted = dom_mint_badged(BOX_ROOT, BOX_FREE, BOX_PARENT, no_grant, OTHER);
    errval_t set = invoke_dispatcher_set_fault_ep(BOX_DISP, BOX_FREE);
    ck_assert_err(set, SYS_ERR_FAULT_EP_NEEDS_GRANT); /* its own copy has no grant */
    fault_now();
    const struct dispatcher_shared *s = dom_shared(&p);
    bool forged = s->lmp_full == 1 && s->lmp_fault == 1 && s->lmp_badge == OTHER &&
                  s->lmp_words[PAGER_MSG_VADDR] == FAULT_VA;
    ck_assert_msg(!forged,
                  "p got a fault message badged 0x%x (another client's) for d's chosen address "
                  "0x%x: mint %s, SET_FAULT_EP %s",
                  (unsigned)s->lmp_badge, (unsigned)s->lmp_words[PAGER_MSG_VADDR],
                  err_is_ok(minted) ? "ok" : "refused", err_is_ok(set) ? "ok" : "refused");
}
END_TEST

/*
 * 2. A fault inside the resume code (pc in [crit_pc_low, crit_pc_high), disabled clear) with a
 * pager set: exception_upcall saves into enabled_area *before* it sees the resume range, then
 * refuses, and the pager path blocks the domain. The resume code, resumed from disabled_area,
 * goes on reading an enabled_area that now holds its own half-restored registers: the context
 * it was restoring is lost. doc/selfpaging.md: "saves the faulting context where a preemption
 * would": a preemption there writes disabled_area only.
 */
START_TEST(a_fault_in_the_resume_code_leaves_enabled_area_alone)
{
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, pager_ep));
    sys_yield();
    ck_assert_uint_eq(platform_loaded_root(), dom_vroot(d));
    struct dispatcher_shared *s = dom_shared(d);
    s->exception_entry = 0x406000;
    s->exception_stack = 0x7b0000;
    s->crit_pc_low = FAULT_IP - 0x10; /* the faulting pc lies in the resume code */
    s->crit_pc_high = FAULT_IP + 0x10;
    s->disabled = 0; /* the resume code has just cleared it */
    struct dispatcher_save_area wanted = regs_at(0x405555, 0x7a0000, 9);
    s->enabled_area = wanted; /* what the resume code is restoring */
    fault_now();
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_BLOCKED, 0));
    ck_assert_msg(regs_equal(&s->enabled_area, &wanted),
                  "enabled_area clobbered by a refused upcall: pc 0x%llx, wanted 0x405555",
                  (unsigned long long)save_area_pc(&s->enabled_area));
    ck_assert_ok(invoke_dispatcher_resume(d->disp, 0));
    while (platform_loaded_root() != dom_vroot(d)) {
        sys_yield();
    }
    ck_assert(regs_equal(host_machine_user_registers(), there())); /* the resume code again */
    ck_assert(regs_equal(&s->enabled_area, &wanted));
}
END_TEST

/*
 * 3. fault_final is never cleared. The pager dies after it had mapped the page (so the retried
 * instruction does not fault): the domain runs on, a new pager is named for it, and its next,
 * unrelated fault ends it at once instead of going to the new pager (or its own handler).
 */
START_TEST(a_new_pager_serves_a_domain_whose_old_pager_died)
{
    dom_start(d);
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, pager_ep));
    sys_yield();
    fault_now();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, p.disp)); /* the pager goes */
    while (platform_loaded_root() != dom_vroot(d)) {
        sys_yield();
    }
    sys_yield(); /* the retried instruction did not fault: d ran on; init again */
    struct dom q;
    dom_make(&q, "pager2");
    ck_assert_ok(dom_setup(&q));
    ck_assert_ok(invoke_dispatcher_set_fault_ep(d->disp, dom_endpoint(&q)));
    while (platform_loaded_root() != dom_vroot(d)) {
        sys_yield();
    }
    fault_now(); /* a later, unrelated fault */
    ck_assert_uint_eq(word_of(d->disp), DISPATCHER_WORD(DISPATCHER_BLOCKED, 0));
    ck_assert_uint_eq(dom_shared(&q)->lmp_fault, 1);
}
END_TEST

Suite *pager_attacks_suite(void);
Suite *pager_attacks_suite(void)
{
    Suite *s = suite_create("pager attacks");
    TCase *tc = dom_tcase(s, "pager attacks");
    tcase_add_checked_fixture(tc, pager_make, NULL);
    tcase_add_test(tc, a_child_cannot_fault_into_its_parent_as_another_client);
    tcase_add_test(tc, a_fault_in_the_resume_code_leaves_enabled_area_alone);
    tcase_add_test(tc, a_new_pager_serves_a_domain_whose_old_pager_died);
    return s;
}
