/* linuxguest: issue 14's operations, Linux's counterparts of guestbench's pmap figures. */
#include "linuxguest.h"

#include <sys/mman.h>
#include <unistd.h>

#define BATCH 512u
#define RW (PROT_READ | PROT_WRITE)

/* Like frame_alloc + map + write + unmap + free: the first write allocates and zeroes. */
static void anon_page(char *at)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        volatile int *p = (volatile int *)map_at(at, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        *p = i;
        if (munmap((void *)p, PAGE) != 0) {
            fail("munmap");
        }
        samples[i] = counter_read() - t0;
    }
    report("mmap anonymous + write + munmap, one page", 1);
}

/* Like pmap map + write + unmap of a frame that exists: the page is in the page cache. */
static void memfd_page(char *at, int fd)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        volatile int *p = (volatile int *)map_at(at, PAGE, RW, MAP_SHARED, fd);
        *p = i;
        if (munmap((void *)p, PAGE) != 0) {
            fail("munmap");
        }
        samples[i] = counter_read() - t0;
    }
    report("mmap memfd page + write + munmap", 1);
}

/* Like pmap map of 512 pages: MAP_POPULATE fills every entry before mmap returns. */
static void populate_batch(char *at, int fd)
{
    for (int i = 0; i < REPEATS; i++) {
        uint64_t t0 = counter_read();
        map_at(at, BATCH * PAGE, RW, MAP_SHARED | MAP_POPULATE, fd);
        samples[i] = counter_read() - t0;
        if (munmap(at, BATCH * PAGE) != 0) {
            fail("munmap");
        }
    }
    report("MAP_POPULATE of 512 memfd pages, per page", BATCH);
}

/* Like pmap modify_flags of 512 pages; only the RW->R direction is timed. */
static void protect_batch(char *at, int fd)
{
    map_at(at, BATCH * PAGE, RW, MAP_SHARED | MAP_POPULATE, fd);
    for (int i = 0; i < REPEATS; i++) {
        if (mprotect(at, BATCH * PAGE, RW) != 0) {
            fail("mprotect");
        }
        uint64_t t0 = counter_read();
        int err = mprotect(at, BATCH * PAGE, PROT_READ);
        samples[i] = counter_read() - t0;
        if (err != 0) {
            fail("mprotect");
        }
    }
    report("mprotect RW->R of 512 pages, per page", BATCH);
    munmap(at, BATCH * PAGE);
}

void bench_mm_ops(void)
{
    char *single = place(2 * PAGE);
    /* A read-only page beside the measured one keeps its leaf table, as in guestbench. */
    volatile char *pin = map_at(single + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    (void)*pin;
    int one = memfd_pages(1);
    anon_page(single);
    memfd_page(single, one);
    char *batch = place(BATCH * PAGE);
    int many = memfd_pages(BATCH);
    populate_batch(batch, many);
    protect_batch(batch, many);
    close(one);
    close(many);
    munmap((void *)pin, PAGE);
}
