/* Stacks: a region with a guard page below it, so that an overflow faults as one. */
#include "vspace_internal.h"

errval_t vspace_map_stack(struct vspace *vs, gensize_t bytes, enum vspace_object object,
                          genvaddr_t *ret_top)
{
    genvaddr_t base;
    errval_t err = SYS_ERR_OK;
    if (object != VSPACE_ANON && object != VSPACE_PINNED) {
        err = LIB_ERR_VSPACE_NOT_ANON;
    } else if (bytes == 0 || bytes % BASE_PAGE_BYTES != 0) {
        err = LIB_ERR_VSPACE_NOT_ALIGNED;
    } else {
        err = region_reserve(vs, 2);
    }
    if (err_is_ok(err)) {
        err = choose_region_addr(vs, BASE_PAGE_BYTES + bytes, &base);
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_VSPACE_MAP);
    }
    genvaddr_t stack = base + BASE_PAGE_BYTES;
    err = object == VSPACE_PINNED
              ? vspace_map_pinned_at(vs, stack, bytes, VREGION_FLAGS_READ_WRITE, false, NULL)
              : vspace_map_anon_at(vs, stack, bytes, VREGION_FLAGS_READ_WRITE);
    if (err_is_ok(err)) {
        err = vspace_map_guard_at(vs, base, BASE_PAGE_BYTES, VSPACE_STACK_GUARD);
        if (err_is_fail(err)) {
            vspace_unmap(vs, stack);
        }
    }
    if (err_is_ok(err)) {
        *ret_top = stack + bytes;
    }
    return err;
}

errval_t vspace_adopt_stack(struct vspace *vs, genvaddr_t base, genvaddr_t top)
{
    errval_t err = vspace_map_kept(vs, base, top - base);
    if (err_is_ok(err)) {
        err = vspace_map_guard_at(vs, base - BASE_PAGE_BYTES, BASE_PAGE_BYTES, VSPACE_STACK_GUARD);
        if (err_is_fail(err)) {
            region_remove(vs, (size_t)region_index(vs, base));
        }
    }
    return err;
}

errval_t vspace_destroy(struct vspace *vs)
{
    for (size_t i = vs->count; i-- > 0;) {
        if (vs->regions[i].flags & VSPACE_KEEP) {
            region_remove(vs, i); /* the pages stay: they were never vspace's (never filled) */
            continue;
        }
        errval_t err = vspace_unmap(vs, vs->regions[i].base);
        if (err_is_fail(err)) {
            return err;
        }
    }
    errval_t err = frame_run_free(&vs->spare);
    if (err_is_fail(err)) {
        return err;
    }
    err = region_table_free(vs);
    if (err_is_ok(err)) {
        vs->regions = vs->inline_regions;
        vs->capacity = VSPACE_INLINE_REGIONS;
    }
    return err;
}
