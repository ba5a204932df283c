/* spawn_start and its undoing: the child's Dispatcher, its Endpoints, and the run. */
#include "spawn_internal.h"
#include <domain_layout.h>

/* The kernel reads the domain's name from its frame once, at SETUP. */
static errval_t name_frame(struct spawninfo *si)
{
    struct spawn_window w;
    errval_t err = spawn_window_open(si->parent, si->dispframe, DISPATCHER_FRAME_BYTES,
                                     VREGION_FLAGS_READ_WRITE, &w);
    if (err_is_fail(err)) {
        return err;
    }
    struct dispatcher_shared *frame = w.ptr;
    for (size_t i = 0; i < sizeof(frame->name); i++) {
        frame->name[i] = si->name[i];
    }
    return spawn_window_close(&w);
}

static errval_t make_dispatcher(struct spawninfo *si, struct capref parent_ep)
{
    errval_t err = dispatcher_create(&si->disp);
    if (err_is_fail(err)) {
        si->disp = NULL_CAP;
        return err;
    }
    si->started = true; /* from here on spawn_stop_and_end undoes */
    err =
        spawn_delegate(spawn_child_slot(si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER), si->disp);
    if (err_is_ok(err) && !capref_is_null(parent_ep)) {
        err =
            spawn_delegate(spawn_child_slot(si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_PARENT), parent_ep);
    }
    if (err_is_ok(err)) {
        err = endpoint_create(si->disp, &si->child_ep);
        si->child_ep = err_is_ok(err) ? si->child_ep : NULL_CAP;
    }
    return err;
}

errval_t spawn_start(struct spawninfo *si, struct capref parent_ep)
{
    if (si == NULL || capref_is_null(si->dispframe) || si->started) {
        return LIB_ERR_SPAWN_NOT_LOADED;
    }
    errval_t err = name_frame(si);
    if (err_is_ok(err)) {
        err = make_dispatcher(si, parent_ep);
    }
    if (err_is_ok(err)) {
        err = dispatcher_setup(si->disp, si->rootcn, si->vroot, si->dispframe,
                               DOMAIN_DISPATCHER_FRAME_VADDR, si->entry, si->stack_top);
    }
    if (err_is_ok(err)) {
        err = dispatcher_run(si->disp);
    }
    if (err_is_fail(err)) {
        spawn_stop_and_end(si);
        return err_push(err, LIB_ERR_SPAWN_START);
    }
    return SYS_ERR_OK;
}

errval_t spawn_stop_and_end(struct spawninfo *si)
{
    if (!si->started) {
        return SYS_ERR_OK;
    }
    /* Revoking the Dispatcher ends the domain and deletes every copy of it and every Endpoint
       retyped from it, the parent's child_ep among them: only that slot is left to free. */
    errval_t err = dispatcher_destroy(si->disp);
    if (!capref_is_null(si->child_ep)) {
        slot_free(si->child_ep);
    }
    struct capref parent = spawn_child_slot(si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_PARENT);
    cap_delete(parent); /* a copy of the caller's Endpoint, or nothing: both fine */
    si->disp = NULL_CAP;
    si->child_ep = NULL_CAP;
    si->started = false;
    return err;
}

errval_t spawn_set_pager(struct spawninfo *si, struct capref ep)
{
    return si == NULL || !si->started ? LIB_ERR_SPAWN_NOT_LOADED
                                      : dispatcher_set_fault_ep(si->disp, ep);
}

errval_t spawn_pager_resume(struct spawninfo *si, uintptr_t flags)
{
    return si == NULL || !si->started ? LIB_ERR_SPAWN_NOT_LOADED
                                      : dispatcher_resume(si->disp, flags);
}
