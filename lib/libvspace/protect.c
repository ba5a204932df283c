/* vspace_protect: new rights over a range of regions, now for mapped pages, later for the rest. */
#include "vspace_internal.h"

/* Do regions other than guards cover [vaddr, end) without a gap? */
static bool covered(const struct vspace *vs, genvaddr_t vaddr, genvaddr_t end)
{
    for (genvaddr_t a = vaddr; a < end;) {
        long i = region_index(vs, a);
        if (i < 0 || vs->regions[i].object == VSPACE_GUARD) {
            return false;
        }
        a = vs->regions[i].base + vs->regions[i].bytes;
    }
    return true;
}

/* Do the frames of the caller's frame regions in the range allow rights? Checked before
   anything changes, so that a refusal leaves everything as it was. */
static errval_t frames_allow(const struct vspace *vs, genvaddr_t vaddr, genvaddr_t end,
                             vregion_flags_t rights)
{
    for (long i = region_index(vs, vaddr); i >= 0 && (size_t)i < vs->count; i++) {
        const struct vspace_region *r = &vs->regions[i];
        if (r->base >= end) {
            break;
        }
        struct cap_identity id;
        if (r->object != VSPACE_FRAME) {
            continue; /* vspace's own frames have every right */
        }
        errval_t err = cap_identify(r->frame, &id);
        if (err_is_fail(err)) {
            return err;
        }
        if (((rights & VREGION_FLAGS_WRITE) && !(id.rights & CAPRIGHTS_WRITE)) ||
            ((rights & VREGION_FLAGS_EXECUTE) && !(id.rights & CAPRIGHTS_EXECUTE))) {
            return SYS_ERR_VM_RIGHTS_EXCEED;
        }
    }
    return SYS_ERR_OK;
}

/* 1 if a region holds addr other than at its start: protect splits it there. */
static size_t splits_needed(const struct vspace *vs, genvaddr_t addr)
{
    long i = region_index(vs, addr);
    return i >= 0 && vs->regions[i].base != addr;
}

/* Each piece's mapped pages get the rights, a piece of a copy-on-write group without write
   (its next write copies or upgrades): a shared page is never writable, whatever fails. The
   piece's rights change only once its pages have: a failure leaves no page allowing more than
   its region says. */
static errval_t apply(struct vspace *vs, size_t first, genvaddr_t end, vregion_flags_t rights)
{
    for (size_t i = first; i < vs->count && vs->regions[i].base < end; i++) {
        struct vspace_region *r = &vs->regions[i];
        vregion_flags_t mapped = r->cow_group != 0 ? rights & ~VREGION_FLAGS_WRITE : rights;
        errval_t err = pmap_modify_flags(vs->pmap, r->base, r->bytes, mapped);
        if (err_is_fail(err)) {
            return err;
        }
        r->rights = rights;
    }
    return SYS_ERR_OK;
}

static errval_t protect(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                        vregion_flags_t rights)
{
    genvaddr_t end = vaddr + bytes;
    if (!vspace_range_aligned(vaddr, bytes)) {
        return LIB_ERR_VSPACE_NOT_ALIGNED;
    }
    if (!vspace_rights_valid(rights)) {
        return LIB_ERR_VSPACE_RIGHTS_INVALID;
    }
    if (!covered(vs, vaddr, end)) {
        return LIB_ERR_VSPACE_NOT_COVERED;
    }
    errval_t err = frames_allow(vs, vaddr, end, rights);
    if (err_is_ok(err)) {
        err = region_reserve(vs, splits_needed(vs, vaddr) + splits_needed(vs, end));
    }
    if (err_is_fail(err)) {
        return err;
    }
    region_split_at(vs, vaddr);
    region_split_at(vs, end);
    size_t first = (size_t)region_index(vs, vaddr), last = (size_t)region_index(vs, end - 1);
    err = apply(vs, first, end, rights);
    region_coalesce(vs, first, last);
    return err;
}

errval_t vspace_protect(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                        vregion_flags_t rights)
{
    errval_t err = protect(vs, vaddr, bytes, rights);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VSPACE_PROTECT) : err;
}
