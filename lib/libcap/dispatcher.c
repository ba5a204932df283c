/* Dispatchers from a domain's side: the invocations with context, and their memory. */
#include <libcap/caps.h>
#include <libcap/dispatcher.h>
#include <libcap/invoke.h>
#include <libcap/slot_alloc.h>

#include "mem_internal.h"

errval_t dispatcher_create(struct capref *ret)
{
    struct capref slot;
    struct ram_piece piece;
    errval_t err = slot_alloc(&slot);
    if (err_is_ok(err)) {
        err = ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece);
        if (err_is_fail(err)) {
            slot_free(slot);
        }
    }
    if (err_is_ok(err)) {
        err = cap_retype(slot, piece.src, piece.offset, ObjType_Dispatcher, DISPATCHER_BYTES, 1);
        if (err_is_fail(err)) {
            ram_release(piece.base, piece.bytes);
            slot_free(slot);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_DISPATCHER_CREATE);
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t dispatcher_setup(struct capref disp, struct capref cspace, struct capref vroot,
                          struct capref frame, uint64_t frame_vaddr, uint64_t entry,
                          uint64_t stack_top)
{
    errval_t err = invoke_dispatcher_setup(
        get_cap_addr(disp), get_cap_addr(cspace), get_cap_addr(vroot), get_cap_addr(frame),
        (uintptr_t)frame_vaddr, (uintptr_t)entry, (uintptr_t)stack_top);
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_SETUP) : err;
}

errval_t dispatcher_run(struct capref disp)
{
    errval_t err = invoke_dispatcher_run(get_cap_addr(disp));
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_RUN) : err;
}

errval_t dispatcher_stop(struct capref disp)
{
    errval_t err = invoke_dispatcher_stop(get_cap_addr(disp));
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_STOP) : err;
}

errval_t dispatcher_state(struct capref disp, enum dispatcher_state *state, uint64_t *status)
{
    struct cap_identity id;
    errval_t err = cap_identify(disp, &id);
    if (err_is_ok(err) && id.type != ObjType_Dispatcher) {
        err = err_push(SYS_ERR_ILLEGAL_INVOCATION, LIB_ERR_CAP_IDENTIFY);
    }
    if (err_is_ok(err)) {
        *state = DISPATCHER_STATE(id.type_word);
        if (status != NULL) {
            *status = DISPATCHER_STATUS(id.type_word);
        }
    }
    return err;
}

errval_t dispatcher_destroy(struct capref disp)
{
    struct cap_identity id;
    errval_t err = free_object(disp, &id);
    if (err_is_ok(err)) {
        err = ram_release(id.base, BASE_PAGE_BYTES);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_DISPATCHER_DESTROY) : err;
}

errval_t endpoint_create(struct capref disp, struct capref *ret)
{
    struct capref slot;
    errval_t err = slot_alloc(&slot);
    if (err_is_ok(err)) {
        err = cap_retype(slot, disp, 0, ObjType_Endpoint, DISPATCHER_BYTES, 1);
        if (err_is_fail(err)) {
            slot_free(slot);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_ENDPOINT_CREATE);
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t endpoint_send(struct capref ep, uint64_t flags, struct capref cap, const uintptr_t *words,
                       size_t length)
{
    uintptr_t w[LMP_MSG_WORDS] = {0};
    for (size_t i = 0; i < length && i < LMP_MSG_WORDS; i++) {
        w[i] = words[i];
    }
    bool with_cap = (flags & (LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE)) != 0;
    return invoke_endpoint_send(get_cap_addr(ep), flags, with_cap ? get_cap_addr(cap) : 0, length,
                                w);
}
