/* Badged Endpoints and fault endpoints from a domain's side: the pager's invocations. */
#include <libcap/caps.h>
#include <libcap/dispatcher.h>
#include <libcap/invoke.h>
#include <libcap/slot_alloc.h>

errval_t endpoint_badge(struct capref ep, caprights_t rights, uint32_t badge, struct capref *ret)
{
    struct capref slot;
    errval_t err = slot_alloc(&slot);
    if (err_is_ok(err)) {
        err = invoke_cnode_mint_badged(CAPADDR_ROOTCN, slot.cnode.address, slot.slot,
                                       get_cap_addr(ep), rights, badge);
        if (err_is_fail(err)) {
            slot_free(slot);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_ENDPOINT_BADGE);
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t dispatcher_set_fault_ep(struct capref disp, struct capref ep)
{
    capaddr_t addr = capref_is_null(ep) ? 0 : get_cap_addr(ep);
    errval_t err = invoke_dispatcher_set_fault_ep(get_cap_addr(disp), addr);
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_FAULT_EP) : err;
}

errval_t dispatcher_resume(struct capref disp, uintptr_t flags)
{
    errval_t err = invoke_dispatcher_resume(get_cap_addr(disp), flags);
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_RESUME) : err;
}
