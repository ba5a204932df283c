/* Windows: a frame mapped into the parent for a moment, so that it can read or fill it. */
#include "spawn_internal.h"

errval_t spawn_window_open(struct pmap *parent, struct capref frame, gensize_t bytes,
                           vregion_flags_t flags, struct spawn_window *ret)
{
    gensize_t mapped = (bytes + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
    genvaddr_t vaddr;
    errval_t err = pmap_determine_addr(parent, mapped, BASE_PAGE_BYTES, &vaddr);
    if (err_is_ok(err)) {
        err = pmap_map(parent, vaddr, frame, 0, mapped, flags);
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_SPAWN_PARENT_MAP);
    }
    *ret =
        (struct spawn_window){parent, vaddr, mapped, spawn_platform_pointer(parent, vaddr, mapped)};
    if (ret->ptr == NULL) {
        pmap_unmap(parent, vaddr, mapped);
        return LIB_ERR_SPAWN_PARENT_MAP;
    }
    return SYS_ERR_OK;
}

errval_t spawn_window_close(struct spawn_window *w)
{
    errval_t err = pmap_unmap(w->pmap, w->vaddr, w->bytes);
    w->ptr = NULL;
    return err_is_fail(err) ? err_push(err, LIB_ERR_SPAWN_PARENT_MAP) : err;
}
