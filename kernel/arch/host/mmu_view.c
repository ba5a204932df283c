/* The hosted TLB: views of simulated address spaces whose pages die when the kernel flushes them.
 */
#include <host_machine.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host_internal.h"

/* A view: host pages standing for [vaddr, vaddr + pages * 4 KiB) of root's address space. */
struct view {
    genpaddr_t root;
    uint64_t vaddr;
    size_t pages;
    size_t live;       /* pages still reachable */
    uint8_t *host;     /* the first page */
    genpaddr_t *paddr; /* what each page translated to; 0 once it died */
};

/* Live views sorted by (root, vaddr); dead ones leave, their host addresses stay reserved. */
static struct view *views;
static size_t view_count, view_capacity;
static uint64_t widest_view; /* bounds how far before a flushed range a view can start */

/* Every reservation, so that no host address is handed out twice before shutdown. */
static struct reservation {
    void *base;
    size_t bytes;
} * reservations;
static size_t reservation_count, reservation_capacity;

static void *grow(void *array, size_t *capacity, size_t size)
{
    *capacity = *capacity != 0 ? *capacity * 2 : 64;
    void *p = realloc(array, *capacity * size);
    if (p == NULL) {
        fprintf(stderr, "host: out of memory for the hosted TLB\n");
        abort();
    }
    return p;
}

/* Host addresses for bytes, aligned to bytes if a power of two, inaccessible until mapped. */
static uint8_t *reserve(size_t bytes)
{
    bool power = (bytes & (bytes - 1)) == 0;
    size_t span = power ? 2 * bytes : bytes;
    void *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        return NULL;
    }
    if (reservation_count == reservation_capacity) {
        reservations = grow(reservations, &reservation_capacity, sizeof(*reservations));
    }
    reservations[reservation_count++] = (struct reservation){base, span};
    uintptr_t p = (uintptr_t)base;
    return (uint8_t *)(power ? (p + bytes - 1) / bytes * bytes : p);
}

static bool view_before(const struct view *v, genpaddr_t root, uint64_t vaddr)
{
    return v->root < root || (v->root == root && v->vaddr < vaddr);
}

/* The index of the first view not before (root, vaddr). */
static size_t lower_bound(genpaddr_t root, uint64_t vaddr)
{
    size_t lo = 0, hi = view_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (view_before(&views[mid], root, vaddr)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

void *host_mmu_view(genpaddr_t root, uint64_t vaddr, size_t bytes)
{
    if (bytes == 0 || bytes % BASE_PAGE_BYTES != 0 || vaddr % BASE_PAGE_BYTES != 0) {
        return NULL;
    }
    size_t pages = bytes / BASE_PAGE_BYTES;
    genpaddr_t *paddr = calloc(pages, sizeof(*paddr));
    uint8_t *host = paddr != NULL ? reserve(bytes) : NULL;
    for (size_t i = 0; host != NULL && i < pages; i++) {
        if (!host_mmu_translate_paddr(root, vaddr + i * BASE_PAGE_BYTES, &paddr[i]) ||
            !host_phys_mem_page_map(host + i * BASE_PAGE_BYTES, paddr[i])) {
            host = NULL; /* the reservation stays until shutdown, mapped or not */
        }
    }
    if (host == NULL) {
        free(paddr);
        return NULL;
    }
    if (view_count == view_capacity) {
        views = grow(views, &view_capacity, sizeof(*views));
    }
    size_t at = lower_bound(root, vaddr);
    memmove(&views[at + 1], &views[at], (view_count - at) * sizeof(*views));
    views[at] = (struct view){root, vaddr, pages, pages, host, paddr};
    view_count++;
    widest_view = bytes > widest_view ? bytes : widest_view;
    return host;
}

/* Kills each page of v in [start, end) that no longer translates to its frame; only those pages
   are looked at, so a flush of one page costs one walk however large the view. */
static void revalidate(struct view *v, uint64_t start, uint64_t end)
{
    uint64_t view_end = v->vaddr + v->pages * BASE_PAGE_BYTES;
    if (end <= v->vaddr || start >= view_end) {
        return;
    }
    size_t first = start > v->vaddr ? (size_t)((start - v->vaddr) / BASE_PAGE_BYTES) : 0;
    size_t last = end < view_end
                      ? (size_t)((end - v->vaddr + BASE_PAGE_BYTES - 1) / BASE_PAGE_BYTES)
                      : v->pages;
    for (size_t i = first; i < last; i++) {
        uint64_t va = v->vaddr + i * BASE_PAGE_BYTES;
        genpaddr_t now;
        if (v->paddr[i] == 0) {
            continue;
        }
        if (host_mmu_translate_paddr(v->root, va, &now) && now == v->paddr[i]) {
            continue;
        }
        /* Private and inaccessible: the frame's bytes are out of this process's reach here. */
        mmap(v->host + i * BASE_PAGE_BYTES, BASE_PAGE_BYTES, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        v->paddr[i] = 0;
        v->live--;
    }
}

static void drop_dead_views(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < view_count; i++) {
        if (views[i].live == 0) {
            free(views[i].paddr);
        } else {
            views[kept++] = views[i];
        }
    }
    view_count = kept;
}

void host_mmu_views_flush(genpaddr_t root, uint64_t vaddr, uint64_t bytes)
{
    uint64_t from = vaddr > widest_view ? vaddr - widest_view : 0;
    for (size_t i = lower_bound(root, from); i < view_count; i++) {
        struct view *v = &views[i];
        if (v->root != root || v->vaddr >= vaddr + bytes) {
            break;
        }
        revalidate(v, vaddr, vaddr + bytes);
    }
    drop_dead_views();
}

void host_mmu_views_flush_all(void)
{
    for (size_t i = 0; i < view_count; i++) {
        revalidate(&views[i], 0, UINT64_MAX);
    }
    drop_dead_views();
}

void host_mmu_views_destroy(void)
{
    for (size_t i = 0; i < view_count; i++) {
        free(views[i].paddr);
    }
    for (size_t i = 0; i < reservation_count; i++) {
        munmap(reservations[i].base, reservations[i].bytes);
    }
    free(views);
    free(reservations);
    views = NULL;
    reservations = NULL;
    view_count = view_capacity = reservation_count = reservation_capacity = 0;
    widest_view = 0;
}
