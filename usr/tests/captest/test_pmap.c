/* libpmap tests in a booted domain: many maps with nested refills, lookup, modify, no leaks. */
#include "captest.h"

static const char *many_pages_with_refills(void)
{
    const size_t pages = 20000;
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    size_t slots = slot_alloc_used();
    struct pmap_stats before;
    pmap_get_stats(&self_pmap, &before);
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, pages * 4096, 1 << 21, &a));
    for (size_t i = 0; i < pages; i++) {
        FAIL_IF_ERR(pmap_map(&self_pmap, a + i * 4096, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
    }
    struct pmap_stats during;
    pmap_get_stats(&self_pmap, &during);
    FAIL_IF(during.meta_blocks <= before.meta_blocks);
    volatile uint64_t *first = (volatile uint64_t *)(uintptr_t)a;
    *first = 42;
    for (size_t i = 0; i < pages; i += 97) {
        FAIL_IF(*(volatile uint64_t *)(uintptr_t)(a + i * 4096) != 42);
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, pages * 4096));
    struct pmap_stats after;
    pmap_get_stats(&self_pmap, &after);
    /* What stays is the metadata the refills mapped: one run, a frame and a copy per block,
     * and the tables they needed. */
    size_t new_blocks = after.meta_blocks - before.meta_blocks;
    size_t new_tables = after.tables - before.tables;
    FAIL_IF(after.mappings != before.mappings + new_blocks);
    FAIL_IF(slot_alloc_used() != slots + 2 * new_blocks + new_tables);
    struct pmap_mapping_info info;
    for (size_t i = 0; i < pages; i += 512) {
        FAIL_IF(err_no(pmap_lookup(&self_pmap, a + i * 4096, &info)) != LIB_ERR_PMAP_NOT_MAPPED);
    }
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *lookup_and_modify_flags(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 8 * 4096, NULL));
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, 8 * 4096, 4096, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8 * 4096, VREGION_FLAGS_READ_WRITE));
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, a + 2 * 4096, 2 * 4096, VREGION_FLAGS_READ));
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a + 3 * 4096, &info));
    FAIL_IF(info.flags != VREGION_FLAGS_READ || info.vaddr != a + 2 * 4096 ||
            info.bytes != 2 * 4096);
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a, &info));
    FAIL_IF(info.flags != VREGION_FLAGS_READ_WRITE || info.bytes != 2 * 4096);
    *(volatile uint32_t *)(uintptr_t)(a + 7 * 4096) = 7; /* still writable there */
    FAIL_IF(*(volatile uint32_t *)(uintptr_t)(a + 3 * 4096) != 0);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8 * 4096));
    EXPECT_ERR(pmap_lookup(&self_pmap, a, &info), LIB_ERR_PMAP_NOT_MAPPED);
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *errors_are_named(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, 4096, 4096, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4096, VREGION_FLAGS_READ));
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, a, frame, 0, 4096, VREGION_FLAGS_READ)),
               LIB_ERR_PMAP_EXISTING_MAPPING);
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, a + 4096, frame, 0, 8192, VREGION_FLAGS_READ)),
               LIB_ERR_PMAP_FRAME_RANGE);
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, 0x1000, frame, 0, 4096, VREGION_FLAGS_READ)),
               LIB_ERR_PMAP_ADDR_OUT_OF_RANGE);
    EXPECT_ERR(
        err_pop(pmap_map(&self_pmap, self_pmap.meta_base, frame, 0, 4096, VREGION_FLAGS_READ)),
        LIB_ERR_PMAP_ADDR_RESERVED);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct captest captest_pmap[] = {
    {"CT201", "20000 single-page maps with nested metadata refills", many_pages_with_refills},
    {"CT202", "lookup and modify_flags of part of a run", lookup_and_modify_flags},
    {"CT203", "pmap errors are named", errors_are_named},
    {NULL, NULL, NULL},
};
