/* linuxguest: the pager design on Linux: userfaultfd, its faults served by a second thread. */
#include "linuxguest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RW (PROT_READ | PROT_WRITE)

struct pager {
    int uffd;
    pthread_t thread;
    volatile long served;
};

static _Alignas(4096) char zero_page[PAGE];

/* A missing page gets a zeroed copy (allocate, zero, map); a write-protected one is opened. */
static void serve_one(struct pager *pager, const struct uffd_msg *msg)
{
    uintptr_t page = msg->arg.pagefault.address & ~(uintptr_t)(PAGE - 1);
    if (msg->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) {
        struct uffdio_writeprotect open = {.range = {.start = page, .len = PAGE}, .mode = 0};
        if (ioctl(pager->uffd, UFFDIO_WRITEPROTECT, &open) != 0) {
            abort();
        }
    } else {
        struct uffdio_copy copy = {.dst = page, .src = (uintptr_t)zero_page, .len = PAGE};
        if (ioctl(pager->uffd, UFFDIO_COPY, &copy) != 0) {
            abort();
        }
    }
    pager->served++;
}

static void *serve(void *arg)
{
    struct pager *pager = arg;
    for (;;) {
        struct uffd_msg msg;
        ssize_t got = read(pager->uffd, &msg, sizeof(msg));
        if (got == (ssize_t)sizeof(msg) && msg.event == UFFD_EVENT_PAGEFAULT) {
            serve_one(pager, &msg);
        } else if (got < 0 && errno != EINTR && errno != EAGAIN) {
            abort();
        }
    }
    return NULL;
}

/* Registers [at, at + bytes) with the given modes; false with errno when Linux refuses. */
static int pager_start(struct pager *pager, char *at, size_t bytes, unsigned long long modes)
{
    pager->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
    if (pager->uffd < 0) {
        fail("userfaultfd");
    }
    struct uffdio_api api = {.api = UFFD_API};
    if (ioctl(pager->uffd, UFFDIO_API, &api) != 0) {
        fail("UFFDIO_API");
    }
    struct uffdio_register region = {.range = {.start = (uintptr_t)at, .len = bytes},
                                     .mode = modes};
    if (ioctl(pager->uffd, UFFDIO_REGISTER, &region) != 0) {
        int saved = errno;
        close(pager->uffd);
        errno = saved;
        return 0;
    }
    pager->served = 0;
    if (pthread_create(&pager->thread, NULL, serve, pager) != 0) {
        fail("pthread_create");
    }
    return 1;
}

static void pager_stop(struct pager *pager, long want, const char *series)
{
    pthread_cancel(pager->thread);
    pthread_join(pager->thread, NULL);
    close(pager->uffd);
    if (pager->served != want) {
        note("failed: %s: %ld faults served, expected %ld", series, (long)pager->served, want);
        finish(EXIT_FAILURE);
    }
}

/* The first write to each page of a registered region: the pager copies a zeroed page in. */
static void first_touch(char *at)
{
    struct pager pager;
    char *fresh = map_at(at, (REPEATS + 1) * PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    if (!pager_start(&pager, fresh, (REPEATS + 1) * PAGE, UFFDIO_REGISTER_MODE_MISSING)) {
        fail("UFFDIO_REGISTER missing");
    }
    fresh[REPEATS * PAGE] = 1; /* the leaf table exists before the first measured fault */
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        *(volatile char *)(fresh + (size_t)i * PAGE) = 1;
        samples[i] = counter_read() - t0;
    }
    pager_stop(&pager, REPEATS + 1, "pager lazy first touch");
    report("pager lazy first touch", 1);
    munmap(fresh, (REPEATS + 1) * PAGE);
}

/* A store to a write-protected page; the pager removes the protection, the store goes on. */
static void trap(char *at)
{
    struct pager pager;
    char *page = map_at(at, 2 * PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    page[0] = 1;
    page[PAGE] = 1;
    if (!pager_start(&pager, page, 2 * PAGE, UFFDIO_REGISTER_MODE_WP)) {
        note("pager TRAP unsupported: UFFDIO_REGISTER write-protect: %s", strerror(errno));
        munmap(page, 2 * PAGE);
        return;
    }
    for (int i = 0; i < REPEATS; i++) {
        struct uffdio_writeprotect shut = {.range = {.start = (uintptr_t)page, .len = PAGE},
                                           .mode = UFFDIO_WRITEPROTECT_MODE_WP};
        if (ioctl(pager.uffd, UFFDIO_WRITEPROTECT, &shut) != 0) {
            fail("UFFDIO_WRITEPROTECT");
        }
        uint64_t t0 = counter_read();
        *(volatile int *)page = i;
        samples[i] = counter_read() - t0;
    }
    pager_stop(&pager, REPEATS, "pager TRAP");
    report("pager TRAP", 1);
    munmap(page, 2 * PAGE);
}

void bench_pager(void)
{
    first_touch(place((REPEATS + 1) * PAGE));
    trap(place(2 * PAGE));
}
