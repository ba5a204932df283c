/* A pmap's whole life in a booted domain: a second pmap on the running root, used and destroyed. */
#include "captest.h"

#define SECOND_BYTES ((gensize_t)40 << 20)
#define SECOND_META_BYTES ((gensize_t)1 << 20)

static struct pmap second; /* static: a pmap carries its bootstrap area */

/* The top 40 MiB of user space: far from everything the domain's own pmap hands out. */
static genvaddr_t second_base(void)
{
    return pmap_arch_layout()->user_end - SECOND_BYTES;
}

static const char *top_is_free(genvaddr_t base)
{
    struct pmap_mapping_info info;
    for (genvaddr_t va = base; va < base + SECOND_BYTES; va += 4096) {
        FAIL_IF(err_no(pmap_lookup(&self_pmap, va, &info)) != LIB_ERR_PMAP_NOT_MAPPED);
    }
    return NULL;
}

/*
 * Thousands of single-page runs spread metadata over many blocks and tables: destroying the pmap
 * must take them down without touching a block after its mapping is gone (that faulted before).
 */
static const char *destroying_a_pmap_of_the_running_address_space(void)
{
    genvaddr_t base = second_base();
    const char *busy = top_is_free(base);
    if (busy != NULL) {
        return busy;
    }
    size_t slots = slot_alloc_used();
    gensize_t ram = ram_free_bytes();
    struct pmap_options options = {
        .vaddr_min = base, .meta_base = base, .meta_window_bytes = SECOND_META_BYTES};
    FAIL_IF_ERR(pmap_init(&second, self_root, &options));
    size_t pages = (SECOND_BYTES - SECOND_META_BYTES) / 4096;
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, pages * 4096, NULL));
    genvaddr_t data = base + SECOND_META_BYTES;
    for (size_t i = 0; i < pages; i++) {
        FAIL_IF_ERR(
            pmap_map(&second, data + i * 4096, frame, i * 4096, 4096, VREGION_FLAGS_READ_WRITE));
        *(volatile uint32_t *)(uintptr_t)(data + i * 4096) = (uint32_t)i;
    }
    struct pmap_stats stats;
    pmap_get_stats(&second, &stats);
    FAIL_IF(stats.meta_blocks < 4 || stats.mappings != pages + stats.meta_blocks);
    for (size_t i = 0; i < pages; i += 61) {
        FAIL_IF(*(volatile uint32_t *)(uintptr_t)(data + i * 4096) != (uint32_t)i);
    }
    FAIL_IF_ERR(pmap_destroy(&second));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF(slot_alloc_used() != slots);
    FAIL_IF(ram_free_bytes() != ram);
    /* The domain's own pmap maps there again: nothing of the second one is left in the tables. */
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(pmap_map(&self_pmap, base, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
    *(volatile uint32_t *)(uintptr_t)base = 7;
    FAIL_IF_ERR(pmap_unmap(&self_pmap, base, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct booted_test captest_pmap_life[] = {
    {"CT211", "destroying a pmap of the running address space gives everything back",
     destroying_a_pmap_of_the_running_address_space},
    {NULL, NULL, NULL},
};
