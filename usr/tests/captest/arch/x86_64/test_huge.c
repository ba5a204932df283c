/* x86-64 1 GiB pages: a Frame in a PDPT entry, where the CPU has them and RAM allows. */
#include "../../captest.h"

#define GIB (UINT64_C(1) << 30)
#define ROOT_SPAN (UINT64_C(1) << 39) /* what one PML4 entry covers */
#define CPUID_EDX_PAGE1GB (1u << 26)  /* CPUID 0x80000001 */
#define FIRST_WORD UINT64_C(0x1111222233334444)
#define LAST_WORD UINT64_C(0x5555666677778888)

static bool cpu_has_1gib_pages(void)
{
    uint32_t eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x80000000u));
    if (eax < 0x80000001u) {
        return false;
    }
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x80000001u));
    return (edx & CPUID_EDX_PAGE1GB) != 0;
}

bool captest_arch_pages_at_level(int level)
{
    return level != 1 || cpu_has_1gib_pages(); /* level 1: the PDPT */
}

/* Reads the last word of the frame through a 4 KiB mapping of its last page. */
static const char *last_word_through_small_page(struct capref frame, uint64_t *ret)
{
    genvaddr_t at;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &at));
    FAIL_IF_ERR(pmap_map(&self_pmap, at, frame, GIB - BASE_PAGE_BYTES, BASE_PAGE_BYTES,
                         VREGION_FLAGS_READ));
    *ret = *(volatile uint64_t *)(uintptr_t)(at + BASE_PAGE_BYTES - 8);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, at, BASE_PAGE_BYTES));
    return NULL;
}

/*
 * The PDPT made here holds the frame in entry 0 and nothing else: no page directory exists
 * below it, so an access anywhere in the GiB can only be the CPU walking a 1 GiB entry.
 */
static const char *through_a_pdpt(struct capref frame)
{
    genvaddr_t at;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, ROOT_SPAN, ROOT_SPAN, &at));
    cslot_t root_slot = (cslot_t)(at / ROOT_SPAN);
    struct capref pdpt;
    FAIL_IF_ERR(vnode_create(&pdpt, ObjType_VNode_x86_64_pdpt));
    FAIL_IF_ERR(vnode_map(self_root, root_slot, pdpt, VREGION_FLAGS_READ_WRITE, 0, 1));
    FAIL_IF_ERR(vnode_map(pdpt, 0, frame, VREGION_FLAGS_READ_WRITE, 0, 1));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(frame, &id));
    RUN(hw_page_bytes(at, GIB));
    RUN(hw_mapped(at, BASE_PAGE_BYTES, id.base, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(at + GIB - BASE_PAGE_BYTES, BASE_PAGE_BYTES, id.base + GIB - BASE_PAGE_BYTES,
                  VREGION_FLAGS_READ_WRITE));
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)at;
    FAIL_IF(words[0] != 0 || words[GIB / 8 - 1] != 0); /* the kernel zeroed the frame */
    words[0] = FIRST_WORD;
    words[GIB / 8 - 1] = LAST_WORD;
    FAIL_IF(words[0] != FIRST_WORD);
    uint64_t last = 0;
    const char *why = last_word_through_small_page(frame, &last);
    if (why != NULL) {
        return why;
    }
    FAIL_IF(last != LAST_WORD); /* the page spans the whole frame, not 2 MiB of it */
    FAIL_IF_ERR(vnode_unmap(pdpt, frame, 0, 1));
    RUN(hw_unmapped(at, BASE_PAGE_BYTES));
    FAIL_IF_ERR(vnode_unmap(self_root, pdpt, root_slot, 1));
    FAIL_IF_ERR(vnode_destroy(pdpt));
    return NULL;
}

/*
 * Without 1 GiB pages (CPUID 0x80000001 EDX bit 26) the kernel refuses a frame in a PDPT: the
 * entry's size bit would be reserved, so the walk would fault on every access.
 */
static const char *no_gib_pages_are_mapped(void)
{
    struct capref frame;
    struct capref pdpt;
    FAIL_IF_ERR(frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    FAIL_IF_ERR(vnode_create(&pdpt, ObjType_VNode_x86_64_pdpt));
    FAIL_IF(err_no(invoke_vnode_map(get_cap_addr(pdpt), 0, get_cap_addr(frame),
                                    VREGION_FLAGS_READ_WRITE, 0, 1)) != SYS_ERR_VM_MAP_WRONG_LEVEL);
    FAIL_IF_ERR(vnode_destroy(pdpt));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

static const char *a_gib_page_reaches_its_memory(void)
{
    struct capref frame;
    if (!cpu_has_1gib_pages()) {
        return no_gib_pages_are_mapped();
    }
    if (err_is_fail(frame_alloc_aligned(&frame, GIB, GIB))) {
        return booted_test_skip("no 1 GiB-aligned GiB of free RAM (QEMU_MEM=3G gives one)");
    }
    const char *why = through_a_pdpt(frame);
    if (why != NULL) {
        return why;
    }
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct booted_test captest_arch_huge[] = {
    {"CT604",
     "1 GiB pages map through a PDPT entry to the whole frame, or are refused without CPU support",
     a_gib_page_reaches_its_memory},
    {NULL, NULL, NULL},
};
