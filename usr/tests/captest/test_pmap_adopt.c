/* init's pmap adopted what the kernel mapped for it: its text, data and stack are the pmap's. */
#include "captest.h"
#include <domain_layout.h>

#define PAGE ((gensize_t)4096)
#define ADOPT_TAG 0xad0b7000u

/* Three whole pages of .bss that nothing else uses: the middle one goes away and comes back. */
static uint8_t own_pages[3 * 4096] __attribute__((aligned(4096)));

static int in_data = 1; /* .data */

/* The run that maps vaddr is one the kernel made (a PAGECN capability), in the hardware as said. */
static const char *adopted_run(genvaddr_t vaddr, vregion_flags_t flags,
                               struct pmap_mapping_info *info)
{
    FAIL_IF_ERR(pmap_lookup(&self_pmap, vaddr, info));
    FAIL_IF(info->frame.cnode.l1_index != ROOTCN_SLOT_PAGECN);
    FAIL_IF(info->flags != flags || info->page_bytes != PAGE);
    FAIL_IF(vaddr < info->vaddr || vaddr >= info->vaddr + info->bytes);
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(info->frame, &id));
    RUN(hw_mapped(info->vaddr, info->bytes, id.base + info->offset_bytes, flags));
    return NULL;
}

static const char *text_data_and_stack_are_adopted(void)
{
    struct pmap_mapping_info info;
    vregion_flags_t rx = VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE;
    RUN(adopted_run((genvaddr_t)(uintptr_t)&text_data_and_stack_are_adopted, rx, &info));
    FAIL_IF(info.vaddr < DOMAIN_IMAGE_BASE);
    RUN(adopted_run((genvaddr_t)(uintptr_t)&in_data, VREGION_FLAGS_READ_WRITE, &info));
    RUN(adopted_run((genvaddr_t)(uintptr_t)own_pages, VREGION_FLAGS_READ_WRITE, &info));
    int on_stack = 0;
    RUN(adopted_run((genvaddr_t)(uintptr_t)&on_stack, VREGION_FLAGS_READ_WRITE, &info));
    FAIL_IF(info.vaddr != DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES ||
            info.bytes != DOMAIN_STACK_BYTES);
    /* Taken: mapping over the image is refused. */
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, PAGE, NULL));
    EXPECT_ERR(err_pop(pmap_map(&self_pmap, (genvaddr_t)(uintptr_t)own_pages, frame, 0, PAGE,
                                VREGION_FLAGS_READ_WRITE)),
               LIB_ERR_PMAP_EXISTING_MAPPING);
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

/*
 * A page the kernel mapped: unmapped, mapped again from the frame lookup names, and aliased. Its
 * run also holds the pmap itself, which must stay reachable while the run is split.
 */
static const char *an_adopted_page_unmaps_and_maps_again(void)
{
    genvaddr_t page = (genvaddr_t)(uintptr_t)own_pages + PAGE;
    tag_pages(page - PAGE, 3 * PAGE, ADOPT_TAG, 0);
    struct pmap_mapping_info info, pmap_run;
    RUN(adopted_run(page, VREGION_FLAGS_READ_WRITE, &info));
    FAIL_IF_ERR(pmap_lookup(&self_pmap, (genvaddr_t)(uintptr_t)&self_pmap, &pmap_run));
    FAIL_IF(pmap_run.vaddr != info.vaddr); /* the case to test: one run for both */
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(info.frame, &id));
    gensize_t offset = info.offset_bytes + (page - info.vaddr);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, page, PAGE));
    RUN(hw_unmapped(page, PAGE));
    RUN(hw_mapped(page - PAGE, PAGE, id.base + offset - PAGE, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(page + PAGE, PAGE, id.base + offset + PAGE, VREGION_FLAGS_READ_WRITE));
    struct pmap_mapping_info gone;
    EXPECT_ERR(pmap_lookup(&self_pmap, page, &gone), LIB_ERR_PMAP_NOT_MAPPED);
    /* The bytes stayed in the frame: an alias elsewhere reads them, then the page comes back. */
    genvaddr_t alias;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, PAGE, PAGE, &alias));
    FAIL_IF_ERR(pmap_map(&self_pmap, alias, info.frame, offset, PAGE, VREGION_FLAGS_READ));
    RUN(pages_tagged(alias, PAGE, ADOPT_TAG, 1));
    FAIL_IF_ERR(pmap_map(&self_pmap, page, info.frame, offset, PAGE, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(page, PAGE, id.base + offset, VREGION_FLAGS_READ_WRITE));
    RUN(pages_tagged(page - PAGE, 3 * PAGE, ADOPT_TAG, 0));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, alias, PAGE));
    /* Its flags change like any run's, and change back. */
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, page - PAGE, 2 * PAGE, VREGION_FLAGS_READ));
    RUN(hw_mapped(page - PAGE, 2 * PAGE, id.base + offset - PAGE, VREGION_FLAGS_READ));
    RUN(hw_mapped(page + PAGE, PAGE, id.base + offset + PAGE, VREGION_FLAGS_READ_WRITE));
    FAIL_IF_ERR(pmap_modify_flags(&self_pmap, page - PAGE, 2 * PAGE, VREGION_FLAGS_READ_WRITE));
    tag_pages(page - PAGE, 3 * PAGE, ADOPT_TAG + 1, 0);
    RUN(pages_tagged(page - PAGE, 3 * PAGE, ADOPT_TAG + 1, 0));
    return NULL;
}

/* The lowest page of the stack the kernel mapped becomes a guard page, then comes back. */
static const char *the_running_stack_gets_a_guard_page(void)
{
    genvaddr_t low = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES;
    struct pmap_mapping_info info;
    RUN(adopted_run(low, VREGION_FLAGS_READ_WRITE, &info));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(info.frame, &id));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, low, PAGE));
    RUN(hw_unmapped(low, PAGE));
    RUN(hw_mapped(low + PAGE, DOMAIN_STACK_BYTES - PAGE, id.base + info.offset_bytes + PAGE,
                  VREGION_FLAGS_READ_WRITE));
    FAIL_IF_ERR(
        pmap_map(&self_pmap, low, info.frame, info.offset_bytes, PAGE, VREGION_FLAGS_READ_WRITE));
    RUN(hw_mapped(low, DOMAIN_STACK_BYTES, id.base + info.offset_bytes, VREGION_FLAGS_READ_WRITE));
    return NULL;
}

const struct booted_test captest_pmap_adopt[] = {
    {"CT221", "init's pmap adopted its text, data and stack: lookups, hardware, taken addresses",
     text_data_and_stack_are_adopted},
    {"CT222", "a page the kernel mapped unmaps, maps again and changes flags through the pmap",
     an_adopted_page_unmaps_and_maps_again},
    {"CT223", "the running stack the kernel mapped gets a guard page and gives it back",
     the_running_stack_gets_a_guard_page},
    {NULL, NULL, NULL},
};
