/* The x86-64 layout: four levels of 512 entries, 1 GiB and 2 MiB large pages, 128 TiB of user
 * space. */
#include <page_sizes.h>
#include <pmap/pmap_arch.h>

static const struct pmap_layout x86_64_layout = {
    .levels = PAGE_TABLE_LEVELS,
    .table_type = {ObjType_VNode_x86_64_pml4, ObjType_VNode_x86_64_pdpt, ObjType_VNode_x86_64_pdir,
                   ObjType_VNode_x86_64_ptable},
    .entries = {512, 512, 512, 512},
    .span_bytes = {(gensize_t)1 << 39, HUGE_PAGE_BYTES, LARGE_PAGE_BYTES, BASE_PAGE_BYTES},
    .span_shift = {39, 30, 21, 12},
    .frame_level = {false, true, true, true},
    .user_min = 0x10000,
    .user_end = (genvaddr_t)1 << 47,
    .meta_base_default = (genvaddr_t)0x7f0000000000,
    .meta_window_default = (gensize_t)1 << 39,
};

const struct pmap_layout *pmap_arch_layout(void)
{
    return &x86_64_layout;
}
