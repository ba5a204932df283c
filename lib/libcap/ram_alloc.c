/* The RAM allocator: a sorted table of free physical ranges inside the boot RAM capabilities. */
#include <libcap/caps.h>
#include <libcap/ram_alloc.h>

#define MAX_REGIONS L2_CNODE_SLOTS
#define MAX_FREE_RANGES 8192

struct region {
    struct capref cap;
    genpaddr_t base;
    gensize_t bytes;
};

struct range {
    genpaddr_t base;
    gensize_t bytes;
};

static struct {
    struct region regions[MAX_REGIONS];
    size_t region_count;
    struct range free[MAX_FREE_RANGES]; /* sorted by base, never adjacent */
    size_t free_count;
} ra;

static void insert_range(size_t at, genpaddr_t base, gensize_t bytes)
{
    for (size_t i = ra.free_count; i > at; i--) {
        ra.free[i] = ra.free[i - 1];
    }
    ra.free[at] = (struct range){.base = base, .bytes = bytes};
    ra.free_count++;
}

static void remove_range(size_t at)
{
    for (size_t i = at; i + 1 < ra.free_count; i++) {
        ra.free[i] = ra.free[i + 1];
    }
    ra.free_count--;
}

errval_t ram_alloc_init(void)
{
    ra.region_count = 0;
    ra.free_count = 0;
    for (cslot_t slot = 0; slot < MAX_REGIONS; slot++) {
        struct cap_identity id;
        struct capref cap = cap_ram_boot(slot);
        if (err_is_fail(cap_identify(cap, &id))) {
            break;
        }
        ra.regions[ra.region_count++] = (struct region){cap, id.base, id.bytes};
        errval_t err = ram_release(id.base, id.bytes);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return ra.region_count > 0 ? SYS_ERR_OK : LIB_ERR_RAM_ALLOC_EXHAUSTED;
}

static const struct region *region_of(genpaddr_t base)
{
    for (size_t i = 0; i < ra.region_count; i++) {
        if (base >= ra.regions[i].base && base - ra.regions[i].base < ra.regions[i].bytes) {
            return &ra.regions[i];
        }
    }
    return NULL;
}

/* Cuts [base, base + bytes) out of free range i, keeping what lies on either side. */
static errval_t carve(size_t i, genpaddr_t base, gensize_t bytes)
{
    struct range r = ra.free[i];
    bool before = base > r.base;
    bool after = base + bytes < r.base + r.bytes;
    if (before && after && ra.free_count == MAX_FREE_RANGES) {
        return LIB_ERR_RAM_ALLOC_FRAGMENTED;
    }
    remove_range(i);
    if (after) {
        insert_range(i, base + bytes, r.base + r.bytes - (base + bytes));
    }
    if (before) {
        insert_range(i, r.base, base - r.base);
    }
    return SYS_ERR_OK;
}

errval_t ram_reserve(gensize_t bytes, gensize_t align_bytes, struct ram_piece *ret)
{
    if (bytes == 0 || bytes % BASE_PAGE_BYTES != 0 || align_bytes == 0 ||
        (align_bytes & (align_bytes - 1)) != 0) {
        return LIB_ERR_RAM_ALLOC_SIZE;
    }
    for (size_t i = 0; i < ra.free_count; i++) {
        genpaddr_t base = (ra.free[i].base + align_bytes - 1) & ~(align_bytes - 1);
        genpaddr_t end = ra.free[i].base + ra.free[i].bytes;
        if (base >= end || end - base < bytes) {
            continue;
        }
        errval_t err = carve(i, base, bytes);
        if (err_is_fail(err)) {
            return err;
        }
        const struct region *r = region_of(base);
        *ret = (struct ram_piece){r->cap, base - r->base, base, bytes};
        return SYS_ERR_OK;
    }
    return LIB_ERR_RAM_ALLOC_EXHAUSTED;
}

errval_t ram_release(genpaddr_t base, gensize_t bytes)
{
    size_t at = 0;
    while (at < ra.free_count && ra.free[at].base < base) {
        at++;
    }
    bool joins_prev = at > 0 && ra.free[at - 1].base + ra.free[at - 1].bytes == base;
    bool joins_next = at < ra.free_count && base + bytes == ra.free[at].base;
    if (joins_prev && joins_next) {
        ra.free[at - 1].bytes += bytes + ra.free[at].bytes;
        remove_range(at);
    } else if (joins_prev) {
        ra.free[at - 1].bytes += bytes;
    } else if (joins_next) {
        ra.free[at].base = base;
        ra.free[at].bytes += bytes;
    } else if (ra.free_count < MAX_FREE_RANGES) {
        insert_range(at, base, bytes);
    } else {
        return LIB_ERR_RAM_ALLOC_FRAGMENTED; /* the range stays unusable, and says so */
    }
    return SYS_ERR_OK;
}

gensize_t ram_free_bytes(void)
{
    gensize_t total = 0;
    for (size_t i = 0; i < ra.free_count; i++) {
        total += ra.free[i].bytes;
    }
    return total;
}

size_t ram_free_ranges(void)
{
    return ra.free_count;
}
