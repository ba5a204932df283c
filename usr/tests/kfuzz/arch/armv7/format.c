/* ARMv7 short-descriptor paging for the fuzzer's model (ARM ARM B3.5). */
#include "../../format.h"

const enum objtype fmt_tables[] = {ObjType_VNode_ARM_l1, ObjType_VNode_ARM_l2};
const int fmt_levels = 2;

bool fmt_is_native_vnode(enum objtype type)
{
    return type == ObjType_VNode_ARM_l1 || type == ObjType_VNode_ARM_l2;
}

enum objtype fmt_root(void)
{
    return ObjType_VNode_ARM_l1;
}

cslot_t fmt_entries(enum objtype table)
{
    return table == ObjType_VNode_ARM_l1 ? 4096 : 256;
}

/* An L1 entry maps a 1 MiB section, an L2 entry a 4 KiB small page. */
gensize_t fmt_span(enum objtype table)
{
    return table == ObjType_VNode_ARM_l1 ? (gensize_t)1 << 20 : (gensize_t)1 << 12;
}

/* The upper 2 GiB of every address space (L1 slots 2048 and up) are the kernel's. */
bool fmt_reserved(enum objtype table, uint64_t slot)
{
    return table == ObjType_VNode_ARM_l1 && slot >= 2048;
}

enum fmt_fit fmt_fit(enum objtype table, enum objtype src)
{
    bool frame = src == ObjType_Frame || src == ObjType_DevFrame;
    if (table == ObjType_VNode_ARM_l1) {
        return src == ObjType_VNode_ARM_l2 ? FMT_FIT_TABLE : frame ? FMT_FIT_PAGE : FMT_FIT_NONE;
    }
    if (table == ObjType_VNode_ARM_l2) {
        return frame ? FMT_FIT_PAGE : FMT_FIT_NONE;
    }
    return FMT_FIT_NONE;
}

/* Descriptors hold 32-bit physical addresses. */
genpaddr_t fmt_paddr_limit(void)
{
    return (genpaddr_t)1 << 32;
}
