/* Making and removing regions: where they go, what they map now, what they own. */
#include "vspace_internal.h"
#include <string.h>

errval_t vspace_init(struct vspace *vs, struct pmap *pmap)
{
    memset(vs, 0, sizeof(*vs));
    vs->pmap = pmap;
    vs->regions = vs->inline_regions;
    vs->capacity = VSPACE_INLINE_REGIONS;
    vs->max_regions = VSPACE_MAX_REGIONS;
    vs->next_cow_group = 1;
    vs->next_object = 1;
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

/* A free range no region holds and the pmap has not mapped: the pmap's next fit, its search
   moved past each region it falls on (a region passes at most once before and once after the
   search wraps around). */
errval_t choose_region_addr(struct vspace *vs, gensize_t bytes, genvaddr_t *ret)
{
    for (size_t tries = 0; tries <= 2 * vs->count + 2; tries++) {
        errval_t err = pmap_determine_addr(vs->pmap, bytes, BASE_PAGE_BYTES, ret);
        if (err_is_fail(err)) {
            return err;
        }
        long i = region_first_overlap(vs, *ret, bytes);
        if (i < 0) {
            return SYS_ERR_OK;
        }
        pmap_set_search_start(vs->pmap, vs->regions[i].base + vs->regions[i].bytes);
    }
    return LIB_ERR_PMAP_NO_VIRTUAL_SPACE;
}

/* May r's range hold it? Anonymous memory and guards need addresses the pmap could map and
   has not (a guard below the pmap's range, beside the stack, only needs no region there). */
static errval_t range_is_free(struct vspace *vs, const struct vspace_region *r)
{
    if (region_overlaps(vs, r->base, r->bytes)) {
        return LIB_ERR_VSPACE_OVERLAP;
    }
    if (r->flags & VSPACE_KEEP) {
        return SYS_ERR_OK; /* adopted: its pages are mapped already */
    }
    if (r->object == VSPACE_ANON || (r->object == VSPACE_GUARD && r->base >= vs->pmap->vaddr_min)) {
        return pmap_check_free(vs->pmap, r->base, r->bytes);
    }
    return SYS_ERR_OK; /* a frame or pinned region: its pmap_map checks */
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
    errval_t err = range_is_free(vs, r);
    if (err_is_ok(err)) {
        err = region_reserve(vs, 1);
    }
    if (err_is_ok(err) && (r->object == VSPACE_FRAME || r->object == VSPACE_PINNED)) {
        err = pmap_map(vs->pmap, r->base, r->frame, r->frame_offset, r->bytes, r->rights);
    }
    if (err_is_fail(err)) {
        return err;
    }
    r->object_id = vs->next_object++;
    region_insert(vs, r);
    return SYS_ERR_OK;
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

errval_t vspace_map_kept(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes)
{
    struct vspace_region r = {.base = vaddr,
                              .bytes = bytes,
                              .object = VSPACE_ANON,
                              .flags = VSPACE_KEEP,
                              .rights = VREGION_FLAGS_READ_WRITE};
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
    ret->frames_spare = vs->spare.left;
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
