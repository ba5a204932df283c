/* The Appel-Li series (ASPLOS 1991) and first touches on Linux: mprotect + SIGSEGV, userfaultfd. */
#include "appelli_linux.h"
#include "appelli_internal.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#define REPEATS APPELLI_REPEATS
#define PAGE APPELLI_PAGE
#define PROTN_PAGES 100
#define LAZY_PAGES 32

static uint64_t (*now)(void);
static const char *label;
static uint64_t samples[REPEATS];
static int failed;

/* The protected range the SIGSEGV handler serves; a fault elsewhere kills as it would anyway. */
static char *volatile prot_base;
static volatile size_t prot_pages;
static volatile uint64_t handled;

static void on_segv(int sig, siginfo_t *info, void *context)
{
    (void)context;
    char *page = (char *)((uintptr_t)info->si_addr & ~(uintptr_t)(PAGE - 1));
    if (page < prot_base || page >= prot_base + prot_pages * PAGE ||
        mprotect(page, PAGE, PROT_READ | PROT_WRITE) != 0) {
        signal(sig, SIG_DFL); /* the store faults again and ends the process */
        return;
    }
    handled++;
}

/* The next series starts only once the line is out: in a guest, the UART's interrupts would
   otherwise land inside its runs (tcdrain does nothing when stdout is not a terminal). */
static void drain(void)
{
    fflush(stdout);
    tcdrain(STDOUT_FILENO);
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void appelli_report(const char *name, unsigned per)
{
    qsort(samples, REPEATS, sizeof(samples[0]), compare);
    printf("%s: %-44s %llu %llu %llu\n", label, name, (unsigned long long)(samples[0] / per),
           (unsigned long long)(samples[REPEATS / 2] / per),
           (unsigned long long)(samples[REPEATS - 1] / per));
    drain();
}

int appelli_expect(const char *series, uint64_t counted, uint64_t expected)
{
    if (counted != expected) {
        printf("%s: FAILED %s: %llu traps handled, %llu expected\n", label, series,
               (unsigned long long)counted, (unsigned long long)expected);
        failed = 1;
    }
    return counted == expected;
}

int appelli_fail_unless(int ok, const char *what)
{
    if (!ok) {
        printf("%s: FAILED %s\n", label, what);
        failed = 1;
    }
    return ok;
}

uint64_t appelli_now(void)
{
    return now();
}

uint64_t *appelli_samples(void)
{
    return samples;
}

void appelli_say(const char *what)
{
    printf("%s: %s\n", label, what);
    drain();
}

static char *map_anonymous(size_t pages)
{
    char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("appelli: mmap");
        exit(EXIT_FAILURE);
    }
    memset(p, 0, pages * PAGE); /* present before the series: only the trap is measured */
    return p;
}

static void serve_range(char *base, size_t pages)
{
    prot_base = base;
    prot_pages = pages;
}

static void store(char *at, uint32_t value)
{
    *(volatile uint32_t *)at = value;
}

static uint32_t load(const char *at)
{
    return *(const volatile uint32_t *)at;
}

/* TRAP alone (the page protected untimed before each store), then PROT1 + TRAP + UNPROT. */
static void bench_trap(void)
{
    char *page = map_anonymous(1);
    serve_range(page, 1);
    uint64_t before = handled;
    for (int i = 0; i < REPEATS; i++) {
        mprotect(page, PAGE, PROT_READ);
        uint64_t t0 = now();
        store(page + 8, (uint32_t)i);
        samples[i] = now() - t0;
        appelli_fail_unless(load(page + 8) == (uint32_t)i, "appel-li TRAP: the store was lost");
    }
    if (appelli_expect("appel-li TRAP", handled - before, REPEATS)) {
        appelli_report("appel-li TRAP", 1);
    }
    before = handled;
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = now();
        mprotect(page, PAGE, PROT_READ);
        store(page + 8, (uint32_t)~i);
        samples[i] = now() - t0;
        appelli_fail_unless(load(page + 8) == (uint32_t)~i, "appel-li PROT1: the store was lost");
    }
    if (appelli_expect("appel-li PROT1+TRAP+UNPROT", handled - before, REPEATS)) {
        appelli_report("appel-li PROT1+TRAP+UNPROT", 1);
    }
    munmap(page, PAGE);
}

/* The same fixed pseudo-random order as selfpagebench's appelli.c. */
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

