/* Seeded random pmap operations over the model's window, shared by the random test and the soak. */
#include "pmap_model.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    return s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : fallback;
}

vregion_flags_t random_flags(void)
{
    static const vregion_flags_t choices[] = {F_R, F_RW, F_RX, F_RN};
    return choices[rng_below(4)];
}

/* The frame pool: base-page frames of several sizes and one of two large pages. */
void make_pool(void)
{
    new_frame(PAGE, PAGE);
    new_frame(8 * PAGE, PAGE);
    new_frame(64 * PAGE, PAGE);
    new_frame(32 * PAGE, PAGE);
    new_frame(2 * large_bytes(), large_bytes());
}

genvaddr_t random_vaddr(gensize_t bytes, gensize_t align)
{
    gensize_t slots = (model.hi - model.lo - bytes) / align + 1;
    return model.lo + rng_below(slots) * align;
}

/* 1..64 pages from a frame large enough, maybe asking for large pages it will not get. */
static void random_small_map(struct random_counts *c)
{
    gensize_t bytes = (1 + rng_below(64)) * PAGE;
    struct test_frame *f;
    do {
        f = &frames[rng_below(frame_count)];
    } while (f->bytes < bytes);
    gensize_t offset = rng_below((f->bytes - bytes) / PAGE + 1) * PAGE;
    vregion_flags_t flags = random_flags() | (rng_below(4) == 0 ? F_LARGE : 0);
    c->refused += !do_map(f, offset, random_vaddr(bytes, PAGE), bytes, flags);
    c->maps++;
}

/* One or two large pages at a large-aligned address; sometimes a few pages short (the last one
 * then falls back to base pages). */
static void random_large_map(struct random_counts *c)
{
    gensize_t large = large_bytes();
    const struct test_frame *f = &frames[POOL_LARGE];
    gensize_t count = 1 + rng_below(2);
    gensize_t offset = count == 2 ? 0 : rng_below(2) * large;
    gensize_t bytes = count * large - (rng_below(4) == 0 ? rng_below(8) * PAGE : 0);
    c->refused +=
        !do_map(f, offset, random_vaddr(count * large, large), bytes, random_flags() | F_LARGE);
    c->maps++;
}

/* A random range of the window: mostly short, sometimes long; holes welcome. */
void random_range(genvaddr_t *vaddr, gensize_t *bytes)
{
    gensize_t max_pages = rng_below(10) == 0 ? 4096 : 128;
    *bytes = (1 + rng_below(max_pages)) * PAGE;
    if (*bytes > model.hi - model.lo) {
        *bytes = model.hi - model.lo;
    }
    *vaddr = random_vaddr(*bytes, PAGE);
}

static void random_lookup(struct random_counts *c)
{
    genvaddr_t va = random_vaddr(PAGE, PAGE);
    note("lookup %#llx", (ull)va);
    const struct range *r = model_find(va);
    if (r != NULL) {
        check_page(r, va);
    } else {
        check_absent(va);
    }
    c->lookups++;
}

void random_op(struct random_counts *c)
{
    genvaddr_t vaddr;
    gensize_t bytes;
    uint64_t pick = rng_below(100);
    if (pick < 32) {
        random_small_map(c);
    } else if (pick < 40) {
        random_large_map(c);
    } else if (pick < 62) {
        random_range(&vaddr, &bytes);
        do_unmap(vaddr, bytes);
        c->unmaps++;
    } else if (pick < 85) {
        random_range(&vaddr, &bytes);
        do_modify(vaddr, bytes, random_flags());
        c->modifies++;
    } else {
        random_lookup(c);
    }
}
