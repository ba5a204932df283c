/* Linux's pager design: userfaultfd faults served by a handler thread (UFFDIO_COPY, _WRITEPROTECT).
 */
#include "appelli_internal.h"
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE APPELLI_PAGE
#define REPEATS APPELLI_REPEATS

static int uffd = -1;
static int stop_fd = -1;
static atomic_uint_fast64_t served;
static _Alignas(4096) char zero_page[PAGE];

/* One fault: a write-protected page is unprotected, a missing one filled with zeroes. */
static int serve_one(const struct uffd_msg *msg)
{
    uint64_t page = msg->arg.pagefault.address & ~(uint64_t)(PAGE - 1);
    served++; /* before the wake: the faulting thread reads the count when it runs on */
    if (msg->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) {
        struct uffdio_writeprotect wp = {.range = {.start = page, .len = PAGE}, .mode = 0};
        return ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
    }
    struct uffdio_copy copy = {.dst = page, .src = (uintptr_t)zero_page, .len = PAGE, .mode = 0};
    return ioctl(uffd, UFFDIO_COPY, &copy);
}

static void *pager(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd fds[2] = {{.fd = uffd, .events = POLLIN}, {.fd = stop_fd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN)) {
            return NULL;
        }
        struct uffd_msg msg;
        if (read(uffd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg) ||
            msg.event != UFFD_EVENT_PAGEFAULT) {
            continue;
        }
        if (serve_one(&msg) != 0) {
            perror("appelli: the pager's ioctl"); /* the faulting thread would wait forever */
            _exit(1);
        }
    }
}

static int uffd_open(void)
{
    int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
#ifdef UFFD_USER_MODE_ONLY
    if (fd < 0) { /* unprivileged, with vm.unprivileged_userfaultfd 0 */
        fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    }
#endif
    struct uffdio_api api = {.api = UFFD_API, .features = 0};
    if (fd >= 0 && ioctl(fd, UFFDIO_API, &api) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Registers [base, base + bytes) in mode; the ioctls the kernel then allows there, or 0. */
static uint64_t uffd_register(char *base, size_t bytes, uint64_t mode)
{
    struct uffdio_register reg = {.range = {.start = (uintptr_t)base, .len = bytes}, .mode = mode};
    return ioctl(uffd, UFFDIO_REGISTER, &reg) == 0 ? reg.ioctls : 0;
}

static void store(char *at, uint32_t value)
{
    *(volatile uint32_t *)at = value;
}

static uint32_t load(const char *at)
{
    return *(const volatile uint32_t *)at;
}

/* First touches of registered anonymous memory, each page copied in by the pager thread. */
static void lazy(char *base, size_t pages)
{
    if (!appelli_fail_unless(uffd_register(base, pages * PAGE, UFFDIO_REGISTER_MODE_MISSING) &
                                 ((uint64_t)1 << _UFFDIO_COPY),
                             "pager lazy first touch: UFFDIO_REGISTER")) {
        return;
    }
    uint64_t *samples = appelli_samples();
    uint64_t before = served;
    for (int i = 0; i < REPEATS; i++) {
        madvise(base, pages * PAGE, MADV_DONTNEED); /* the pages are missing again */
        uint64_t t0 = appelli_now();
        for (size_t p = 0; p < pages; p++) {
            store(base + p * PAGE + 64, (uint32_t)i + 1);
        }
        samples[i] = appelli_now() - t0;
        for (size_t p = 0; p < pages; p++) {
            appelli_fail_unless(load(base + p * PAGE + 64) == (uint32_t)i + 1 &&
                                    load(base + p * PAGE) == 0,
                                "pager lazy first touch: a page not zeroed or not written");
        }
    }
    if (appelli_expect("pager lazy first touch", served - before, (uint64_t)REPEATS * pages)) {
        appelli_report("pager lazy first touch", (unsigned)pages);
    }
}

/* TRAP through the pager: the page write-protected (untimed), a store, the pager unprotects. */
static void write_protect_trap(char *page)
{
    uint64_t ioctls = uffd_register(page, PAGE, UFFDIO_REGISTER_MODE_WP);
    if (!(ioctls & ((uint64_t)1 << _UFFDIO_WRITEPROTECT))) {
        /* "NAME unsupported: why", the line tools/guest-vs-linux shows as n/a */
        appelli_say("pager TRAP unsupported: this kernel has no UFFDIO_WRITEPROTECT on "
                    "anonymous memory");
        return;
    }
    uint64_t *samples = appelli_samples();
    uint64_t before = served;
    for (int i = 0; i < REPEATS; i++) {
        struct uffdio_writeprotect wp = {.range = {.start = (uintptr_t)page, .len = PAGE},
                                         .mode = UFFDIO_WRITEPROTECT_MODE_WP};
        if (!appelli_fail_unless(ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) == 0,
                                 "pager TRAP: UFFDIO_WRITEPROTECT")) {
            return;
        }
        uint64_t t0 = appelli_now();
        store(page + 8, (uint32_t)i);
        samples[i] = appelli_now() - t0;
        appelli_fail_unless(load(page + 8) == (uint32_t)i, "pager TRAP: the store was lost");
    }
    if (appelli_expect("pager TRAP", served - before, REPEATS)) {
        appelli_report("pager TRAP", 1);
    }
}

void appelli_uffd(size_t lazy_pages)
{
    uffd = uffd_open();
    if (uffd < 0) {
        appelli_say("pager series: not measured, userfaultfd is not available here");
        return;
    }
    stop_fd = eventfd(0, EFD_CLOEXEC);
    pthread_t thread;
    if (!appelli_fail_unless(stop_fd >= 0 && pthread_create(&thread, NULL, pager, NULL) == 0,
                             "pager series: the handler thread")) {
        close(uffd);
        return;
    }
    /* The page past the lazy range is touched, unregistered: it keeps the tables, as above. */
    size_t bytes = (lazy_pages + 2) * PAGE;
    char *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (appelli_fail_unless(base != MAP_FAILED, "pager series: mmap")) {
        memset(base + lazy_pages * PAGE, 0, 2 * PAGE);
        lazy(base, lazy_pages);
        write_protect_trap(base + (lazy_pages + 1) * PAGE);
        munmap(base, bytes);
    }
    uint64_t one = 1;
    if (write(stop_fd, &one, sizeof(one)) == (ssize_t)sizeof(one)) {
        pthread_join(thread, NULL);
    }
    close(stop_fd);
    close(uffd);
}
