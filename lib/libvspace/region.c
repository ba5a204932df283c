/* The region table: a sorted array searched by bisection, split and joined in place. */
#include "vspace_internal.h"
#include <string.h>

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

errval_t region_insert(struct vspace *vs, const struct vspace_region *r)
{
    if (vs->count == VSPACE_MAX_REGIONS) {
        return LIB_ERR_VSPACE_TOO_MANY_REGIONS;
    }
    size_t i = first_above(vs, r->base);
    memmove(&vs->regions[i + 1], &vs->regions[i], (vs->count - i) * sizeof(*r));
    vs->regions[i] = *r;
    vs->count++;
    return SYS_ERR_OK;
}

void region_remove(struct vspace *vs, size_t index)
{
    memmove(&vs->regions[index], &vs->regions[index + 1],
            (vs->count - index - 1) * sizeof(vs->regions[0]));
    vs->count--;
}

errval_t region_split_at(struct vspace *vs, genvaddr_t vaddr)
{
    long i = region_index(vs, vaddr);
    if (i < 0 || vs->regions[i].base == vaddr) {
        return SYS_ERR_OK;
    }
    struct vspace_region upper = vs->regions[i];
    gensize_t below = vaddr - upper.base;
    upper.base = vaddr;
    upper.bytes -= below;
    upper.frame_offset += below;
    upper.object_offset += below;
    if (vs->count == VSPACE_MAX_REGIONS) {
        return LIB_ERR_VSPACE_TOO_MANY_REGIONS;
    }
    vs->regions[i].bytes = below;
    return region_insert(vs, &upper);
}

size_t region_splits_needed(const struct vspace *vs, genvaddr_t vaddr, genvaddr_t end)
{
    size_t n = 0;
    long i = region_index(vs, vaddr);
    n += i >= 0 && vs->regions[i].base != vaddr;
    i = region_index(vs, end);
    n += i >= 0 && vs->regions[i].base != end;
    return n;
}

/* Does b continue a, the same object with the same attributes? */
static bool region_continues(const struct vspace_region *a, const struct vspace_region *b)
{
    gensize_t step = a->bytes;
    return a->base + step == b->base && a->object == b->object && a->flags == b->flags &&
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
