/* guestbench: cycles of single invocations and pmap operations, measured in a booted domain. */
#include <cycle_counter.h>
#include <domain_layout.h>
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdio.h>
#include <stdlib.h>

#define REPEATS 201

static struct pmap pmap;
static uint64_t samples[REPEATS];

static inline uint64_t cycles(void)
{
    return cycle_counter();
}

static void sort_samples(void)
{
    for (int i = 1; i < REPEATS; i++) { /* insertion sort: REPEATS is small */
        uint64_t v = samples[i];
        int j = i;
        for (; j > 0 && samples[j - 1] > v; j--) {
            samples[j] = samples[j - 1];
        }
        samples[j] = v;
    }
}

/* Min, median and max of the samples, each divided by per (tools/guest-vs-linux reads them). */
static void report(const char *name, unsigned per)
{
    sort_samples();
    printf("guestbench: %-40s %llu %llu %llu\n", name, (unsigned long long)(samples[0] / per),
           (unsigned long long)(samples[REPEATS / 2] / per),
           (unsigned long long)(samples[REPEATS - 1] / per));
}

static void check(errval_t err)
{
    if (err_is_fail(err)) {
        char text[200];
        err_format(err, text, sizeof(text));
        printf("guestbench: failed: %s\n", text);
        exit(1);
    }
}

/* Single invocations on a leaf table: map, modify_flags and unmap of one 4 KiB page. */
static void bench_invocations(struct capref leaf, struct capref frame)
{
    uint64_t map[REPEATS], modify[REPEATS], unmap[REPEATS];
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = cycles();
        check(vnode_map(leaf, 7, frame, VREGION_FLAGS_READ_WRITE, 0, 1));
        uint64_t t1 = cycles();
        check(vnode_modify_flags(frame, 0, 1, VREGION_FLAGS_READ));
        uint64_t t2 = cycles();
        check(vnode_unmap(leaf, frame, 7, 1));
        uint64_t t3 = cycles();
        map[i] = t1 - t0;
        modify[i] = t2 - t1;
        unmap[i] = t3 - t2;
    }
    const char *names[] = {"map invocation, one 4K page", "modify_flags invocation, one page",
                           "unmap invocation, one 4K page"};
    uint64_t *series[] = {map, modify, unmap};
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < REPEATS; i++) {
            samples[i] = series[s][i];
        }
        report(names[s], 1);
    }
}

/* libpmap: map + write + unmap of one page, and the Linux-like cycle with allocation. */
static void bench_pmap_page(genvaddr_t at, struct capref frame)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = cycles();
        check(pmap_map(&pmap, at, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
        *(volatile int *)(uintptr_t)at = i;
        check(pmap_unmap(&pmap, at, 4096));
        samples[i] = cycles() - t0;
    }
    report("pmap map + write + unmap, one page", 1);
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = cycles();
        struct capref fresh;
        check(frame_alloc(&fresh, 4096, NULL));
        check(pmap_map(&pmap, at, fresh, 0, 4096, VREGION_FLAGS_READ_WRITE));
        *(volatile int *)(uintptr_t)at = i;
        check(pmap_unmap(&pmap, at, 4096));
        check(frame_free(fresh));
        samples[i] = cycles() - t0;
    }
    report("alloc+zero, map, touch, unmap, free", 1);
}

/* 512 pages at once: per page. */
static void bench_batches(genvaddr_t at, struct capref frame)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = cycles();
        check(pmap_map(&pmap, at, frame, 0, 512 * 4096, VREGION_FLAGS_READ_WRITE));
        samples[i] = cycles() - t0;
        check(pmap_unmap(&pmap, at, 512 * 4096));
    }
    report("pmap map of 512 pages, per page", 512);
    check(pmap_map(&pmap, at, frame, 0, 512 * 4096, VREGION_FLAGS_READ_WRITE));
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = cycles();
        check(pmap_modify_flags(&pmap, at, 512 * 4096,
                                i % 2 ? VREGION_FLAGS_READ_WRITE : VREGION_FLAGS_READ));
        samples[i] = cycles() - t0;
    }
    report("pmap modify_flags of 512 pages, per page", 512);
    check(pmap_unmap(&pmap, at, 512 * 4096));
}

int main(void)
{
    check(libcap_init());
    check(pmap_init_self(&pmap));
    const struct pmap_layout *l = pmap_arch_layout();
    struct capref leaf, frame, big;
    check(vnode_create(&leaf, l->table_type[l->levels - 1]));
    check(frame_alloc(&frame, 4096, NULL));
    check(frame_alloc(&big, 512 * 4096, NULL));
    genvaddr_t single;
    genvaddr_t batch;
    check(pmap_determine_addr(&pmap, 512 * 4096, 512 * 4096, &single));
    check(pmap_determine_addr(&pmap, 512 * 4096, 512 * 4096, &batch));
    /* A page kept mapped beside the measured one keeps its tables, as Linux keeps its own. */
    struct capref pin;
    check(frame_alloc(&pin, 4096, NULL));
    check(pmap_map(&pmap, single + 4096, pin, 0, 4096, VREGION_FLAGS_READ));
    printf("guestbench: min, median and max cycles (the CPU's cycle counter) of %d runs each\n",
           REPEATS);
    bench_invocations(leaf, frame);
    bench_pmap_page(single, frame);
    bench_batches(batch, big);
    printf("guestbench: done\n");
    return 0;
}
