/* The x86-64 4-level paging walker (Intel SDM vol. 3, ch. 4.5): the tests' translation oracle. */
#include "walker.h"

#include <host_machine.h>
#include <string.h>

#define X86_LEVELS 4
#define X86_ENTRY_BYTES 8
#define X86_INDEX_MASK UINT64_C(0x1ff)
#define X86_P (UINT64_C(1) << 0)
#define X86_RW (UINT64_C(1) << 1)
#define X86_US (UINT64_C(1) << 2)
#define X86_PWT (UINT64_C(1) << 3)
#define X86_PCD (UINT64_C(1) << 4)
#define X86_PS (UINT64_C(1) << 7)
#define X86_XD (UINT64_C(1) << 63)
/* Bits 51:12: a table's or a page's frame (MAXPHYADDR taken as the architectural maximum, 52). */
#define X86_FRAME_MASK UINT64_C(0x000ffffffffff000)
/* Bits 12:0 of a large-page entry: flags and PAT; the bits from 13 up to the page size are
 * reserved. */
#define X86_LARGE_FLAG_BITS 13

/* The lowest VA bit each level indexes with, from the PML4 (level 0) to the page table (3). */
static const unsigned x86_shift_by_level[X86_LEVELS] = {39, 30, 21, 12};

static uint64_t read_entry(genpaddr_t table, uint64_t vaddr, int level)
{
    uint64_t index = (vaddr >> x86_shift_by_level[level]) & X86_INDEX_MASK;
    uint64_t entry;
    memcpy(&entry, host_machine_phys_ptr(table + index * X86_ENTRY_BYTES), sizeof(entry));
    return entry;
}

/* Bits 63:47 must all equal bit 47. */
static bool is_canonical(uint64_t vaddr)
{
    uint64_t upper_bits = vaddr >> 47;
    return upper_bits == 0 || upper_bits == UINT64_C(0x1ffff);
}

/* Does a present entry at level map a page (PS in a PDPTE or PDE; every PTE)? */
static bool is_leaf(uint64_t entry, int level)
{
    return level == X86_LEVELS - 1 || ((level == 1 || level == 2) && (entry & X86_PS) != 0);
}

/* A present entry with a reserved bit set faults: PS in a PML4E; large-page bits below the frame.
 */
static bool has_reserved_bits(uint64_t entry, int level)
{
    if (level == 0) {
        return (entry & X86_PS) != 0;
    }
    if (!is_leaf(entry, level) || level == X86_LEVELS - 1) {
        return false;
    }
    uint64_t page_mask = (UINT64_C(1) << x86_shift_by_level[level]) - 1;
    uint64_t reserved_mask = page_mask & ~((UINT64_C(1) << X86_LARGE_FLAG_BITS) - 1);
    return (entry & reserved_mask) != 0;
}

static struct walk_result absent(int levels)
{
    return (struct walk_result){.present = false, .levels = levels};
}

/* Completes r from the leaf entry at level; the rights in r already hold the AND of all levels. */
static struct walk_result leaf_result(struct walk_result r, uint64_t entry, int level,
                                      uint64_t vaddr)
{
    gensize_t page_bytes = (gensize_t)1 << x86_shift_by_level[level];
    r.present = true;
    r.page_bytes = page_bytes;
    r.paddr = (entry & X86_FRAME_MASK & ~(page_bytes - 1)) | (vaddr & (page_bytes - 1));
    r.nocache = (entry & (X86_PCD | X86_PWT)) != 0;
    r.writable = r.writable && r.user;
    r.executable = r.executable && r.user;
    r.levels = level + 1;
    return r;
}

struct walk_result walk_translate(genpaddr_t root, uint64_t vaddr)
{
    if (!is_canonical(vaddr)) {
        return absent(0);
    }
    struct walk_result r = {.user = true, .writable = true, .executable = true};
    genpaddr_t table = root;
    for (int level = 0; level < X86_LEVELS; level++) {
        uint64_t entry = read_entry(table, vaddr, level);
        if ((entry & X86_P) == 0 || has_reserved_bits(entry, level)) {
            return absent(level + 1);
        }
        r.user = r.user && (entry & X86_US) != 0;
        r.writable = r.writable && (entry & X86_RW) != 0;
        r.executable = r.executable && (entry & X86_XD) == 0;
        if (is_leaf(entry, level)) {
            return leaf_result(r, entry, level, vaddr);
        }
        table = entry & X86_FRAME_MASK;
    }
    return absent(X86_LEVELS);
}

enum objtype walk_small_table_type(void)
{
    return ObjType_Null;
}

enum objtype walk_root_type(void)
{
    return ObjType_VNode_x86_64_pml4;
}

uint64_t walk_user_bytes(void)
{
    return UINT64_C(1) << 47;
}
