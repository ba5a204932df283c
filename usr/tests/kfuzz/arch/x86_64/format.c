/* x86-64 4-level paging for the fuzzer's model (Intel SDM vol. 3, 4.5). */
#include "../../format.h"

const enum objtype fmt_tables[] = {ObjType_VNode_x86_64_pml4, ObjType_VNode_x86_64_pdpt,
                                   ObjType_VNode_x86_64_pdir, ObjType_VNode_x86_64_ptable};
const int fmt_levels = 4;

static int level_of(enum objtype type)
{
    for (int i = 0; i < fmt_levels; i++) {
        if (fmt_tables[i] == type) {
            return i;
        }
    }
    return -1;
}

bool fmt_is_native_vnode(enum objtype type)
{
    return level_of(type) >= 0;
}

enum objtype fmt_root(void)
{
    return ObjType_VNode_x86_64_pml4;
}

cslot_t fmt_entries(enum objtype table)
{
    (void)table;
    return 512;
}

gensize_t fmt_span(enum objtype table)
{
    return (gensize_t)1 << (39 - 9 * level_of(table));
}

/* The upper half of the PML4 is the kernel's. */
bool fmt_reserved(enum objtype table, uint64_t slot)
{
    return table == ObjType_VNode_x86_64_pml4 && slot >= 256;
}

/* A table holds the next level's table; PDPT, PDIR and PTABLE hold pages (the host walks 1 GiB). */
enum fmt_fit fmt_fit(enum objtype table, enum objtype src)
{
    int level = level_of(table);
    if (level < 0) {
        return FMT_FIT_NONE;
    }
    if (level + 1 < fmt_levels && src == fmt_tables[level + 1]) {
        return FMT_FIT_TABLE;
    }
    bool frame = src == ObjType_Frame || src == ObjType_DevFrame;
    return frame && level >= 1 ? FMT_FIT_PAGE : FMT_FIT_NONE;
}

genpaddr_t fmt_paddr_limit(void)
{
    return (genpaddr_t)1 << 52;
}
