/* The pmap stress a child runs for its parent: random maps and unmaps, every page's bytes checked.
 */
#include "spawnchild.h"

#define LIVE_MAX 16
#define PAGE BASE_PAGE_BYTES

struct live {
    struct capref frame;
    genvaddr_t vaddr;
    gensize_t bytes;
    uint32_t tag;
};

static struct live live[LIVE_MAX];
static size_t live_count;

static uint32_t next_random(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Each page holds its tag plus its index at its start and its end. */
static void tag_run(const struct live *l)
{
    for (gensize_t off = 0; off < l->bytes; off += PAGE) {
        volatile uint32_t *page = (volatile uint32_t *)(uintptr_t)(l->vaddr + off);
        page[0] = l->tag + (uint32_t)(off / PAGE);
        page[PAGE / 4 - 1] = ~(l->tag + (uint32_t)(off / PAGE));
    }
}

static bool run_tagged(const struct live *l)
{
    for (gensize_t off = 0; off < l->bytes; off += PAGE) {
        volatile uint32_t *page = (volatile uint32_t *)(uintptr_t)(l->vaddr + off);
        uint32_t want = l->tag + (uint32_t)(off / PAGE);
        if (page[0] != want || page[PAGE / 4 - 1] != ~want) {
            return false;
        }
    }
    return true;
}

#define STRESS_TRY(e)                                                                              \
    do {                                                                                           \
        *err = (e);                                                                                \
        if (err_is_fail(*err))                                                                     \
            return __LINE__;                                                                       \
    } while (0)

static unsigned map_one(uint32_t *x, errval_t *err)
{
    struct live *l = &live[live_count];
    l->bytes = (1 + next_random(x) % 4) * PAGE;
    l->tag = next_random(x);
    STRESS_TRY(frame_alloc(&l->frame, l->bytes, NULL));
    STRESS_TRY(pmap_determine_addr(&self_pmap, l->bytes, PAGE, &l->vaddr));
    STRESS_TRY(pmap_map(&self_pmap, l->vaddr, l->frame, 0, l->bytes, VREGION_FLAGS_READ_WRITE));
    tag_run(l);
    live_count++;
    return 0;
}

static unsigned unmap_one(size_t i, errval_t *err)
{
    struct live *l = &live[i];
    if (!run_tagged(l)) {
        return __LINE__;
    }
    STRESS_TRY(pmap_unmap(&self_pmap, l->vaddr, l->bytes));
    struct pmap_mapping_info info;
    if (err_no(pmap_lookup(&self_pmap, l->vaddr, &info)) != LIB_ERR_PMAP_NOT_MAPPED) {
        return __LINE__;
    }
    STRESS_TRY(frame_free(l->frame));
    live[i] = live[--live_count];
    return 0;
}

unsigned child_stress(uint32_t ops, uint32_t seed, errval_t *err)
{
    uint32_t x = seed | 1;
    *err = SYS_ERR_OK;
    for (uint32_t op = 0; op < ops; op++) {
        bool map = live_count == 0 || (live_count < LIVE_MAX && next_random(&x) % 3 != 0);
        unsigned line = map ? map_one(&x, err) : unmap_one(next_random(&x) % live_count, err);
        if (line != 0) {
            return line;
        }
    }
    while (live_count > 0) {
        unsigned line = unmap_one(live_count - 1, err);
        if (line != 0) {
            return line;
        }
    }
    return 0;
}
