/* Paging tests on the real tables: what the CPU reaches through fresh mappings, and refusals. */
#include "captest.h"
#include <domain_layout.h>
#include <string.h>

/* A free, table-aligned address in the pmap's part of the address space. */
static genvaddr_t fresh_vaddr(gensize_t bytes, gensize_t alignment)
{
    genvaddr_t vaddr = 0;
    pmap_determine_addr(&self_pmap, bytes, alignment, &vaddr);
    return vaddr;
}

static const char *writes_reach_the_frame(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 4 * 4096, NULL));
    genvaddr_t a = fresh_vaddr(4 * 4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4 * 4096, VREGION_FLAGS_READ_WRITE));
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)a;
    for (int i = 0; i < 4 * 1024; i++) {
        p[i] = 0xc0de0000u + (uint32_t)i;
    }
    for (int i = 0; i < 4 * 1024; i++) {
        FAIL_IF(p[i] != 0xc0de0000u + (uint32_t)i);
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4 * 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *two_mappings_of_one_frame_alias(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    genvaddr_t a = fresh_vaddr(4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
    genvaddr_t b = fresh_vaddr(4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, b, frame, 0, 4096, VREGION_FLAGS_READ));
    *(volatile uint64_t *)(uintptr_t)(a + 128) = 0x1122334455667788ull;
    FAIL_IF(*(volatile uint64_t *)(uintptr_t)(b + 128) != 0x1122334455667788ull);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4096));
    FAIL_IF(*(volatile uint64_t *)(uintptr_t)(b + 128) != 0x1122334455667788ull);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, b, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *new_frames_are_zero(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, 8192, NULL));
    genvaddr_t a = fresh_vaddr(8192, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8192, VREGION_FLAGS_READ_WRITE));
    for (int i = 0; i < 8192; i++) {
        FAIL_IF(((volatile uint8_t *)(uintptr_t)a)[i] != 0);
    }
    memset((void *)(uintptr_t)a, 0xff, 8192);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8192));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(frame_alloc(&frame, 8192, NULL));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8192, VREGION_FLAGS_READ));
    for (int i = 0; i < 8192; i++) {
        FAIL_IF(((volatile uint8_t *)(uintptr_t)a)[i] != 0);
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8192));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *kernel_refuses_bad_maps(void)
{
    struct capref table;
    struct capref frame;
    const struct pmap_layout *l = pmap_arch_layout();
    FAIL_IF_ERR(vnode_create(&table, l->table_type[l->levels - 1]));
    FAIL_IF_ERR(frame_alloc(&frame, 8192, NULL));
    EXPECT_ERR(
        err_pop(vnode_map(table, l->entries[l->levels - 1], frame, VREGION_FLAGS_READ, 0, 1)),
        SYS_ERR_VNODE_SLOT_INVALID);
    EXPECT_ERR(err_pop(vnode_map(table, 0, frame, VREGION_FLAGS_READ, 8192, 1)),
               SYS_ERR_VM_MAP_OFFSET_INVALID);
    EXPECT_ERR(err_pop(vnode_map(table, 0, table, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VM_MAP_WRONG_LEVEL);
    EXPECT_ERR(err_pop(vnode_map(self_root, l->entries[0] - 1, frame, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VNODE_SLOT_RESERVED);
    FAIL_IF_ERR(vnode_map(table, 0, frame, VREGION_FLAGS_READ, 0, 2));
    struct capref copy;
    FAIL_IF_ERR(slot_alloc(&copy));
    FAIL_IF_ERR(cap_copy(copy, frame));
    EXPECT_ERR(err_pop(vnode_map(table, 1, copy, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VM_ENTRY_PRESENT);
    EXPECT_ERR(err_pop(vnode_unmap(table, frame, 0, 1)), SYS_ERR_VM_RANGE_MISMATCH);
    FAIL_IF_ERR(vnode_unmap(table, frame, 0, 2));
    FAIL_IF_ERR(cap_destroy(copy));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(vnode_destroy(table));
    return NULL;
}

static const char *large_pages_reach_memory(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t large = l->span_bytes[l->levels - 2];
    struct capref frame;
    FAIL_IF_ERR(frame_alloc_aligned(&frame, large, large));
    genvaddr_t a = fresh_vaddr(large, large);
    FAIL_IF_ERR(
        pmap_map(&self_pmap, a, frame, 0, large, VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_LARGE));
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a + 4096, &info));
    FAIL_IF(info.page_bytes != large);
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)a;
    p[0] = 1;
    p[large - 1] = 2;
    FAIL_IF(p[0] != 1 || p[large - 1] != 2);
    /* Unmapping one page inside splits it; the rest still reaches the same memory. */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a + 4096, 4096));
    FAIL_IF(p[0] != 1 || p[large - 1] != 2);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, large));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct captest captest_paging[] = {
    {"CT101", "writes through a fresh mapping reach the frame", writes_reach_the_frame},
    {"CT102", "two mappings of one frame see each other's writes", two_mappings_of_one_frame_alias},
    {"CT103", "new frames are zeroed", new_frames_are_zero},
    {"CT104", "the kernel refuses bad maps with named errors", kernel_refuses_bad_maps},
    {"CT105", "a large page reaches its memory, also after a split", large_pages_reach_memory},
    {NULL, NULL, NULL},
};
