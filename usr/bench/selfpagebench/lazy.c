/* The lazy first touch: each store to a reserved page makes the handler allocate and map it. */
#include "selfpagebench.h"
#include <stdio.h>
#include <stdlib.h>

#define LAZY_PAGES 32
#define FIRST_TOUCH (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE | DISPATCHER_FAULT_NOT_PRESENT)

static uint64_t samples[REPEATS];
static genvaddr_t lazy_base;
static struct capref lazy_frames[LAZY_PAGES];
static size_t lazy_count;

/* The retype zeroes the frame: the page arrives zeroed. Frames come from runs retyped at once,
   and each is this page's alone, so the pmap maps it lent (no copy, no identify), as libvspace
   does. */
static bool map_zeroed_page(const struct disp_fault *f)
{
    genvaddr_t page = f->vaddr & ~(genvaddr_t)(PAGE - 1);
    if (f->kind != FIRST_TOUCH || page != lazy_base + lazy_count * PAGE) {
        return false; /* the touches go in order, one fault each */
    }
    struct capref *frame = &lazy_frames[lazy_count];
    genpaddr_t base;
    if (!bench_fresh_frame(frame, &base)) {
        return false;
    }
    if (err_is_fail(
            pmap_map_lent(&bench_pmap, page, *frame, base, PAGE, VREGION_FLAGS_READ_WRITE))) {
        return false;
    }
    lazy_count++;
    return true;
}

static uint64_t touch_round(uint32_t value)
{
    lazy_count = 0;
    uint64_t t0 = bench_now();
    for (size_t p = 0; p < LAZY_PAGES; p++) {
        *(volatile uint32_t *)(uintptr_t)(lazy_base + p * PAGE + 64) = value;
    }
    uint64_t t = bench_now() - t0;
    for (size_t p = 0; p < LAZY_PAGES; p++) {
        volatile uint32_t *page = (volatile uint32_t *)(uintptr_t)(lazy_base + p * PAGE);
        if (page[16] != value || page[0] != 0 || page[1023] != 0) {
            printf("selfpagebench: FAILED lazy first touch: page %u not zeroed or not written\n",
                   (unsigned)p);
            exit(1);
        }
    }
    bench_check(pmap_unmap(&bench_pmap, lazy_base, LAZY_PAGES * PAGE), "unmap");
    for (size_t p = 0; p < LAZY_PAGES; p++) {
        bench_check(frame_free(lazy_frames[p]), "frame_free");
    }
    return t;
}

void bench_lazy(void)
{
    struct capref pin;
    bench_check(pmap_determine_addr(&bench_pmap, (LAZY_PAGES + 1) * PAGE, PAGE, &lazy_base),
                "determine_addr");
    /* A page kept mapped beside the range keeps its leaf table between rounds. */
    bench_check(frame_alloc(&pin, PAGE, NULL), "frame_alloc");
    bench_check(
        pmap_map(&bench_pmap, lazy_base + LAZY_PAGES * PAGE, pin, 0, PAGE, VREGION_FLAGS_READ),
        "pin");
    bench_serve(map_zeroed_page);
    struct trap_count count;
    trap_count_start(&count);
    for (int i = 0; i < REPEATS; i++) {
        samples[i] = touch_round((uint32_t)i + 1);
    }
    trap_count_check(&count, "lazy first touch", (uint64_t)REPEATS * LAZY_PAGES);
    bench_report("lazy first touch", samples, LAZY_PAGES);
}
