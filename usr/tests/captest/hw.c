/* The hardware's view for the booted tests: entries read back through the kernel's walk, bytes. */
#include "captest.h"
#include <stdio.h>

static char hw_reason[240];

static const char *hw_differs(genvaddr_t vaddr, const char *what, unsigned long long got,
                              unsigned long long want)
{
    snprintf(hw_reason, sizeof(hw_reason), "hardware at 0x%llx: %s 0x%llx, expected 0x%llx",
             (unsigned long long)vaddr, what, got, want);
    return hw_reason;
}

static const char *hw_absent(genvaddr_t vaddr, const struct debug_translation *t)
{
    snprintf(hw_reason, sizeof(hw_reason),
             "hardware at 0x%llx: nothing mapped (walk ends at level %d)",
             (unsigned long long)vaddr, t->level);
    return hw_reason;
}

const char *hw_translate(genvaddr_t vaddr, struct debug_translation *ret)
{
    errval_t err = sys_debug_translate(vaddr, ret);
    if (err_is_fail(err)) {
        return captest_reason("sys_debug_translate", __FILE__, __LINE__, err);
    }
    return NULL;
}

const char *hw_mapped(genvaddr_t vaddr, gensize_t bytes, genpaddr_t paddr, vregion_flags_t flags)
{
    for (gensize_t offset = 0; offset < bytes; offset += BASE_PAGE_BYTES) {
        struct debug_translation t;
        RUN(hw_translate(vaddr + offset, &t));
        if (!t.present) {
            return hw_absent(vaddr + offset, &t);
        }
        genpaddr_t reached = t.paddr + (vaddr + offset) % t.bytes;
        if (reached != paddr + offset) {
            return hw_differs(vaddr + offset, "physical address", reached, paddr + offset);
        }
        if (t.flags != flags) {
            return hw_differs(vaddr + offset, "flags", t.flags, flags);
        }
        RUN(captest_arch_entry_agrees(&t));
    }
    return NULL;
}

const char *hw_unmapped(genvaddr_t vaddr, gensize_t bytes)
{
    for (gensize_t offset = 0; offset < bytes; offset += BASE_PAGE_BYTES) {
        struct debug_translation t;
        RUN(hw_translate(vaddr + offset, &t));
        if (t.present) {
            return hw_differs(vaddr + offset, "still maps physical", t.paddr, 0);
        }
    }
    return NULL;
}

const char *hw_page_bytes(genvaddr_t vaddr, gensize_t page_bytes)
{
    struct debug_translation t;
    RUN(hw_translate(vaddr, &t));
    if (!t.present) {
        return hw_absent(vaddr, &t);
    }
    if (t.bytes != page_bytes) {
        return hw_differs(vaddr, "page bytes", t.bytes, page_bytes);
    }
    return captest_arch_entry_agrees(&t);
}

const char *hw_no_table_at(genvaddr_t vaddr, int level)
{
    struct debug_translation t;
    RUN(hw_translate(vaddr, &t));
    if (t.present || t.level >= level) {
        snprintf(hw_reason, sizeof(hw_reason),
                 "hardware at 0x%llx: the walk reaches a table of level %d (ends at level %d, %s)",
                 (unsigned long long)vaddr, level, t.level, t.present ? "a page" : "absent");
        return hw_reason;
    }
    return NULL;
}

/* The word a tagged page holds at its start and its end. */
static uint32_t tag_of(uint32_t tag, size_t page)
{
    return tag ^ (uint32_t)(page * 0x9e3779b1u);
}

void tag_pages(genvaddr_t vaddr, gensize_t bytes, uint32_t tag, size_t first_page)
{
    for (size_t i = 0; i < bytes / BASE_PAGE_BYTES; i++) {
        volatile uint32_t *page = (volatile uint32_t *)(uintptr_t)(vaddr + i * BASE_PAGE_BYTES);
        page[0] = tag_of(tag, first_page + i);
        page[BASE_PAGE_BYTES / 4 - 1] = ~tag_of(tag, first_page + i);
    }
}

const char *pages_tagged(genvaddr_t vaddr, gensize_t bytes, uint32_t tag, size_t first_page)
{
    for (size_t i = 0; i < bytes / BASE_PAGE_BYTES; i++) {
        genvaddr_t at = vaddr + i * BASE_PAGE_BYTES;
        const volatile uint32_t *page = (const volatile uint32_t *)(uintptr_t)at;
        uint32_t want = tag_of(tag, first_page + i);
        if (page[0] != want) {
            return hw_differs(at, "page starts with", page[0], want);
        }
        if (page[BASE_PAGE_BYTES / 4 - 1] != (uint32_t)~want) {
            return hw_differs(at + BASE_PAGE_BYTES - 4, "page ends with",
                              page[BASE_PAGE_BYTES / 4 - 1], (uint32_t)~want);
        }
    }
    return NULL;
}
