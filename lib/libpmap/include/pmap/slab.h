/* A slab allocator: fixed-size objects carved from blocks the owner adds. */
#ifndef PMAP_SLAB_H
#define PMAP_SLAB_H

#include <stddef.h>

struct slab_allocator {
    size_t obj_bytes;
    void *free_list; /* each free object holds the pointer to the next */
    size_t free_count;
    size_t total_count;
};

void slab_init(struct slab_allocator *slab, size_t obj_bytes);

/* Adds every whole object that fits in [buf, buf + bytes) (buf 8-byte aligned). */
void slab_grow(struct slab_allocator *slab, void *buf, size_t bytes);

/* An object, or NULL when the slab is empty. */
void *slab_alloc(struct slab_allocator *slab);

void slab_free(struct slab_allocator *slab, void *obj);

#endif
