/* Making and removing regions: where they go, what they map now, what they own. */
#include "vspace_internal.h"
#include <string.h>

errval_t vspace_init(struct vspace *vs, struct pmap *pmap)
{
    memset(vs, 0, sizeof(*vs));
    vs->pmap = pmap;
    vs->next_cow_group = 1;
    return SYS_ERR_OK;
}

bool vspace_rights_valid(vregion_flags_t rights)
{
    vregion_flags_t allowed = VREGION_FLAGS_READ | VREGION_FLAGS_WRITE | VREGION_FLAGS_EXECUTE;
    return (rights & ~allowed) == 0 && (rights & VREGION_FLAGS_READ);
}

bool vspace_range_aligned(genvaddr_t vaddr, gensize_t bytes)
{
    return bytes != 0 && vaddr % BASE_PAGE_BYTES == 0 && bytes % BASE_PAGE_BYTES == 0 &&
           vaddr + bytes > vaddr;
}

/* A free range no region holds and the pmap has not mapped: the pmap's next fit, passed on
   while it falls on a region (each try moves its search past the last range). */
errval_t choose_region_addr(struct vspace *vs, gensize_t bytes, genvaddr_t *ret)
{
    for (size_t tries = 0; tries <= vs->count + 1; tries++) {
        errval_t err = pmap_determine_addr(vs->pmap, bytes, BASE_PAGE_BYTES, ret);
        if (err_is_fail(err)) {
            return err;
        }
        if (!region_overlaps(vs, *ret, bytes)) {
            return SYS_ERR_OK;
        }
    }
    return LIB_ERR_PMAP_NO_VIRTUAL_SPACE;
}

/* Checks and records r; maps what its object maps now. */
static errval_t add_region(struct vspace *vs, struct vspace_region *r)
{
    if (!vspace_range_aligned(r->base, r->bytes)) {
        return LIB_ERR_VSPACE_NOT_ALIGNED;
    }
    if (r->object != VSPACE_GUARD && !vspace_rights_valid(r->rights)) {
        return LIB_ERR_VSPACE_RIGHTS_INVALID;
    }
    if (region_overlaps(vs, r->base, r->bytes)) {
        return LIB_ERR_VSPACE_OVERLAP;
    }
    if (vs->count == VSPACE_MAX_REGIONS) {
        return LIB_ERR_VSPACE_TOO_MANY_REGIONS;
    }
    if (r->object == VSPACE_FRAME || r->object == VSPACE_PINNED) {
        errval_t err = pmap_map(vs->pmap, r->base, r->frame, r->frame_offset, r->bytes, r->rights);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return region_insert(vs, r); /* cannot fail: there was room */
}

/* add_region at an address of the caller's, or one chosen when choose is set. */
static errval_t place_region(struct vspace *vs, struct vspace_region *r, bool choose,
                             genvaddr_t *ret)
{
    errval_t err = SYS_ERR_OK;
    if (choose) {
        err = r->bytes % BASE_PAGE_BYTES != 0 || r->bytes == 0
                  ? LIB_ERR_VSPACE_NOT_ALIGNED
                  : choose_region_addr(vs, r->bytes, &r->base);
    }
    if (err_is_ok(err)) {
        err = add_region(vs, r);
    }
    if (err_is_ok(err) && ret != NULL) {
        *ret = r->base;
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VSPACE_MAP) : err;
}

errval_t vspace_map_anon(struct vspace *vs, gensize_t bytes, vregion_flags_t rights,
                         genvaddr_t *ret)
{
    struct vspace_region r = {.bytes = bytes, .object = VSPACE_ANON, .rights = rights};
    return place_region(vs, &r, true, ret);
}

errval_t vspace_map_anon_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                            vregion_flags_t rights)
{
    struct vspace_region r = {
        .base = vaddr, .bytes = bytes, .object = VSPACE_ANON, .rights = rights};
    return place_region(vs, &r, false, NULL);
}

errval_t vspace_map_frame(struct vspace *vs, struct capref frame, gensize_t offset, gensize_t bytes,
                          vregion_flags_t rights, genvaddr_t *ret)
{
    struct vspace_region r = {.bytes = bytes,
                              .object = VSPACE_FRAME,
                              .rights = rights,
                              .frame = frame,
                              .frame_offset = offset};
    return place_region(vs, &r, true, ret);
}

errval_t vspace_map_pinned_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                              vregion_flags_t rights, bool choose, genvaddr_t *ret)
{
    struct vspace_region r = {
        .base = vaddr, .bytes = bytes, .object = VSPACE_PINNED, .rights = rights};
    if (bytes == 0 || bytes % BASE_PAGE_BYTES != 0 || !vspace_rights_valid(rights)) {
        return place_region(vs, &r, choose, ret); /* refuses it, named */
    }
    errval_t err = frame_alloc(&r.frame, bytes, NULL);
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_VSPACE_MAP);
    }
    err = place_region(vs, &r, choose, ret);
    if (err_is_fail(err)) {
        frame_free(r.frame);
        return err;
    }
    vs->stats.frames_owned++;
    return err;
}

errval_t vspace_map_pinned(struct vspace *vs, gensize_t bytes, vregion_flags_t rights,
                           genvaddr_t *ret)
{
    return vspace_map_pinned_at(vs, 0, bytes, rights, true, ret);
}

errval_t vspace_map_guard(struct vspace *vs, gensize_t bytes, genvaddr_t *ret)
{
    struct vspace_region r = {.bytes = bytes, .object = VSPACE_GUARD};
    return place_region(vs, &r, true, ret);
}

errval_t vspace_map_guard_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes, unsigned flags)
{
    struct vspace_region r = {
        .base = vaddr, .bytes = bytes, .object = VSPACE_GUARD, .flags = flags};
    return place_region(vs, &r, false, NULL);
}

const struct vspace_region *vspace_region_of(const struct vspace *vs, genvaddr_t vaddr)
{
    long i = region_index(vs, vaddr);
    return i < 0 ? NULL : &vs->regions[i];
}

void vspace_get_stats(const struct vspace *vs, struct vspace_stats *ret)
{
    *ret = vs->stats;
    ret->regions = vs->count;
}

void vspace_set_protection_handler(struct vspace *vs,
                                   bool (*fn)(struct vspace *vs, genvaddr_t vaddr, unsigned kind))
{
    vs->on_protection_fault = fn;
}

void vspace_set_error_handler(struct vspace *vs, void (*fn)(struct vspace *vs, genvaddr_t vaddr,
                                                            unsigned kind, errval_t err))
{
    vs->on_unresolved = fn;
}
