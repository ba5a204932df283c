/* The region table: a sorted array searched by bisection, split and joined in place. */
#include "vspace_internal.h"
#include <string.h>
#include <vspace_platform.h>

long region_index(const struct vspace *vs, genvaddr_t vaddr)
{
    size_t lo = 0, hi = vs->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct vspace_region *r = &vs->regions[mid];
        if (vaddr < r->base) {
            hi = mid;
        } else if (vaddr - r->base >= r->bytes) {
            lo = mid + 1;
        } else {
            return (long)mid;
        }
    }
    return -1;
}

/* Index of the first region ending above vaddr. */
static size_t first_above(const struct vspace *vs, genvaddr_t vaddr)
{
    size_t lo = 0, hi = vs->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct vspace_region *r = &vs->regions[mid];
        if (r->base + r->bytes <= vaddr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

bool region_overlaps(const struct vspace *vs, genvaddr_t vaddr, gensize_t bytes)
{
    size_t i = first_above(vs, vaddr);
    return i < vs->count && vs->regions[i].base < vaddr + bytes;
}

long region_first_overlap(const struct vspace *vs, genvaddr_t vaddr, gensize_t bytes)
{
    size_t i = first_above(vs, vaddr);
    return i < vs->count && vs->regions[i].base < vaddr + bytes ? (long)i : -1;
}

void region_insert(struct vspace *vs, const struct vspace_region *r)
{
    size_t i = first_above(vs, r->base);
    memmove(&vs->regions[i + 1], &vs->regions[i], (vs->count - i) * sizeof(*r));
    vs->regions[i] = *r;
    vs->count++;
}

/* Maps a pinned table of bytes (a multiple of the page size) and moves the regions there. */
static errval_t table_move(struct vspace *vs, gensize_t bytes)
{
    struct capref frame;
    genvaddr_t va;
    errval_t err = frame_alloc(&frame, bytes, NULL);
    if (err_is_fail(err)) {
        return err;
    }
    err = choose_region_addr(vs, bytes, &va);
    if (err_is_ok(err)) {
        err = pmap_map(vs->pmap, va, frame, 0, bytes, VREGION_FLAGS_READ_WRITE);
    }
    if (err_is_fail(err)) {
        frame_free(frame);
        return err;
    }
    struct vspace_region *table = vspace_platform_pointer(vs->pmap, va, bytes);
    memcpy(table, vs->regions, vs->count * sizeof(*table));
    region_table_free(vs); /* the old one, if pinned: an unmap of what we mapped */
    vs->regions = table;
    vs->capacity = bytes / sizeof(*table);
    vs->table_frame = frame;
    vs->table_vaddr = va;
    return SYS_ERR_OK;
}

errval_t region_reserve(struct vspace *vs, size_t more)
{
    if (vs->count + more > vs->max_regions) {
        return LIB_ERR_VSPACE_TOO_MANY_REGIONS;
    }
    if (vs->count + more <= vs->capacity) {
        return SYS_ERR_OK;
    }
    size_t want = vs->capacity * 2 > vs->count + more ? vs->capacity * 2 : vs->count + more;
    gensize_t bytes = (want * sizeof(struct vspace_region) + BASE_PAGE_BYTES - 1) &
                      ~(gensize_t)(BASE_PAGE_BYTES - 1);
    return table_move(vs, bytes);
}

errval_t region_table_free(struct vspace *vs)
{
    if (vs->regions == vs->inline_regions) {
        return SYS_ERR_OK;
    }
    gensize_t bytes = vs->capacity * sizeof(struct vspace_region);
    bytes = (bytes + BASE_PAGE_BYTES - 1) & ~(gensize_t)(BASE_PAGE_BYTES - 1);
    errval_t err = pmap_unmap(vs->pmap, vs->table_vaddr, bytes);
    if (err_is_ok(err)) {
        err = frame_free(vs->table_frame);
    }
    return err;
}

void region_remove(struct vspace *vs, size_t index)
{
    memmove(&vs->regions[index], &vs->regions[index + 1],
            (vs->count - index - 1) * sizeof(vs->regions[0]));
    vs->count--;
}

void region_split_at(struct vspace *vs, genvaddr_t vaddr)
{
    long i = region_index(vs, vaddr);
    if (i < 0 || vs->regions[i].base == vaddr) {
        return;
    }
    struct vspace_region upper = vs->regions[i];
    gensize_t below = vaddr - upper.base;
    upper.base = vaddr;
    upper.bytes -= below;
    upper.frame_offset += below;
    upper.object_offset += below;
    vs->regions[i].bytes = below;
    region_insert(vs, &upper);
}

/* Does b continue a, the same object with the same attributes? */
static bool region_continues(const struct vspace_region *a, const struct vspace_region *b)
{
    gensize_t step = a->bytes;
    return a->base + step == b->base && a->object_id == b->object_id && a->flags == b->flags &&
           a->rights == b->rights && a->cow_group == b->cow_group &&
           a->object_offset + step == b->object_offset &&
           ((a->object != VSPACE_FRAME && a->object != VSPACE_PINNED) ||
            (capref_equal(a->frame, b->frame) && a->frame_offset + step == b->frame_offset));
}

void region_coalesce(struct vspace *vs, size_t first, size_t last)
{
    size_t i = first > 0 ? first - 1 : 0;
    size_t stop = last + 1 < vs->count ? last + 1 : vs->count - 1;
    while (i < stop && i + 1 < vs->count) {
        if (region_continues(&vs->regions[i], &vs->regions[i + 1])) {
            vs->regions[i].bytes += vs->regions[i + 1].bytes;
            region_remove(vs, i + 1);
            stop--;
        } else {
            i++;
        }
    }
}
