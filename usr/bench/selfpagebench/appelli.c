/* The Appel-Li series (ASPLOS 1991): TRAP, PROT1+TRAP+UNPROT, PROTN+TRAP+UNPROT and MAP2. */
#include "selfpagebench.h"
#include <stdio.h>
#include <stdlib.h>

#define PROTN_PAGES 100
#define WRITE_FAULT (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE) /* a permission fault */

static uint64_t samples[REPEATS];

/* The protected range the handler serves: a write there makes the faulting page writable. */
static genvaddr_t prot_base;
static size_t prot_pages;

static bool unprotect(const struct disp_fault *f)
{
    genvaddr_t page = f->vaddr & ~(genvaddr_t)(PAGE - 1);
    if (f->kind != WRITE_FAULT || page < prot_base || page >= prot_base + prot_pages * PAGE) {
        return false; /* not the fault this series makes: the kernel's report ends the run */
    }
    return err_is_ok(pmap_modify_flags(&bench_pmap, page, PAGE, VREGION_FLAGS_READ_WRITE));
}

static void serve_range(genvaddr_t base, size_t pages)
{
    prot_base = base;
    prot_pages = pages;
    bench_serve(unprotect);
}

static genvaddr_t map_fresh(size_t pages, struct capref *frame)
{
    genvaddr_t at;
    bench_check(frame_alloc(frame, pages * PAGE, NULL), "frame_alloc");
    bench_check(pmap_determine_addr(&bench_pmap, pages * PAGE, PAGE, &at), "determine_addr");
    bench_check(pmap_map(&bench_pmap, at, *frame, 0, pages * PAGE, VREGION_FLAGS_READ_WRITE),
                "pmap_map");
    return at;
}

static void store(genvaddr_t at, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)at = value;
}

static uint32_t load(genvaddr_t at)
{
    return *(volatile uint32_t *)(uintptr_t)at;
}

static void fail_unless(bool ok, const char *what)
{
    if (!ok) {
        printf("selfpagebench: FAILED %s\n", what);
        exit(1);
    }
}

/* TRAP alone (the page protected untimed before each store), then PROT1 + TRAP + UNPROT. */
static void bench_trap(void)
{
    struct capref frame;
    genvaddr_t page = map_fresh(1, &frame);
    serve_range(page, 1);
    struct trap_count count;
    trap_count_start(&count);
    for (int i = 0; i < REPEATS; i++) {
        bench_check(pmap_modify_flags(&bench_pmap, page, PAGE, VREGION_FLAGS_READ), "protect");
        uint64_t t0 = bench_now();
        store(page + 8, (uint32_t)i);
        samples[i] = bench_now() - t0;
        fail_unless(load(page + 8) == (uint32_t)i, "appel-li TRAP: the store was lost");
    }
    trap_count_check(&count, "appel-li TRAP", REPEATS);
    bench_report("appel-li TRAP", samples, 1);
    trap_count_start(&count);
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = bench_now();
        bench_check(pmap_modify_flags(&bench_pmap, page, PAGE, VREGION_FLAGS_READ), "protect");
        store(page + 8, (uint32_t)~i);
        samples[i] = bench_now() - t0;
        fail_unless(load(page + 8) == (uint32_t)~i, "appel-li PROT1: the store was lost");
    }
    trap_count_check(&count, "appel-li PROT1+TRAP+UNPROT", REPEATS);
    bench_report("appel-li PROT1+TRAP+UNPROT", samples, 1);
}

/* A fixed pseudo-random order of the pages (linuxbench's appelli_linux.c uses the same). */
static void permute(uint32_t *order, uint32_t n)
{
    uint32_t x = 12345;
    for (uint32_t i = 0; i < n; i++) {
        order[i] = i;
    }
    for (uint32_t i = n - 1; i > 0; i--) {
        x = x * 1103515245u + 12345u;
        uint32_t j = (x >> 8) % (i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* One round: protect all pages in one call, then a store to each in order, each trapping. */
static uint64_t protn_round(genvaddr_t base, const uint32_t *order, uint32_t value)
{
    uint64_t t0 = bench_now();
    bench_check(pmap_modify_flags(&bench_pmap, base, PROTN_PAGES * PAGE, VREGION_FLAGS_READ),
                "protect 100 pages");
    for (uint32_t k = 0; k < PROTN_PAGES; k++) {
        store(base + order[k] * PAGE, value + k);
    }
    uint64_t t = bench_now() - t0;
    for (uint32_t k = 0; k < PROTN_PAGES; k++) {
        fail_unless(load(base + order[k] * PAGE) == value + k, "PROTN: a store was lost");
    }
    return t;
}

/*
 * The first round (untimed) splits the one run into a run per page, as each trap unprotects
 * its own page; the timed rounds find them split, as a collector's rounds would.
 */
static void bench_protn(void)
{
    struct capref frame;
    genvaddr_t base = map_fresh(PROTN_PAGES, &frame);
    uint32_t order[PROTN_PAGES];
    permute(order, PROTN_PAGES);
    serve_range(base, PROTN_PAGES);
    struct trap_count count;
    trap_count_start(&count);
    protn_round(base, order, 0);
    for (int i = 0; i < REPEATS; i++) {
        samples[i] = protn_round(base, order, (uint32_t)i * 1000u);
    }
    trap_count_check(&count, "appel-li PROTN+TRAP+UNPROT", (uint64_t)(REPEATS + 1) * PROTN_PAGES);
    bench_report("appel-li PROTN+TRAP+UNPROT per page", samples, PROTN_PAGES);
}

/*
 * MAP2: the frame stays read-write at `first`; each round maps it read-only at `second` and reads
 * through it (timed, as Linux's mmap and the read that populates it), sees there the store made
 * through the first, and a store through the second traps.
 */
static void bench_map2(void)
{
    struct capref frame, pin;
    genvaddr_t first = map_fresh(1, &frame);
    genvaddr_t second;
    bench_check(pmap_determine_addr(&bench_pmap, 2 * PAGE, PAGE, &second), "determine_addr");
    /* A page kept mapped beside it keeps the leaf table, as Linux keeps its own. */
    bench_check(frame_alloc(&pin, PAGE, NULL), "frame_alloc");
    bench_check(pmap_map(&bench_pmap, second + PAGE, pin, 0, PAGE, VREGION_FLAGS_READ), "pin");
    serve_range(second, 1);
    struct trap_count count;
    trap_count_start(&count);
    for (int i = 0; i < REPEATS; i++) {
        store(first, (uint32_t)i);
        uint64_t t0 = bench_now();
        errval_t err = pmap_map(&bench_pmap, second, frame, 0, PAGE, VREGION_FLAGS_READ);
        uint32_t seen = err_is_ok(err) ? load(second) : 0;
        samples[i] = bench_now() - t0;
        bench_check(err, "map2");
        fail_unless(seen == (uint32_t)i, "MAP2: the second address does not see it");
        store(second + 4, (uint32_t)~i); /* traps: the handler allows it */
        fail_unless(load(first + 4) == (uint32_t)~i, "MAP2: the first address does not see it");
        bench_check(pmap_unmap(&bench_pmap, second, PAGE), "unmap2");
    }
    trap_count_check(&count, "appel-li MAP2", REPEATS);
    bench_report("appel-li MAP2", samples, 1);
}

void bench_appelli(void)
{
    bench_trap();
    bench_protn();
    bench_map2();
}
