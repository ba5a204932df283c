/* Helpers for the dispatcher suites: a domain's objects carved from a RAM piece of its own. */
#include "dispatcher_support.h"
#include <dispatch.h>
#include <exception.h>
#include <libcap/syscalls.h>
#include <mdb.h>
#include <string.h>

static capaddr_t carve(const struct dom *d, gensize_t offset, enum objtype type, gensize_t bytes,
                       capaddr_t slot)
{
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, d->piece, offset, type, bytes, 1,
                                     capaddr_l1_slot(capaddr_l1_index(slot)),
                                     capaddr_l2_slot(slot)));
    return slot;
}

void dom_make(struct dom *d, const char *name)
{
    /* Slots first: a new L2 CNode for them must not count among the domain's capabilities. */
    capaddr_t slots[4];
    for (int i = 0; i < 4; i++) {
        slots[i] = new_slot();
    }
    d->probe = new_slot();
    d->caps_before = mdb_count();
    /* Aligned, so that the offsets keep the root table aligned (ARMv7: 16 KiB) whatever the
       test took from RAM before. */
    d->piece = new_aligned_object(ObjType_RAM, DOM_PIECE_BYTES, DOM_AT_VROOT);
    d->piece_base = identify(d->piece).base;
    d->disp = carve(d, DOM_AT_DISP, ObjType_Dispatcher, DISPATCHER_BYTES, slots[0]);
    d->cspace = carve(d, DOM_AT_CSPACE, ObjType_L1CNode, L2_CNODE_BYTES, slots[1]);
    enum objtype root = fmt.table[0];
    d->vroot = carve(d, DOM_AT_VROOT, root, objtype_info[root].fixed_bytes, slots[2]);
    d->frame = carve(d, DOM_AT_FRAME, ObjType_Frame, BASE_PAGE_BYTES, slots[3]);
    strncpy(dom_shared(d)->name, name, DISPATCHER_NAME_BYTES - 1);
}

struct dom dom_under_test;

static void dom_boot(void)
{
    paging_boot();
    dom_make(&dom_under_test, "child");
}

TCase *dom_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, dom_boot, fixture_shutdown);
    /* Check's 4 s default is too tight for a sanitizer build on a loaded 2-core machine: the
       endpoint tests timed out there (a fresh-clone make test, 2026-12-02) though they pass. */
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return tc;
}

errval_t dom_setup(const struct dom *d)
{
    return invoke_dispatcher_setup(d->disp, d->cspace, d->vroot, d->frame, DOM_FRAME_VADDR,
                                   DOM_ENTRY, DOM_STACK_TOP);
}

void dom_start(const struct dom *d)
{
    ck_assert_ok(dom_setup(d));
    ck_assert_ok(invoke_dispatcher_run(d->disp));
}

struct dispatcher_shared *dom_shared(const struct dom *d)
{
    return host_machine_phys_ptr(d->piece_base + DOM_AT_FRAME);
}

errval_t dom_retype_over(const struct dom *d, gensize_t offset, gensize_t bytes)
{
    errval_t err =
        invoke_cnode_retype(CAPADDR_ROOTCN, d->piece, offset, ObjType_Frame, bytes, 1,
                            capaddr_l1_slot(capaddr_l1_index(d->probe)), capaddr_l2_slot(d->probe));
    if (err_is_ok(err)) {
        ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->probe));
    }
    return err;
}

bool dom_piece_free(const struct dom *d)
{
    errval_t err = dom_retype_over(d, 0, DOM_PIECE_BYTES);
    ck_assert_msg(err_is_ok(err) || err_no(err) == SYS_ERR_RETYPE_OVERLAP, "probe: %s",
                  err_getcode(err));
    return err_is_ok(err);
}

void dom_delete_user_copies(const struct dom *d)
{
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->cspace));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->vroot));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->frame));
}

void dom_assert_held(const struct dom *d, bool held)
{
    static const struct {
        gensize_t offset, bytes;
    } ranges[] = {
        {DOM_AT_CSPACE, L2_CNODE_BYTES},
        {DOM_AT_VROOT, BASE_PAGE_BYTES},
        {DOM_AT_FRAME, BASE_PAGE_BYTES},
    };
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        errval_t err = dom_retype_over(d, ranges[i].offset, ranges[i].bytes);
        ck_assert_msg(err_no(err) == (held ? SYS_ERR_RETYPE_OVERLAP : SYS_ERR_OK),
                      "object %zu of the domain: %s", i, err_getcode(err));
    }
}

void dom_assert_all_back(const struct dom *d)
{
    ck_assert(dom_piece_free(d));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, d->piece));
    ck_assert_uint_eq(mdb_count(), d->caps_before);
    assert_kernel_ok();
}

uintptr_t word_of(capaddr_t addr)
{
    return identify(addr).type_word;
}

capaddr_t mint_copy(capaddr_t addr, caprights_t rights)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(slot)),
                                   capaddr_l2_slot(slot), addr, rights));
    return slot;
}

uint64_t kernel_half(void)
{
    return fmt.span_bytes[0] * fmt.root_user_slots;
}

struct dispatcher_save_area regs_at(uint64_t pc, uint64_t sp, uint64_t arg)
{
    struct dispatcher_save_area a;
    save_area_start(&a, (dispatcher_word_t)pc, (dispatcher_word_t)sp, (dispatcher_word_t)arg);
    return a;
}

bool regs_equal(const struct dispatcher_save_area *a, const struct dispatcher_save_area *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

void assert_kernel_ok(void)
{
    uintptr_t detail = 0;
    errval_t err = sys_debug_check_kernel(&detail);
    ck_assert_msg(err_is_ok(err), "kernel check: %s (invariant %lu)", err_getcode(err),
                  (unsigned long)detail);
}

void dom_fault_write(uint64_t vaddr, uint64_t ip, const struct dispatcher_save_area *regs)
{
    *host_machine_user_registers() = *regs;
    struct fault_info f = {
        .domain = dcb_current->name,
        .kind = "page fault",
        .has_address = true,
        .vaddr = vaddr,
        .ip = ip,
        .access = FAULT_WRITE,
        .user_mode = true,
        .not_present = true,
    };
    exception_user(dcb_current, &f, DISPATCHER_FAULT_PAGE);
}

genpaddr_t dom_vroot(const struct dom *dom)
{
    return dom->piece_base + DOM_AT_VROOT;
}

errval_t dom_mint_badged(capaddr_t root, capaddr_t slot, capaddr_t src, caprights_t rights,
                         uint64_t badge)
{
    const uintptr_t args[INVOKE_ARGS] = {capaddr_l1_slot(capaddr_l1_index(slot)),
                                         capaddr_l2_slot(slot), src, rights, badge};
    return syscall_invoke(root, CMD_CNODE_MINT, args).error;
}

capaddr_t dom_endpoint(const struct dom *dom)
{
    capaddr_t slot = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, dom->disp, 0, ObjType_Endpoint,
                                     DISPATCHER_BYTES, 1, capaddr_l1_slot(capaddr_l1_index(slot)),
                                     capaddr_l2_slot(slot)));
    return slot;
}
