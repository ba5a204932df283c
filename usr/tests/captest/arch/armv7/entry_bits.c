/* ARMv7 short-descriptor bits (ARM ARM B3.5, TRE=0), decoded apart from the kernel's walk. */
#include "../../captest.h"
#include <stdio.h>

#define SECTION_BYTES ((gensize_t)1 << 20)
#define L1_SECTION 0x2u /* bit 0 of a section is PXN */
#define L1_SUPERSECTION (1u << 18)
#define L2_SMALL_PAGE 0x2u /* bit 0 of a small page is XN */

/* The fields that decide rights and memory type, wherever the format puts them. */
struct attrs {
    uint32_t ap; /* AP[2:0] */
    uint32_t tex;
    bool c, b, xn;
};

static uint32_t bit(uint32_t e, unsigned pos)
{
    return (e >> pos) & 1u;
}

static struct attrs section_attrs(uint32_t e)
{
    return (struct attrs){.ap = ((e >> 10) & 3u) | (bit(e, 15) << 2),
                          .tex = (e >> 12) & 7u,
                          .c = bit(e, 3),
                          .b = bit(e, 2),
                          .xn = bit(e, 4)};
}

static struct attrs small_page_attrs(uint32_t e)
{
    return (struct attrs){.ap = ((e >> 4) & 3u) | (bit(e, 9) << 2),
                          .tex = (e >> 6) & 7u,
                          .c = bit(e, 3),
                          .b = bit(e, 2),
                          .xn = bit(e, 0)};
}

static char reason[200];

static const char *disagree(const struct debug_translation *t, const char *what)
{
    snprintf(reason, sizeof(reason), "entry 0x%llx at level %d: %s", (unsigned long long)t->entry,
             t->level, what);
    return reason;
}

/* Normal write-back (TEX=001 C=1 B=1) or shareable Device (TEX=000 C=0 B=1); nothing else. */
static const char *memory_type_agrees(const struct debug_translation *t, struct attrs a)
{
    bool normal_wb = a.tex == 1 && a.c && a.b;
    bool device = a.tex == 0 && !a.c && a.b;
    if (!(device ? (t->flags & VREGION_FLAGS_NOCACHE)
                 : normal_wb && !(t->flags & VREGION_FLAGS_NOCACHE))) {
        return disagree(t, "memory type differs from the entry's TEX, C and B");
    }
    return NULL;
}

const char *captest_arch_entry_agrees(const struct debug_translation *t)
{
    uint32_t e = (uint32_t)t->entry;
    struct attrs a;
    gensize_t bytes;
    uint32_t base;
    if (t->level == 0 && (e & L1_SECTION) && !(e & L1_SUPERSECTION)) {
        a = section_attrs(e);
        bytes = SECTION_BYTES;
        base = e & 0xfff00000u;
    } else if (t->level == 1 && (e & L2_SMALL_PAGE)) {
        a = small_page_attrs(e);
        bytes = BASE_PAGE_BYTES;
        base = e & 0xfffff000u;
    } else {
        return disagree(t, "a page reported where the entry is no section or small page");
    }
    if (t->bytes != bytes || base != t->paddr) {
        return disagree(t, "page size or address differ from the entry's");
    }
    /* AP[2:0]: 011 user read-write, 111 user read-only (AFE=0). */
    bool write = a.ap == 3;
    if ((a.ap != 3 && a.ap != 7) || write != ((t->flags & VREGION_FLAGS_WRITE) != 0) ||
        a.xn != !(t->flags & VREGION_FLAGS_EXECUTE)) {
        return disagree(t, "rights differ from the entry's AP and XN bits");
    }
    return memory_type_agrees(t, a);
}
