/* The booted soak's operations: regions of frames mapped twice, their bytes checked through both.
 */
#include "soak.h"
#include <stdio.h>

#define MAX_REGIONS 512
#define MAX_PAGES 8
#define MAX_SLOTS 16
#define PAGE BASE_PAGE_BYTES

/*
 * A region: a frame mapped read-write at va and read-only at alias; holes are the pages unmapped
 * from va since. Every page carries a pattern written through va when it was mapped.
 */
struct region {
    bool live;
    struct capref frame;
    genvaddr_t va, alias;
    unsigned pages;
    uint8_t holes;
    bool read_only; /* va's flags were modified to read-only */
    uint32_t tag;
};

static struct region regions[MAX_REGIONS];
static struct capref slots[MAX_SLOTS];
static unsigned slot_count;
static uint64_t rng;
struct soak_tally soak_tally;

static uint64_t next(void)
{
    rng ^= rng >> 12; /* xorshift64* */
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

static char reason[200];

static const char *failed(const char *what, errval_t err)
{
    char chain[120] = "";
    if (err_is_fail(err)) {
        err_format(err, chain, sizeof(chain));
    }
    snprintf(reason, sizeof(reason), "%s%s%s", what, chain[0] ? ": " : "", chain);
    return reason;
}

#define TRY(call, what)                                                                            \
    do {                                                                                           \
        errval_t try_err_ = (call);                                                                \
        if (err_is_fail(try_err_))                                                                 \
            return failed(what, try_err_);                                                         \
    } while (0)

static uint32_t pattern(const struct region *r, unsigned page, unsigned word)
{
    return r->tag * 2654435761u ^ (page << 16) ^ word;
}

/* The pattern of every page, read through the alias and (where mapped) through va. */
static const char *check_bytes(const struct region *r)
{
    for (unsigned p = 0; p < r->pages; p++) {
        const volatile uint32_t *a = (const volatile uint32_t *)(uintptr_t)(r->alias + p * PAGE);
        const volatile uint32_t *v = (const volatile uint32_t *)(uintptr_t)(r->va + p * PAGE);
        for (unsigned w = 0; w < PAGE / 4; w += 257) {
            if (a[w] != pattern(r, p, w)) {
                snprintf(reason, sizeof(reason), "alias 0x%llx reads 0x%x, want 0x%x",
                         (unsigned long long)(r->alias + p * PAGE + 4 * w), (unsigned)a[w],
                         (unsigned)pattern(r, p, w));
                return reason;
            }
            if (!(r->holes & (1u << p)) && v[w] != a[w]) {
                snprintf(reason, sizeof(reason), "0x%llx reads 0x%x, its alias 0x%x",
                         (unsigned long long)(r->va + p * PAGE + 4 * w), (unsigned)v[w],
                         (unsigned)a[w]);
                return reason;
            }
        }
        soak_tally.pages_checked++;
    }
    return NULL;
}

static const char *map_region(struct region *r)
{
    r->pages = 1 + below(MAX_PAGES);
    gensize_t bytes = r->pages * PAGE;
    TRY(frame_alloc(&r->frame, bytes, NULL), "frame_alloc");
    TRY(pmap_determine_addr(&self_pmap, bytes, PAGE, &r->va), "pmap_determine_addr");
    TRY(pmap_map(&self_pmap, r->va, r->frame, 0, bytes, VREGION_FLAGS_READ_WRITE), "pmap_map");
    TRY(pmap_determine_addr(&self_pmap, bytes, PAGE, &r->alias), "pmap_determine_addr (alias)");
    TRY(pmap_map(&self_pmap, r->alias, r->frame, 0, bytes, VREGION_FLAGS_READ), "pmap_map alias");
    r->live = true;
    r->holes = 0;
    r->read_only = false;
    r->tag = (uint32_t)next();
    for (unsigned p = 0; p < r->pages; p++) {
        volatile uint32_t *v = (volatile uint32_t *)(uintptr_t)(r->va + p * PAGE);
        for (unsigned w = 0; w < PAGE / 4; w += 257) {
            v[w] = pattern(r, p, w);
        }
    }
    soak_tally.maps++;
    return check_bytes(r);
}

static const char *free_region(struct region *r)
{
    TRY(pmap_unmap(&self_pmap, r->va, r->pages * PAGE), "pmap_unmap");
    TRY(pmap_unmap(&self_pmap, r->alias, r->pages * PAGE), "pmap_unmap alias");
    TRY(frame_free(r->frame), "frame_free");
    r->live = false;
    soak_tally.frees++;
    return NULL;
}

/* Unmaps one page of va (splitting its run); the alias must still read the page's bytes. */
static const char *punch(struct region *r)
{
    unsigned p = below(r->pages);
    TRY(pmap_unmap(&self_pmap, r->va + p * PAGE, PAGE), "pmap_unmap one page");
    r->holes |= (uint8_t)(1u << p);
    soak_tally.unmaps++;
    return check_bytes(r);
}

/* Turns va's second half read-only or back read-write; holes stay holes. */
static const char *modify(struct region *r)
{
    r->read_only = !r->read_only;
    vregion_flags_t flags = r->read_only ? VREGION_FLAGS_READ : VREGION_FLAGS_READ_WRITE;
    unsigned first = r->pages / 2;
    TRY(pmap_modify_flags(&self_pmap, r->va + first * PAGE, (r->pages - first) * PAGE, flags),
        "pmap_modify_flags");
    soak_tally.modifies++;
    return check_bytes(r);
}

/*
 * Maps one page SOAK_SCATTER_RUNS times, one call each, at every other page of a fresh range, reads
 * every copy, then unmaps them in a random order so that blocks fall sparse before they fall idle.
 */
static const char *scatter(void)
{
    static uint16_t order[SOAK_SCATTER_RUNS];
    struct capref frame;
    genvaddr_t va;
    TRY(frame_alloc(&frame, PAGE, NULL), "frame_alloc (scatter)");
    TRY(pmap_determine_addr(&self_pmap, 2 * SOAK_SCATTER_RUNS * PAGE, PAGE, &va),
        "pmap_determine_addr (scatter)");
    uint32_t tag = (uint32_t)next();
    for (unsigned i = 0; i < SOAK_SCATTER_RUNS; i++) {
        TRY(pmap_map(&self_pmap, va + 2 * i * PAGE, frame, 0, PAGE, VREGION_FLAGS_READ_WRITE),
            "pmap_map (scatter)");
        *(volatile uint32_t *)(uintptr_t)(va + 2 * i * PAGE + 4 * (i % 1024)) = tag ^ i;
        order[i] = (uint16_t)i;
    }
    struct pmap_stats stats;
    pmap_get_stats(&self_pmap, &stats);
    if (stats.meta_blocks > soak_tally.peak_meta_blocks) {
        soak_tally.peak_meta_blocks = stats.meta_blocks;
    }
    for (unsigned i = 0; i < SOAK_SCATTER_RUNS; i++) {
        /* every copy shows the same page: the last word each wrote is there */
        const volatile uint32_t *w = (const volatile uint32_t *)(uintptr_t)(va + 2 * i * PAGE);
        unsigned last = SOAK_SCATTER_RUNS - 1 - (SOAK_SCATTER_RUNS - 1 - i % 1024) % 1024;
        if (w[i % 1024] != (tag ^ last)) {
            snprintf(reason, sizeof(reason), "scatter copy %u reads 0x%x, want 0x%x", i,
                     (unsigned)w[i % 1024], (unsigned)(tag ^ last));
            return reason;
        }
        unsigned j = i + below(SOAK_SCATTER_RUNS - i);
        uint16_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < SOAK_SCATTER_RUNS; i++) {
        TRY(pmap_unmap(&self_pmap, va + 2 * order[i] * PAGE, PAGE), "pmap_unmap (scatter)");
    }
    TRY(frame_free(frame), "frame_free (scatter)");
    soak_tally.scatters++;
    return NULL;
}

static const char *slot_op(void)
{
    if (slot_count > 0 && (slot_count == MAX_SLOTS || below(2) == 0)) {
        TRY(slot_free(slots[--slot_count]), "slot_free");
    } else {
        TRY(slot_alloc(&slots[slot_count]), "slot_alloc");
        slot_count++;
    }
    soak_tally.slot_ops++;
    return NULL;
}

static const char *one_op(void)
{
    struct region *r = &regions[below(MAX_REGIONS)];
    unsigned pick = below(10);
    if (pick == 9) {
        return slot_op();
    }
    if (!r->live) {
        return map_region(r);
    }
    if (pick < 3) {
        return free_region(r);
    }
    return pick < 6 ? punch(r) : modify(r);
}

const char *soak_release_all(void)
{
    for (unsigned i = 0; i < MAX_REGIONS; i++) {
        if (regions[i].live) {
            const char *why = free_region(&regions[i]);
            if (why != NULL) {
                return why;
            }
        }
    }
    while (slot_count > 0) {
        TRY(slot_free(slots[--slot_count]), "slot_free");
    }
    return NULL;
}

const char *soak_phase(uint64_t seed, unsigned ops)
{
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    soak_tally = (struct soak_tally){0};
    static char at_op[240];
    for (unsigned i = 0; i < ops; i++) {
        const char *why = i == ops / 2 ? scatter() : one_op();
        if (why != NULL) {
            snprintf(at_op, sizeof(at_op), "op %u: %s", i, why);
            return at_op;
        }
    }
    return soak_release_all();
}
