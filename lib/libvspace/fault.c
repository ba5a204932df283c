/* The fault path: what a page fault in a region means, and the frame or rights that resolve it. */
#include "vspace_internal.h"
#include <dispatcher.h>
#include <string.h>
#include <vspace_platform.h>

/* Does a mapping with flags allow the access of kind? */
static bool allows(vregion_flags_t flags, unsigned kind)
{
    switch (DISPATCHER_FAULT_ACCESS(kind)) {
    case DISPATCHER_FAULT_WRITE:
        return (flags & VREGION_FLAGS_WRITE) != 0;
    case DISPATCHER_FAULT_EXECUTE:
        return (flags & VREGION_FLAGS_EXECUTE) != 0;
    default:
        return (flags & VREGION_FLAGS_READ) != 0;
    }
}

/*
 * A fresh zeroed frame for a first touch (retype zeroes it). Once a domain has filled
 * VSPACE_SPARE_RUN pages it is filling more: frames then come from runs retyped in one
 * invocation, which spares the rest of the run the invocation, the overlap search and the RAM
 * lookup (libcap's frame_run; one frame alone when RAM cannot give a run).
 */
static errval_t fresh_frame(struct vspace *vs, struct capref *frame, genpaddr_t *base)
{
    size_t run = vs->stats.zero_fills >= VSPACE_SPARE_RUN ? VSPACE_SPARE_RUN : 1;
    return frame_run_take(&vs->spare, run, frame, base);
}

/* A first touch: a fresh frame mapped with the region's rights. The frame is the page's alone,
   so the pmap maps it lent: no copy, and no identify of a frame whose base is known. */
static errval_t zero_fill(struct vspace *vs, const struct vspace_region *r, genvaddr_t page)
{
    struct capref frame;
    genpaddr_t base;
    errval_t err = fresh_frame(vs, &frame, &base);
    if (err_is_ok(err)) {
        err = pmap_map_lent(vs->pmap, page, frame, base, BASE_PAGE_BYTES, r->rights);
        if (err_is_fail(err)) {
            frame_free(frame);
        }
    }
    if (err_is_ok(err)) {
        vs->stats.zero_fills++;
        vs->stats.frames_owned++;
    }
    return err;
}

/* A write to a page another region of the group still maps: a copy of its own. The peer's
   mapping is where the data is read from, so the old mapping here can go first. */
static errval_t cow_copy(struct vspace *vs, const struct vspace_region *r, genvaddr_t page,
                         genvaddr_t peer_page)
{
    struct capref frame;
    struct pmap_mapping_info old;
    errval_t err = pmap_lookup(vs->pmap, page, &old);
    if (err_is_ok(err)) {
        err = frame_alloc(&frame, BASE_PAGE_BYTES, NULL);
    }
    if (err_is_fail(err)) {
        return err;
    }
    gensize_t old_offset = old.offset_bytes + (page - old.vaddr);
    err = pmap_unmap(vs->pmap, page, BASE_PAGE_BYTES);
    if (err_is_ok(err)) {
        err = pmap_map(vs->pmap, page, frame, 0, BASE_PAGE_BYTES, r->rights);
        if (err_is_fail(err)) { /* back as it was: the shared page, without write */
            pmap_map(vs->pmap, page, old.frame, old_offset, BASE_PAGE_BYTES,
                     r->rights & ~VREGION_FLAGS_WRITE);
        }
    }
    if (err_is_fail(err)) {
        frame_free(frame);
        return err;
    }
    memcpy(vspace_page_pointer(vs->pmap, page), vspace_page_pointer(vs->pmap, peer_page),
           BASE_PAGE_BYTES);
    vs->stats.cow_copies++;
    vs->stats.frames_owned++;
    return SYS_ERR_OK;
}

/* A mapped page that refused the access although the region allows it. */
static errval_t resolve_mapped(struct vspace *vs, const struct vspace_region *r, genvaddr_t page,
                               const struct pmap_mapping_info *m, unsigned kind)
{
    if (allows(m->flags, kind)) {
        return SYS_ERR_OK; /* already resolved (a stale TLB entry): run it again */
    }
    genvaddr_t peer;
    if (DISPATCHER_FAULT_ACCESS(kind) == DISPATCHER_FAULT_WRITE &&
        cow_peer_mapping(vs, r, page, &peer) != NULL) {
        return cow_copy(vs, r, page, peer);
    }
    errval_t err = pmap_modify_flags(vs->pmap, page, BASE_PAGE_BYTES, r->rights);
    if (err_is_ok(err) && r->cow_group != 0) {
        vs->stats.cow_upgrades++;
    }
    return err;
}

static errval_t resolve(struct vspace *vs, genvaddr_t vaddr, unsigned kind)
{
    long i = region_index(vs, vaddr);
    if (i < 0) {
        return LIB_ERR_VSPACE_NO_REGION;
    }
    const struct vspace_region *r = &vs->regions[i];
    if (r->object == VSPACE_GUARD) {
        return r->flags & VSPACE_STACK_GUARD ? LIB_ERR_VSPACE_STACK_OVERFLOW : LIB_ERR_VSPACE_GUARD;
    }
    if (!allows(r->rights, kind)) {
        /* The domain's own trap (a barrier); what it resolved may still need a frame. */
        if (vs->on_protection_fault == NULL || !vs->on_protection_fault(vs, vaddr, kind)) {
            return LIB_ERR_VSPACE_PROTECTED;
        }
        i = region_index(vs, vaddr);
        r = i < 0 ? NULL : &vs->regions[i];
        if (r == NULL || !allows(r->rights, kind)) {
            return SYS_ERR_OK; /* the instruction runs again and tells */
        }
    }
    genvaddr_t page = vaddr & ~(genvaddr_t)(BASE_PAGE_BYTES - 1);
    struct pmap_mapping_info m;
    errval_t err = pmap_lookup(vs->pmap, page, &m);
    if (err_is_ok(err)) {
        err = resolve_mapped(vs, r, page, &m, kind);
    } else if (r->object == VSPACE_ANON && !(r->flags & VSPACE_KEEP)) {
        err = zero_fill(vs, r, page);
    } else {
        return LIB_ERR_VSPACE_NOT_BACKED; /* unmapped behind vspace's back, or a kept page */
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VSPACE_FILL) : err;
}

errval_t vspace_handle_fault(struct vspace *vs, genvaddr_t vaddr, unsigned kind)
{
    vs->stats.faults++;
    errval_t err = resolve(vs, vaddr, kind);
    if (err_is_fail(err)) {
        vs->stats.refused++;
        vs->last_error = err;
    }
    return err;
}
