/* linuxguest's placement: fixed, table-aligned addresses, as guestbench picks its own. */
#include "linuxguest.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

char *place(size_t bytes)
{
    size_t span = bytes + LEAF_SPAN;
    char *free_range =
        mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (free_range == MAP_FAILED) {
        fail("place: mmap");
    }
    uintptr_t aligned = ((uintptr_t)free_range + LEAF_SPAN - 1) & ~(uintptr_t)(LEAF_SPAN - 1);
    if (munmap(free_range, span) != 0) {
        fail("place: munmap");
    }
    return (char *)aligned;
}

char *map_at(char *at, size_t bytes, int prot, int flags, int fd)
{
    char *p = mmap(at, bytes, prot, flags | MAP_FIXED, fd, 0);
    if (p == MAP_FAILED) {
        fail("mmap");
    }
    return p;
}

int memfd_pages(size_t pages)
{
    int fd = memfd_create("linuxguest", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)(pages * PAGE)) != 0) {
        fail("memfd");
    }
    char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        fail("memfd: mmap");
    }
    for (size_t i = 0; i < pages; i++) {
        p[i * PAGE] = 1;
    }
    munmap(p, pages * PAGE);
    return fd;
}
