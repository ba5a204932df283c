/* x86-64 entry bits (Intel SDM vol. 3, 4.5), decoded apart from the kernel to check its walk. */
#include "../../captest.h"
#include <stdio.h>

#define X86_P (UINT64_C(1) << 0)
#define X86_RW (UINT64_C(1) << 1)
#define X86_US (UINT64_C(1) << 2)
#define X86_PWT (UINT64_C(1) << 3)
#define X86_PCD (UINT64_C(1) << 4)
#define X86_PS (UINT64_C(1) << 7)
#define X86_XD (UINT64_C(1) << 63)
#define X86_FRAME_MASK UINT64_C(0x000ffffffffff000)
#define X86_LEAF_LEVEL 3 /* the page table; the PML4 is level 0 */

static char reason[200];

static const char *disagree(const struct debug_translation *t, const char *what)
{
    snprintf(reason, sizeof(reason), "entry 0x%llx at level %d: %s", (unsigned long long)t->entry,
             t->level, what);
    return reason;
}

const char *captest_arch_entry_agrees(const struct debug_translation *t)
{
    uint64_t e = t->entry;
    if (!(e & X86_P) || !(e & X86_US)) {
        return disagree(t, "not present, or not a user entry");
    }
    /* A PTE maps 4 KiB (bit 7 is PAT there); a PDE or PDPTE maps a page only with PS set. */
    if (t->level == 0 || (t->level < X86_LEAF_LEVEL && !(e & X86_PS))) {
        return disagree(t, "a page reported where the entry is no page");
    }
    if (t->level == X86_LEAF_LEVEL && (e & X86_PS)) {
        return disagree(t, "the PTE's PAT bit picks a memory type beyond PCD and PWT");
    }
    gensize_t bytes = BASE_PAGE_BYTES << (9 * (X86_LEAF_LEVEL - t->level));
    if (t->bytes != bytes || (e & X86_FRAME_MASK & ~(bytes - 1)) != t->paddr) {
        return disagree(t, "page size or address differ from the entry's");
    }
    bool write = (e & X86_RW) != 0;
    bool exec = (e & X86_XD) == 0;
    if (write != ((t->flags & VREGION_FLAGS_WRITE) != 0) ||
        exec != ((t->flags & VREGION_FLAGS_EXECUTE) != 0)) {
        return disagree(t, "rights differ from the entry's R/W and XD bits");
    }
    /* With the power-on PAT, PCD+PWT is UC (uncached) and neither is WB; one alone is neither. */
    bool uc = (e & X86_PCD) && (e & X86_PWT);
    bool wb = !(e & X86_PCD) && !(e & X86_PWT);
    if (!(uc ? (t->flags & VREGION_FLAGS_NOCACHE) : wb && !(t->flags & VREGION_FLAGS_NOCACHE))) {
        return disagree(t, "memory type differs from the entry's PCD and PWT");
    }
    return NULL;
}
