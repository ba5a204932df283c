/* malloc for domains: a first-fit free list kept in address order, coalescing on free. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Every block starts with a header; sizes count HEADER_BYTES-sized units, header included. */
struct block {
    struct block *next; /* in the free list: the next free block by address (circular) */
    size_t units;
};

#define HEADER_BYTES sizeof(struct block)
#define MIN_MORECORE_BYTES (64 * 1024)

static struct block anchor; /* a zero-sized block that keeps the circular list non-empty */
static struct block *rover; /* where the next search starts */
static void *(*morecore)(size_t bytes);
static struct heap_stats stats;

void heap_set_morecore(void *(*fn)(size_t bytes))
{
    morecore = fn;
}

void heap_get_stats(struct heap_stats *ret)
{
    *ret = stats;
}

void free(void *ptr)
{
    if (ptr == NULL) {
        return;
    }
    struct block *b = (struct block *)ptr - 1;
    stats.bytes_in_use -= b->units * HEADER_BYTES;
    struct block *p = rover;
    /* Find p with p < b < p->next, or the list's wrap-around point. */
    while (!(b > p && b < p->next)) {
        if (p >= p->next && (b > p || b < p->next)) {
            break;
        }
        p = p->next;
    }
    if (b + b->units == p->next) {
        b->units += p->next->units;
        b->next = p->next->next;
    } else {
        b->next = p->next;
    }
    if (p + p->units == b) {
        p->units += b->units;
        p->next = b->next;
    } else {
        p->next = b;
    }
    rover = p;
}

/* Asks morecore for at least units; the new memory joins the free list. */
static bool grow(size_t units)
{
    size_t bytes = units * HEADER_BYTES;
    if (bytes < MIN_MORECORE_BYTES) {
        bytes = MIN_MORECORE_BYTES;
    }
    struct block *b = morecore != NULL ? morecore(bytes) : NULL;
    if (b == NULL) {
        return false;
    }
    stats.bytes_from_morecore += bytes;
    stats.morecore_calls++;
    b->units = bytes / HEADER_BYTES;
    stats.bytes_in_use += b->units * HEADER_BYTES; /* free() below takes it back off */
    free(b + 1);
    return true;
}

void *malloc(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX / 2) {
        return NULL;
    }
    if (rover == NULL) {
        anchor.next = rover = &anchor;
        anchor.units = 0;
    }
    size_t units = (bytes + HEADER_BYTES - 1) / HEADER_BYTES + 1;
    for (struct block *prev = rover, *b = prev->next;; prev = b, b = b->next) {
        if (b->units >= units) {
            if (b->units == units) {
                prev->next = b->next;
            } else {
                b->units -= units; /* hand out the tail */
                b += b->units;
                b->units = units;
            }
            rover = prev;
            stats.bytes_in_use += units * HEADER_BYTES;
            return b + 1;
        }
        if (b == rover) {
            if (!grow(units)) {
                return NULL;
            }
            b = rover; /* search on from where the new memory went in */
        }
    }
}

void *calloc(size_t count, size_t bytes)
{
    if (bytes != 0 && count > SIZE_MAX / bytes) {
        return NULL;
    }
    void *p = malloc(count * bytes);
    if (p != NULL) {
        memset(p, 0, count * bytes);
    }
    return p;
}

void *realloc(void *ptr, size_t bytes)
{
    if (ptr == NULL) {
        return malloc(bytes);
    }
    if (bytes == 0) {
        free(ptr);
        return NULL;
    }
    size_t old = (((struct block *)ptr - 1)->units - 1) * HEADER_BYTES;
    if (bytes <= old) {
        return ptr;
    }
    void *p = malloc(bytes);
    if (p != NULL) {
        memcpy(p, ptr, old);
        free(ptr);
    }
    return p;
}
