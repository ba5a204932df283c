/* linuxguest: Appel and Li's virtual-memory primitives for user programs, on Linux (issue 12). */
#include "linuxguest.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 100u
#define RW (PROT_READ | PROT_WRITE)

static volatile sig_atomic_t traps;

/* The handler unprotects the faulting page; the store re-executes on return. */
static void unprotect(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    char *page = (char *)((uintptr_t)info->si_addr & ~(uintptr_t)(PAGE - 1));
    if (mprotect(page, PAGE, RW) != 0) {
        abort(); /* the store would fault for ever */
    }
    traps++;
}

static void expect_traps(long want, const char *series)
{
    if (traps != want) {
        note("failed: %s: %ld traps, expected %ld", series, (long)traps, want);
        finish(EXIT_FAILURE);
    }
    traps = 0;
}

static void protect(char *at, size_t bytes)
{
    if (mprotect(at, bytes, PROT_READ) != 0) {
        fail("mprotect");
    }
}

static void trap(char *page)
{
    for (int i = 0; i < REPEATS; i++) {
        protect(page, PAGE);
        uint64_t t0 = counter_read();
        *(volatile int *)page = i;
        samples[i] = counter_read() - t0;
    }
    expect_traps(REPEATS, "TRAP");
    report("appel-li TRAP", 1);
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        protect(page, PAGE);
        *(volatile int *)page = i;
        samples[i] = counter_read() - t0;
    }
    expect_traps(REPEATS, "PROT1+TRAP+UNPROT");
    report("appel-li PROT1+TRAP+UNPROT", 1);
}

/* One protect of all pages, then a trap on each in a fixed order that is not the address order. */
static void protect_n(char *pages)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        protect(pages, PAGES * PAGE);
        for (unsigned k = 0; k < PAGES; k++) {
            *(volatile int *)(pages + (k * 37 % PAGES) * PAGE) = i; /* 37 is prime to 100 */
        }
        samples[i] = counter_read() - t0;
    }
    expect_traps((long)REPEATS * PAGES, "PROTN+TRAP+UNPROT");
    report("appel-li PROTN+TRAP+UNPROT per page", PAGES);
}

/* One memfd page at two addresses, read-write and read-only: map both, write, read, unmap. */
static void map2(char *at)
{
    int fd = memfd_pages(1);
    volatile int seen = 0;
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        volatile int *rw = (volatile int *)map_at(at, PAGE, RW, MAP_SHARED, fd);
        volatile int *ro = (volatile int *)map_at(at + PAGE, PAGE, PROT_READ, MAP_SHARED, fd);
        *rw = i;
        seen = *ro;
        munmap(at, 2 * PAGE);
        samples[i] = counter_read() - t0;
        if (seen != i) {
            note("failed: MAP2: read %d through the second mapping, wrote %d", seen, i);
            finish(EXIT_FAILURE);
        }
    }
    close(fd);
    report("appel-li MAP2", 1);
}

/* The first write to each page of fresh anonymous memory; its leaf table exists already. */
static void first_touch(char *at)
{
    char *fresh = map_at(at, (REPEATS + 1) * PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    fresh[REPEATS * PAGE] = 1;
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        *(volatile char *)(fresh + (size_t)i * PAGE) = 1;
        samples[i] = counter_read() - t0;
    }
    report("lazy first touch", 1);
    munmap(fresh, (REPEATS + 1) * PAGE);
}

void bench_appel_li(void)
{
    struct sigaction handler = {.sa_sigaction = unprotect, .sa_flags = SA_SIGINFO};
    sigemptyset(&handler.sa_mask);
    if (sigaction(SIGSEGV, &handler, NULL) != 0) {
        fail("sigaction");
    }
    char *pages = map_at(place(PAGES * PAGE), PAGES * PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    for (unsigned k = 0; k < PAGES; k++) {
        pages[k * PAGE] = 1;
    }
    trap(pages);
    protect_n(pages);
    munmap(pages, PAGES * PAGE);
    signal(SIGSEGV, SIG_DFL);
    char *two = place(3 * PAGE);
    volatile char *pin = map_at(two + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    (void)*pin;
    map2(two);
    munmap((void *)pin, PAGE);
    first_touch(place((REPEATS + 1) * PAGE));
}
