/* libpmap tests in a booted domain: many maps with nested refills, lookup, modify, no leaks. */
#include "captest.h"

static const char *many_pages_with_refills(void)
{
    const size_t pages = 20000;
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t leaf_span = l->span_bytes[l->levels - 2]; /* what one leaf table covers */
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    size_t slots = slot_alloc_used();
    struct pmap_stats before;
    pmap_get_stats(&self_pmap, &before);
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, pages * 4096, 1 << 21, &a));
    for (size_t i = 0; i < pages; i++) {
        FAIL_IF_ERR(pmap_map(&self_pmap, a + i * 4096, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
    }
    for (size_t i = 0; i < pages; i++) {
        RUN(hw_mapped(a + i * 4096, 4096, id.base, VREGION_FLAGS_READ_WRITE));
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
    RUN(hw_unmapped(a, pages * 4096));
    /* Nothing else lies in the range's leaf tables (it starts at 2 MiB): none may be left. */
    for (genvaddr_t t = a; t < a + pages * 4096; t += leaf_span) {
        RUN(hw_no_table_at(t, l->levels - 1));
    }
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

#define FLAGS_TAG 0xf1a90000u

/* The shadow tree and the hardware agree page by page; the split run keeps every page's bytes. */
static const char *lookup_and_modify_flags(void)
{
    vregion_flags_t rw = VREGION_FLAGS_READ_WRITE;
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 8 * 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, 8 * 4096, 4096, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8 * 4096, rw));
    tag_pages(a, 8 * 4096, FLAGS_TAG, 0);
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, a + 2 * 4096, 2 * 4096, VREGION_FLAGS_READ));
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a + 3 * 4096, &info));
    FAIL_IF(info.flags != VREGION_FLAGS_READ || info.vaddr != a + 2 * 4096 ||
            info.bytes != 2 * 4096);
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a, &info));
    FAIL_IF(info.flags != rw || info.bytes != 2 * 4096);
    RUN(hw_mapped(a, 2 * 4096, id.base, rw));
    RUN(hw_mapped(a + 2 * 4096, 2 * 4096, id.base + 2 * 4096, VREGION_FLAGS_READ));
    RUN(hw_mapped(a + 4 * 4096, 4 * 4096, id.base + 4 * 4096, rw));
    RUN(pages_tagged(a, 8 * 4096, FLAGS_TAG, 0));
    *(volatile uint32_t *)(uintptr_t)(a + 7 * 4096 + 4) = 7; /* still writable there */
    FAIL_IF(*(volatile uint32_t *)(uintptr_t)(a + 3 * 4096 + 4) != 0);
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, a, 8 * 4096, rw));
    RUN(hw_mapped(a, 8 * 4096, id.base, rw));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8 * 4096));
    EXPECT_ERR(pmap_lookup(&self_pmap, a, &info), LIB_ERR_PMAP_NOT_MAPPED);
    RUN(hw_unmapped(a, 8 * 4096));
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
    /* An offset no word of this machine holds (ARMv7: 32 bits) is no offset into the frame. */
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, a + 4096, frame, (gensize_t)1 << 32, 4096,
                                VREGION_FLAGS_READ)),
               LIB_ERR_PMAP_FRAME_RANGE);
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, 0x1000, frame, 0, 4096, VREGION_FLAGS_READ)),
               LIB_ERR_PMAP_ADDR_OUT_OF_RANGE);
    EXPECT_ERR(
        err_pop(pmap_map(&self_pmap, self_pmap.meta_base, frame, 0, 4096, VREGION_FLAGS_READ)),
        LIB_ERR_PMAP_ADDR_RESERVED);
    RUN(hw_unmapped(a + 4096, 8192)); /* the refused map left nothing behind */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4096));
    RUN(hw_unmapped(a, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

#define SPLIT_TAG 0x5b117000u

/*
 * Pages 2..9 of a tagged 12-page frame, mapped as one run in a leaf table of their own; a hole
 * and a read-only stretch split the run. Each page must keep its frame page (address and bytes),
 * and when the last page goes, so does the leaf table.
 */
static const char *split_runs_keep_each_pages_frame_offset(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t leaf_span = l->span_bytes[l->levels - 2];
    vregion_flags_t rw = VREGION_FLAGS_READ_WRITE;
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 12 * 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, leaf_span, leaf_span, &a));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 12 * 4096, rw));
    tag_pages(a, 12 * 4096, SPLIT_TAG, 0);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 12 * 4096));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 2 * 4096, 8 * 4096, rw));
    RUN(hw_mapped(a, 8 * 4096, id.base + 2 * 4096, rw));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a + 3 * 4096, 4096));
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, a + 5 * 4096, 2 * 4096, VREGION_FLAGS_READ));
    RUN(hw_mapped(a, 3 * 4096, id.base + 2 * 4096, rw));
    RUN(hw_unmapped(a + 3 * 4096, 4096));
    RUN(hw_mapped(a + 4 * 4096, 4096, id.base + 6 * 4096, rw));
    RUN(hw_mapped(a + 5 * 4096, 2 * 4096, id.base + 7 * 4096, VREGION_FLAGS_READ));
    RUN(hw_mapped(a + 7 * 4096, 4096, id.base + 9 * 4096, rw));
    RUN(pages_tagged(a, 3 * 4096, SPLIT_TAG, 2));
    RUN(pages_tagged(a + 4 * 4096, 4 * 4096, SPLIT_TAG, 6));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8 * 4096));
    RUN(hw_unmapped(a, 8 * 4096));
    RUN(hw_no_table_at(a, l->levels - 1));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct booted_test captest_pmap[] = {
    {"CT201", "20000 single-page maps with nested metadata refills", many_pages_with_refills},
    {"CT202", "modify_flags of part of a run, in the shadow tree and the hardware",
     lookup_and_modify_flags},
    {"CT203", "pmap errors are named", errors_are_named},
    {"CT204", "split runs keep each page's frame offset; an emptied leaf table goes",
     split_runs_keep_each_pages_frame_offset},
    {NULL, NULL, NULL},
};
