/* A slab allocator: a free list threaded through the free objects themselves. */
#include <pmap/slab.h>

void slab_init(struct slab_allocator *slab, size_t obj_bytes)
{
    size_t align = sizeof(void *);
    slab->obj_bytes = (obj_bytes + align - 1) / align * align;
    slab->free_list = NULL;
    slab->free_count = 0;
    slab->total_count = 0;
}

void slab_grow(struct slab_allocator *slab, void *buf, size_t bytes)
{
    char *obj = buf;
    for (size_t n = bytes / slab->obj_bytes; n > 0; n--, obj += slab->obj_bytes) {
        slab_free(slab, obj);
        slab->total_count++;
    }
}

void *slab_alloc(struct slab_allocator *slab)
{
    void **obj = slab->free_list;
    if (obj == NULL) {
        return NULL;
    }
    slab->free_list = *obj;
    slab->free_count--;
    return obj;
}

void slab_free(struct slab_allocator *slab, void *obj)
{
    *(void **)obj = slab->free_list;
    slab->free_list = obj;
    slab->free_count++;
}
