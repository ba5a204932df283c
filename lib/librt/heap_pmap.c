/* Backs malloc with frames mapped by the domain's own pmap. */
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdlib.h>

static struct pmap *heap_pmap;

static void *morecore_from_pmap(size_t bytes)
{
    struct capref frame;
    gensize_t frame_bytes;
    genvaddr_t vaddr;
    if (err_is_fail(frame_alloc(&frame, bytes, &frame_bytes))) {
        return NULL;
    }
    if (err_is_fail(pmap_determine_addr(heap_pmap, frame_bytes, BASE_PAGE_BYTES, &vaddr)) ||
        err_is_fail(pmap_map(heap_pmap, vaddr, frame, 0, frame_bytes, VREGION_FLAGS_READ_WRITE))) {
        frame_free(frame);
        return NULL;
    }
    return (void *)(uintptr_t)vaddr;
}

void heap_init(struct pmap *pmap)
{
    heap_pmap = pmap;
    heap_set_morecore(morecore_from_pmap);
}
