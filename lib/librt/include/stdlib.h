/* Process control and memory for domains: exit, and malloc over memory the domain maps. */
#ifndef LIBRT_STDLIB_H
#define LIBRT_STDLIB_H

#include <stddef.h>

_Noreturn void exit(int status);
_Noreturn void abort(void);

/*
 * malloc(0) returns NULL: there are no blocks of no bytes. calloc returns zeroed memory, or NULL
 * when count * bytes is 0 or does not fit a size_t. realloc(NULL, bytes) is malloc(bytes);
 * realloc(ptr, 0) frees ptr and returns NULL; a size the block already holds keeps it (and its
 * contents) where it is; a larger size moves the contents to a new block and frees the old one,
 * or returns NULL and leaves ptr as it was.
 */
void *malloc(size_t bytes);
void *calloc(size_t count, size_t bytes);
void *realloc(void *ptr, size_t bytes);
void free(void *ptr);

/*
 * Where malloc's memory comes from: morecore(bytes) returns that much
 * fresh, mapped, writable memory or NULL. heap_init (heap_pmap.c) sets it
 * to map frames with the domain's pmap; until then malloc returns NULL.
 */
struct pmap;
void heap_init(struct pmap *pmap);
void heap_set_morecore(void *(*morecore)(size_t bytes));

struct heap_stats {
    size_t bytes_in_use; /* handed out, headers included */
    size_t bytes_from_morecore;
    size_t morecore_calls;
};
void heap_get_stats(struct heap_stats *ret);

#endif
