/* linuxbench: the Linux counterparts of guestbench, measured natively on the host. */
#include "appelli_linux.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define REPEATS 201
#define PAGE 4096

static uint64_t samples[REPEATS];

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, unsigned per)
{
    qsort(samples, REPEATS, sizeof(samples[0]), compare);
    printf("linuxbench: %-40s %llu\n", name, (unsigned long long)(samples[REPEATS / 2] / per));
}

static void *map_pages(size_t pages)
{
    void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("linuxbench: mmap");
        exit(EXIT_FAILURE);
    }
    return p;
}

int main(void)
{
    printf("linuxbench: median nanoseconds of %d runs each\n", REPEATS);
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = now_ns();
        volatile int *p = map_pages(1);
        *p = i; /* the first touch allocates and zeroes the page */
        munmap((void *)p, PAGE);
        samples[i] = now_ns() - t0;
    }
    report("mmap + touch + munmap, one page", 1);
    char *one = map_pages(1);
    one[0] = 1;
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = now_ns();
        mprotect(one, PAGE, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ);
        samples[i] = now_ns() - t0;
    }
    report("mprotect of one page", 1);
    char *many = map_pages(512);
    for (int page = 0; page < 512; page++) {
        many[page * PAGE] = 1;
    }
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = now_ns();
        mprotect(many, 512 * PAGE, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ);
        samples[i] = now_ns() - t0;
    }
    report("mprotect of 512 pages, per page", 512);
    printf("linuxbench: self-paging (Appel-Li; pager: userfaultfd), nanoseconds\n");
    return appelli_linux(now_ns, "linuxbench");
}
