/* vspace_unmap: a region goes, with the frames only it held. */
#include "vspace_internal.h"

/* Unmaps each mapped page of anonymous r, freeing its frame unless a copy-on-write peer
   still maps it. */
static errval_t release_anon(struct vspace *vs, const struct vspace_region *r)
{
    for (genvaddr_t page = r->base; page < r->base + r->bytes; page += BASE_PAGE_BYTES) {
        struct pmap_mapping_info m;
        if (err_is_fail(pmap_lookup(vs->pmap, page, &m))) {
            continue;
        }
        genvaddr_t peer;
        bool shared = cow_peer_mapping(vs, r, page, &peer) != NULL;
        errval_t err = pmap_unmap(vs->pmap, page, BASE_PAGE_BYTES);
        if (err_is_ok(err) && !shared) {
            err = frame_free(m.frame);
            vs->stats.frames_owned -= err_is_ok(err);
        }
        if (err_is_fail(err)) {
            return err;
        }
    }
    return SYS_ERR_OK;
}

/* Does another region (a piece protect split off) hold r's pinned frame? */
static bool frame_held_elsewhere(const struct vspace *vs, const struct vspace_region *r)
{
    for (size_t i = 0; i < vs->count; i++) {
        const struct vspace_region *q = &vs->regions[i];
        if (q != r && q->object == VSPACE_PINNED && capref_equal(q->frame, r->frame)) {
            return true;
        }
    }
    return false;
}

static errval_t release(struct vspace *vs, const struct vspace_region *r)
{
    switch (r->object) {
    case VSPACE_ANON:
        return release_anon(vs, r);
    case VSPACE_FRAME:
        return pmap_unmap(vs->pmap, r->base, r->bytes);
    case VSPACE_PINNED: {
        errval_t err = pmap_unmap(vs->pmap, r->base, r->bytes);
        if (err_is_ok(err) && !frame_held_elsewhere(vs, r)) {
            err = frame_free(r->frame);
            vs->stats.frames_owned -= err_is_ok(err);
        }
        return err;
    }
    default:
        return SYS_ERR_OK;
    }
}

errval_t vspace_unmap(struct vspace *vs, genvaddr_t vaddr)
{
    long i = region_index(vs, vaddr);
    errval_t err = SYS_ERR_OK;
    if (i < 0 || vs->regions[i].base != vaddr) {
        err = LIB_ERR_VSPACE_NO_REGION;
    } else if (vs->regions[i].flags & VSPACE_KEEP) {
        err = LIB_ERR_VSPACE_KEPT;
    } else {
        err = release(vs, &vs->regions[i]);
    }
    if (err_is_ok(err)) {
        region_remove(vs, (size_t)i);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VSPACE_UNMAP) : err;
}
