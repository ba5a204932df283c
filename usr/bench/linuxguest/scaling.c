/* linuxguest: Linux's cost per operation as its live mappings grow, beside pmapbench's curves. */
#include "linuxguest.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * N live 4 KiB mappings, each its own VMA (one page apart, so that none merge), then the median
 * of: a one-page mmap + munmap outside them (pmapbench's map_4k + unmap_4k), and an mprotect of
 * one live page (its modify_4k). Linux caps VMAs per process (vm.max_map_count, 65530 by
 * default), so the series stops at 50,000 where pmapbench goes on to 10^6.
 */
static const unsigned live_counts[] = {100, 1000, 10000, 50000};
#define LIVE_MAX 50000u

static void measure_at(char *population, char *probe, unsigned live, int fd)
{
    char name[80];
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        map_at(probe, PAGE, PROT_READ, MAP_SHARED, fd);
        if (munmap(probe, PAGE) != 0) {
            fail("munmap");
        }
        samples[i] = counter_read() - t0;
    }
    snprintf(name, sizeof(name), "live %u: mmap + munmap, one page", live);
    report(name, 1);
    for (int i = 0; i < REPEATS; i++) {
        char *page = population + (size_t)((unsigned)i * 7919u % live) * 2 * PAGE;
        int prot = i % 2 ? PROT_READ | PROT_WRITE : PROT_READ;
        uint64_t t0 = counter_read();
        int err = mprotect(page, PAGE, prot);
        samples[i] = counter_read() - t0;
        if (err != 0) {
            fail("mprotect");
        }
    }
    snprintf(name, sizeof(name), "live %u: mprotect of one live page", live);
    report(name, 1);
}

void bench_scaling(void)
{
    int fd = memfd_pages(1);
    char *population = place((size_t)LIVE_MAX * 2 * PAGE);
    char *probe = place(PAGE);
    unsigned live = 0;
    for (size_t s = 0; s < sizeof(live_counts) / sizeof(live_counts[0]); s++) {
        for (; live < live_counts[s]; live++) {
            map_at(population + (size_t)live * 2 * PAGE, PAGE, PROT_READ, MAP_SHARED, fd);
        }
        measure_at(population, probe, live, fd);
    }
    munmap(population, (size_t)LIVE_MAX * 2 * PAGE);
    close(fd);
}
