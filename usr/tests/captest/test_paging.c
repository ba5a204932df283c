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

/* Words written through one mapping are in the frame: a second mapping elsewhere reads them. */
static const char *writes_reach_the_frame(void)
{
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 4 * 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a = fresh_vaddr(4 * 4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4 * 4096, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(a, 4 * 4096, id.base, VREGION_FLAGS_READ_WRITE));
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)a;
    for (int i = 0; i < 4 * 1024; i++) {
        p[i] = 0xc0de0000u + (uint32_t)i;
    }
    genvaddr_t b = fresh_vaddr(4 * 4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, b, frame, 0, 4 * 4096, VREGION_FLAGS_READ));
    RUN(hw_mapped(b, 4 * 4096, id.base, VREGION_FLAGS_READ));
    const volatile uint32_t *q = (const volatile uint32_t *)(uintptr_t)b;
    for (int i = 0; i < 4 * 1024; i++) {
        FAIL_IF(q[i] != 0xc0de0000u + (uint32_t)i);
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4 * 4096));
    RUN(hw_unmapped(a, 4 * 4096));
    RUN(hw_mapped(b, 4 * 4096, id.base, VREGION_FLAGS_READ));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, b, 4 * 4096));
    RUN(hw_unmapped(b, 4 * 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *two_mappings_of_one_frame_alias(void)
{
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a = fresh_vaddr(4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4096, VREGION_FLAGS_READ_WRITE));
    genvaddr_t b = fresh_vaddr(4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, b, frame, 0, 4096, VREGION_FLAGS_READ));
    RUN(hw_mapped(a, 4096, id.base, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(b, 4096, id.base, VREGION_FLAGS_READ));
    *(volatile uint64_t *)(uintptr_t)(a + 128) = 0x1122334455667788ull;
    FAIL_IF(*(volatile uint64_t *)(uintptr_t)(b + 128) != 0x1122334455667788ull);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4096));
    RUN(hw_unmapped(a, 4096));
    RUN(hw_mapped(b, 4096, id.base, VREGION_FLAGS_READ));
    FAIL_IF(*(volatile uint64_t *)(uintptr_t)(b + 128) != 0x1122334455667788ull);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, b, 4096));
    RUN(hw_unmapped(b, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *new_frames_are_zero(void)
{
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 8192, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a = fresh_vaddr(8192, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8192, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(a, 8192, id.base, VREGION_FLAGS_READ_WRITE));
    for (int i = 0; i < 8192; i++) {
        FAIL_IF(((volatile uint8_t *)(uintptr_t)a)[i] != 0);
    }
    memset((void *)(uintptr_t)a, 0xff, 8192);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 8192));
    FAIL_IF_ERR(frame_free(frame));
    FAIL_IF_ERR(frame_alloc(&frame, 8192, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 8192, VREGION_FLAGS_READ));
    RUN(hw_mapped(a, 8192, id.base, VREGION_FLAGS_READ));
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

#define LARGE_TAG 0x1a29e000u

/*
 * A large page is one entry of the level above the leaf, and every 4 KiB page of it reaches the
 * frame's page at the same offset: words written through it are read through 4 KiB pages of the
 * frame mapped elsewhere. A split leaves every other page where it was.
 */
static const char *large_pages_reach_memory(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t large = l->span_bytes[l->levels - 2];
    vregion_flags_t rw = VREGION_FLAGS_READ_WRITE;
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc_aligned(&frame, large, large));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a = fresh_vaddr(large, large);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, large, rw | VREGION_FLAGS_LARGE));
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&self_pmap, a + 4096, &info));
    FAIL_IF(info.page_bytes != large);
    RUN(hw_page_bytes(a, large));
    RUN(hw_mapped(a, large, id.base, rw));
    tag_pages(a, large, LARGE_TAG, 0);
    genvaddr_t b = fresh_vaddr(large, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, b, frame, 0, large, VREGION_FLAGS_READ));
    RUN(hw_page_bytes(b + large - 4096, 4096));
    RUN(hw_mapped(b, large, id.base, VREGION_FLAGS_READ));
    RUN(pages_tagged(b, large, LARGE_TAG, 0));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, b, large));
    RUN(hw_unmapped(b, large));
    /* Unmapping one page inside splits it; the rest still reaches the same memory. */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a + 4096, 4096));
    RUN(hw_unmapped(a + 4096, 4096));
    RUN(hw_page_bytes(a, 4096));
    RUN(hw_mapped(a, 4096, id.base, rw));
    RUN(hw_mapped(a + 8192, large - 8192, id.base + 8192, rw));
    RUN(pages_tagged(a, 4096, LARGE_TAG, 0));
    RUN(pages_tagged(a + 8192, large - 8192, LARGE_TAG, 2));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, large));
    RUN(hw_unmapped(a, large));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

/* One DEBUG_TRANSLATE trap with a raw word, as a hostile domain would make it. */
static struct sysret translate_raw(uintptr_t word)
{
    const uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, DEBUG_TRANSLATE, word};
    return syscall_raw(regs);
}

/*
 * The kernel's walk answers only for the domain's own half: every word beyond it is refused
 * with its name and nothing else comes back; inside, any address in a page reports that page.
 */
static const char *the_walk_stays_in_the_domains_half(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    const uintptr_t top_bit = (uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1);
    const uintptr_t refused[] = {(uintptr_t)l->user_end, (uintptr_t)l->user_end + 4097,
                                 UINTPTR_MAX - 4095, UINTPTR_MAX, top_bit};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct sysret r = translate_raw(refused[i]);
        EXPECT_ERR(r.error, SYS_ERR_TRANSLATE_NOT_USER);
        FAIL_IF(r.value[0] != 0 || r.value[1] != 0 || r.value[2] != 0 || r.value[3] != 0);
    }
    struct debug_translation t;
    EXPECT_ERR(sys_debug_translate(l->user_end + UINT64_C(0x100000000), &t),
               SYS_ERR_TRANSLATE_NOT_USER);
    RUN(hw_translate(0, &t));
    FAIL_IF(t.present); /* the null page stays unmapped */
    struct capref frame;
    struct cap_identity id;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(cap_identify(frame, &id));
    genvaddr_t a = fresh_vaddr(4096, 4096);
    FAIL_IF_ERR(pmap_map(&self_pmap, a, frame, 0, 4096, VREGION_FLAGS_READ));
    for (gensize_t offset = 1; offset < 4096; offset += 1021) {
        RUN(hw_translate(a + offset, &t));
        FAIL_IF(!t.present || t.paddr != id.base || t.level != l->levels - 1);
    }
    RUN(hw_translate(l->user_end - 1, &t)); /* the last user byte: answered, mapped or not */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, a, 4096));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct booted_test captest_paging[] = {
    {"CT101", "writes through a fresh mapping reach the frame, read through another",
     writes_reach_the_frame},
    {"CT102", "two mappings of one frame see each other's writes", two_mappings_of_one_frame_alias},
    {"CT103", "new frames are zeroed", new_frames_are_zero},
    {"CT104", "the kernel refuses bad maps with named errors", kernel_refuses_bad_maps},
    {"CT105", "a large page is one entry reaching every page of its frame, also after a split",
     large_pages_reach_memory},
    {"CT106", "the kernel's walk answers only in the domain's half, with named refusals",
     the_walk_stays_in_the_domains_half},
    {NULL, NULL, NULL},
};
