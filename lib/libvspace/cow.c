/* Copy-on-write: regions of one group share frames, without write, until one side writes. */
#include "vspace_internal.h"

const struct vspace_region *cow_peer_mapping(const struct vspace *vs, const struct vspace_region *r,
                                             genvaddr_t page, genvaddr_t *peer_page)
{
    if (r->cow_group == 0) {
        return NULL;
    }
    struct pmap_mapping_info mine, theirs;
    if (err_is_fail(pmap_lookup(vs->pmap, page, &mine))) {
        return NULL;
    }
    gensize_t offset = r->object_offset + (page - r->base);
    for (size_t i = 0; i < vs->count; i++) {
        const struct vspace_region *q = &vs->regions[i];
        if (q == r || q->cow_group != r->cow_group || offset < q->object_offset ||
            offset - q->object_offset >= q->bytes) {
            continue;
        }
        genvaddr_t there = q->base + (offset - q->object_offset);
        if (err_is_ok(pmap_lookup(vs->pmap, there, &theirs)) &&
            capref_equal(theirs.frame, mine.frame) &&
            theirs.offset_bytes + (there - theirs.vaddr) ==
                mine.offset_bytes + (page - mine.vaddr)) {
            *peer_page = there;
            return q;
        }
    }
    return NULL;
}

/* Maps each page src has mapped at the same offset of dst, without write; undoes on failure. */
static errval_t share_pages(struct vspace *vs, const struct vspace_region *src, genvaddr_t dst)
{
    vregion_flags_t flags = src->rights & ~VREGION_FLAGS_WRITE;
    for (gensize_t off = 0; off < src->bytes; off += BASE_PAGE_BYTES) {
        struct pmap_mapping_info info;
        if (err_is_fail(pmap_lookup(vs->pmap, src->base + off, &info))) {
            continue;
        }
        gensize_t frame_off = info.offset_bytes + (src->base + off - info.vaddr);
        errval_t err = pmap_map(vs->pmap, dst + off, info.frame, frame_off, BASE_PAGE_BYTES, flags);
        if (err_is_fail(err)) {
            pmap_unmap(vs->pmap, dst, off); /* only what this loop mapped */
            return err;
        }
    }
    return SYS_ERR_OK;
}

errval_t vspace_copy_on_write(struct vspace *vs, genvaddr_t src, genvaddr_t *ret)
{
    long i = region_index(vs, src);
    errval_t err = SYS_ERR_OK;
    if (i < 0 || vs->regions[i].base != src) {
        err = LIB_ERR_VSPACE_NO_REGION;
    } else if (vs->regions[i].object != VSPACE_ANON || (vs->regions[i].flags & VSPACE_KEEP)) {
        err = LIB_ERR_VSPACE_NOT_ANON;
    } else {
        err = region_reserve(vs, 1);
    }
    struct vspace_region copy;
    if (err_is_ok(err)) {
        copy = vs->regions[i];
        err = choose_region_addr(vs, copy.bytes, &copy.base);
    }
    if (err_is_ok(err)) {
        err = share_pages(vs, &vs->regions[i], copy.base);
    }
    if (err_is_ok(err) && (copy.rights & VREGION_FLAGS_WRITE)) {
        /* The source loses write on what it shares; its next write copies or upgrades. */
        err = pmap_modify_flags(vs->pmap, src, copy.bytes, copy.rights & ~VREGION_FLAGS_WRITE);
        if (err_is_fail(err)) {
            pmap_unmap(vs->pmap, copy.base, copy.bytes);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_VSPACE_COPY);
    }
    if (copy.cow_group == 0) {
        copy.cow_group = vs->regions[i].cow_group = vs->next_cow_group++;
    }
    copy.object_id = vs->next_object++;
    region_insert(vs, &copy); /* into the room reserved */
    *ret = copy.base;
    return SYS_ERR_OK;
}
