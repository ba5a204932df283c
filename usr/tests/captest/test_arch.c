/* What differs by architecture, checked where it applies: device memory, shared small tables. */
#include "captest.h"
#include <stdio.h>

static struct capref device_window(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PHYSADDRCN), .slot = 0};
}

/* Init was handed a device page (x86-64: VGA text memory; ARMv7: the UART's): it maps
 * uncached and reads. */
static const char *device_memory_maps_uncached(void)
{
    struct cap_identity id;
    if (err_is_fail(cap_identify(device_window(), &id))) {
        return booted_test_skip("the kernel handed init no device page");
    }
    FAIL_IF(id.type != ObjType_PhysAddr);
    struct capref dev;
    FAIL_IF_ERR(slot_alloc(&dev));
    FAIL_IF_ERR(cap_retype(dev, device_window(), 0, ObjType_DevFrame, BASE_PAGE_BYTES, 1));
    genvaddr_t at;
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &at));
    FAIL_IF_ERR(pmap_map(&self_pmap, at, dev, 0, BASE_PAGE_BYTES,
                         VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE));
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&self_pmap, at, &info));
    FAIL_IF(!(info.flags & VREGION_FLAGS_NOCACHE));
    /* The entry itself is uncached (x86-64: PCD and PWT; ARMv7: Device), not only the record. */
    RUN(hw_mapped(at, BASE_PAGE_BYTES, id.base, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE));
    /* A read through the mapping (the PL011's flag register; a character cell on the PC). */
    volatile uint32_t flags = *(volatile uint32_t *)(uintptr_t)(at + 0x18);
    (void)flags;
    FAIL_IF_ERR(pmap_unmap(&self_pmap, at, BASE_PAGE_BYTES));
    RUN(hw_unmapped(at, BASE_PAGE_BYTES));
    FAIL_IF_ERR(cap_destroy(dev));
    return NULL;
}

/* The page-table type smaller than a page, if this architecture has one (ARMv7 L2). */
static bool small_table_type(enum objtype *ret)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        if (objtype_info[l->table_type[level]].fixed_bytes < BASE_PAGE_BYTES) {
            *ret = l->table_type[level];
            return true;
        }
    }
    return false;
}

/* Makes 2 * per_page small tables: they take two fresh pages at most (one more may have room). */
static const char *small_tables_share_pages(void)
{
    enum objtype type;
    if (!small_table_type(&type)) {
        return booted_test_skip("every page-table type here is a page or larger");
    }
    size_t count = 2 * (BASE_PAGE_BYTES / objtype_info[type].fixed_bytes);
    size_t pages = vnode_shared_pages();
    gensize_t free_bytes = ram_free_bytes();
    struct capref tables[16];
    genpaddr_t seen[16];
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++) {
        FAIL_IF_ERR(vnode_create(&tables[i], type));
        struct cap_identity id;
        FAIL_IF_ERR(cap_identify(tables[i], &id));
        genpaddr_t page = id.base & ~(BASE_PAGE_BYTES - 1);
        bool known = false;
        for (size_t j = 0; j < distinct; j++) {
            known |= seen[j] == page;
        }
        if (!known) {
            seen[distinct++] = page;
        }
    }
    FAIL_IF(distinct > 3);
    FAIL_IF(free_bytes - ram_free_bytes() > 2 * BASE_PAGE_BYTES);
    for (size_t i = 0; i < count; i++) {
        FAIL_IF_ERR(vnode_destroy(tables[i]));
    }
    FAIL_IF(vnode_shared_pages() != pages);
    FAIL_IF(ram_free_bytes() != free_bytes);
    return NULL;
}

static const char *the_kernel_half_of_the_root_is_reserved(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    cslot_t first_kernel_slot = (cslot_t)(l->user_end / l->span_bytes[0]);
    struct capref table;
    FAIL_IF_ERR(vnode_create(&table, l->table_type[1]));
    EXPECT_ERR(err_pop(vnode_map(self_root, first_kernel_slot, table, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VNODE_SLOT_RESERVED);
    EXPECT_ERR(err_pop(vnode_map(self_root, l->entries[0] - 1, table, VREGION_FLAGS_READ, 0, 1)),
               SYS_ERR_VNODE_SLOT_RESERVED);
    FAIL_IF_ERR(vnode_destroy(table));
    return NULL;
}

/* Each test skips, saying why, on a machine where its case does not exist. */
const struct booted_test captest_arch[] = {
    {"CT601", "device memory maps uncached in the hardware entry and reads",
     device_memory_maps_uncached},
    {"CT602", "page tables smaller than a page share pages", small_tables_share_pages},
    {"CT603", "the kernel's half of the root is reserved", the_kernel_half_of_the_root_is_reserved},
    {NULL, NULL, NULL},
};
