/* The ARMv7 layout: an L1 of 4096 entries (1 MiB sections), L2s of 256, 2 GiB of user space. */
#include <page_sizes.h>
#include <pmap/pmap_arch.h>

static const struct pmap_layout armv7_layout = {
    .levels = PAGE_TABLE_LEVELS,
    .table_type = {ObjType_VNode_ARM_l1, ObjType_VNode_ARM_l2},
    .entries = {4096, 256},
    .span_bytes = {LARGE_PAGE_BYTES, BASE_PAGE_BYTES},
    .span_shift = {20, 12},
    .frame_level = {true, true},
    .user_min = 0x10000,
    .user_end = 0x80000000,
    .meta_base_default = 0x70000000,
    .meta_window_default = (gensize_t)128 << 20,
};

const struct pmap_layout *pmap_arch_layout(void)
{
    return &armv7_layout;
}