static uint64_t protn_round(char *base, const uint32_t *order, uint32_t value)
{
    uint64_t t0 = now();
    mprotect(base, PROTN_PAGES * PAGE, PROT_READ);
    for (uint32_t k = 0; k < PROTN_PAGES; k++) {
        store(base + order[k] * PAGE, value + k);
    }
    uint64_t t = now() - t0;
    for (uint32_t k = 0; k < PROTN_PAGES; k++) {
        appelli_fail_unless(load(base + order[k] * PAGE) == value + k, "PROTN: a store was lost");
    }
    return t;
}

/* A first round untimed, as selfpagebench does. */
static void bench_protn(void)
{
    char *base = map_anonymous(PROTN_PAGES);
    uint32_t order[PROTN_PAGES];
    permute(order, PROTN_PAGES);
    serve_range(base, PROTN_PAGES);
    uint64_t before = handled;
    protn_round(base, order, 0);
    for (int i = 0; i < REPEATS; i++) {
        samples[i] = protn_round(base, order, (uint32_t)i * 1000u);
    }
    if (appelli_expect("appel-li PROTN+TRAP+UNPROT", handled - before,
                       (uint64_t)(REPEATS + 1) * PROTN_PAGES)) {
        appelli_report("appel-li PROTN+TRAP+UNPROT per page", PROTN_PAGES);
    }
    munmap(base, PROTN_PAGES * PAGE);
}

/*
 * MAP2: a memfd page mapped read-write once; each round maps it read-only at a second address
 * and reads through it (timed: the read populates the mapping, as ours maps then reads), sees
 * the store made through the first, and a store through the second traps.
 */
static void bench_map2(void)
{
    int fd = memfd_create("appelli", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        appelli_fail_unless(0, "appel-li MAP2: memfd_create");
        return;
    }
    char *first = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    appelli_fail_unless(first != MAP_FAILED, "appel-li MAP2: mmap");
    uint64_t before = handled;
    for (int i = 0; i < REPEATS && first != MAP_FAILED; i++) {
        store(first, (uint32_t)i);
        uint64_t t0 = now();
        char *second = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
        uint32_t seen = second != MAP_FAILED ? load(second) : 0;
        samples[i] = now() - t0;
        if (!appelli_fail_unless(second != MAP_FAILED, "appel-li MAP2: mmap")) {
            break;
        }
        appelli_fail_unless(seen == (uint32_t)i, "MAP2: the second does not see it");
        serve_range(second, 1);
        store(second + 4, (uint32_t)~i); /* traps: the handler allows it */
        appelli_fail_unless(load(first + 4) == (uint32_t)~i, "MAP2: the first does not see it");
        munmap(second, PAGE);
    }
    if (appelli_expect("appel-li MAP2", handled - before, REPEATS)) {
        appelli_report("appel-li MAP2", 1);
    }
    munmap(first, PAGE);
    close(fd);
}

/* First touches of anonymous memory; MADV_DONTNEED (untimed) gives the pages back between
   rounds and keeps the tables, and the page mapped past the end pins them as in selfpagebench. */
static void bench_first_touch(void)
{
    char *base = map_anonymous(LAZY_PAGES + 1);
    for (int i = 0; i < REPEATS; i++) {
        madvise(base, LAZY_PAGES * PAGE, MADV_DONTNEED);
        uint64_t t0 = now();
        for (size_t p = 0; p < LAZY_PAGES; p++) {
            store(base + p * PAGE + 64, (uint32_t)i + 1);
        }
        samples[i] = now() - t0;
        for (size_t p = 0; p < LAZY_PAGES; p++) {
            appelli_fail_unless(load(base + p * PAGE + 64) == (uint32_t)i + 1 &&
                                    load(base + p * PAGE) == 0,
                                "lazy first touch: a page not zeroed or not written");
        }
    }
    appelli_report("lazy first touch", LAZY_PAGES);
    munmap(base, (LAZY_PAGES + 1) * PAGE);
}

int appelli_linux(uint64_t (*clock)(void), const char *prefix)
{
    now = clock;
    label = prefix;
    failed = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    struct sigaction old;
    sigaction(SIGSEGV, &sa, &old);
    bench_trap();
    bench_protn();
    bench_map2();
    sigaction(SIGSEGV, &old, NULL);
    bench_first_touch();
    appelli_uffd(LAZY_PAGES);
    return failed;
}
