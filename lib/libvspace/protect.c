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

/* Pages of copy-on-write regions still shared go back to no write. */
static errval_t restrict_shared(struct vspace *vs, genvaddr_t vaddr, genvaddr_t end)
{
    for (genvaddr_t page = vaddr; page < end; page += BASE_PAGE_BYTES) {
        const struct vspace_region *r = &vs->regions[region_index(vs, page)];
        genvaddr_t peer;
        if (r->cow_group != 0 && cow_peer_mapping(vs, r, page, &peer) != NULL) {
            errval_t err = pmap_modify_flags(vs->pmap, page, BASE_PAGE_BYTES,
                                             r->rights & ~VREGION_FLAGS_WRITE);
            if (err_is_fail(err)) {
                return err;
            }
        }
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
    if (vs->count + region_splits_needed(vs, vaddr, end) > VSPACE_MAX_REGIONS) {
        return LIB_ERR_VSPACE_TOO_MANY_REGIONS;
    }
    /* The pmap checks the frames' rights over the whole range before it changes anything. */
    errval_t err = pmap_modify_flags(vs->pmap, vaddr, bytes, rights);
    if (err_is_fail(err)) {
        return err;
    }
    region_split_at(vs, vaddr); /* room was checked */
    region_split_at(vs, end);
    size_t first = (size_t)region_index(vs, vaddr), last = first;
    for (; last < vs->count && vs->regions[last].base < end; last++) {
        vs->regions[last].rights = rights;
    }
    err = (rights & VREGION_FLAGS_WRITE) ? restrict_shared(vs, vaddr, end) : SYS_ERR_OK;
    region_coalesce(vs, first, last - 1);
    return err;
}

errval_t vspace_protect(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                        vregion_flags_t rights)
{
    errval_t err = protect(vs, vaddr, bytes, rights);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VSPACE_PROTECT) : err;
}
