/* The ARMv7 short-descriptor walker (ARM ARM B3.5; TRE=0, AFE=0): the tests' translation oracle. */
#include "walker.h"

#include <host_machine.h>
#include <string.h>

#define ARM_ENTRY_BYTES 4
#define ARM_SECTION_BYTES ((gensize_t)1 << 20)
#define ARM_SMALL_PAGE_BYTES ((gensize_t)1 << 12)
#define ARM_L1_INDEX(vaddr) (((vaddr) >> 20) & 0xfffu)
#define ARM_L2_INDEX(vaddr) (((vaddr) >> 12) & 0xffu)
#define ARM_TYPE_MASK 0x3u
#define ARM_L1_TYPE_TABLE 0x1u
#define ARM_L1_TYPE_SECTION 0x2u /* bit 1: a section; bit 0 is then PXN (LPAE CPUs such as A15) */
#define ARM_L1_SECTION_PXN 0x1u
#define ARM_L1_TABLE_PXN (1u << 2)
#define ARM_L1_SUPERSECTION (1u << 18)
#define ARM_L1_TABLE_BASE_MASK 0xfffffc00u
#define ARM_SECTION_BASE_MASK 0xfff00000u
#define ARM_SMALL_BASE_MASK 0xfffff000u
#define ARM_L2_SMALL_PAGE 0x2u /* bit 1 set: small page; bit 0 is then XN */

/* The fields of a section or small-page descriptor that decide rights and memory type. */
struct arm_attrs {
    unsigned ap; /* AP[2:0] */
    unsigned tex;
    bool c;
    bool b;
    bool xn;
    bool pxn;
};

static uint32_t read_entry(genpaddr_t table, uint32_t index)
{
    uint32_t entry;
    memcpy(&entry, host_machine_phys_ptr(table + (genpaddr_t)index * ARM_ENTRY_BYTES),
           sizeof(entry));
    return entry;
}

static uint32_t bit(uint32_t entry, unsigned pos)
{
    return (entry >> pos) & 1u;
}

static struct arm_attrs section_attrs(uint32_t entry)
{
    return (struct arm_attrs){.ap = ((entry >> 10) & 3u) | (bit(entry, 15) << 2),
                              .tex = (entry >> 12) & 7u,
                              .c = bit(entry, 3),
                              .b = bit(entry, 2),
                              .xn = bit(entry, 4),
                              .pxn = bit(entry, 0)};
}

static struct arm_attrs small_page_attrs(uint32_t entry)
{
    return (struct arm_attrs){.ap = ((entry >> 4) & 3u) | (bit(entry, 9) << 2),
                              .tex = (entry >> 6) & 7u,
                              .c = bit(entry, 3),
                              .b = bit(entry, 2),
                              .xn = bit(entry, 0)};
}

/* AP[2:0] with AFE=0: PL0 reads with 010, 011, 110, 111; writes only with 011 (100 reserved). */
static bool pl0_may_read(unsigned ap)
{
    return ap == 2 || ap == 3 || ap == 6 || ap == 7;
}

static bool pl0_may_write(unsigned ap)
{
    return ap == 3;
}

/* TEX, C, B with TRE=0; reserved and IMPLEMENTATION DEFINED encodings count as not cacheable. */
static bool is_normal_cacheable(const struct arm_attrs *a)
{
    if (a->tex & 4u) {
        return (a->tex & 3u) != 0 || a->c || a->b; /* outer TEX[1:0], inner C,B; 00 non-cacheable */
    }
    switch (a->tex) {
    case 0:
        return a->c; /* 10 write-through, 11 write-back; 00 strongly-ordered, 01 device */
    case 1:
        return a->c && a->b; /* 11 write-back write-allocate; 00 non-cacheable */
    default:
        return false; /* 010: non-shareable device or reserved; 011: reserved */
    }
}

static struct walk_result leaf_result(uint32_t frame, gensize_t page_bytes, uint32_t vaddr,
                                      struct arm_attrs a, int levels)
{
    bool user = pl0_may_read(a.ap);
    return (struct walk_result){.present = true,
                                .paddr = (genpaddr_t)frame | (vaddr & (page_bytes - 1)),
                                .page_bytes = page_bytes,
                                .user = user,
                                .writable = user && pl0_may_write(a.ap),
                                .executable = user && !a.xn,
                                .nocache = !is_normal_cacheable(&a),
                                .pxn = a.pxn,
                                .levels = levels};
}

static struct walk_result walk_l2(uint32_t l1_entry, uint32_t vaddr)
{
    uint32_t entry = read_entry(l1_entry & ARM_L1_TABLE_BASE_MASK, ARM_L2_INDEX(vaddr));
    if ((entry & ARM_L2_SMALL_PAGE) == 0) { /* 00 fault; 01 large page, not used here */
        return (struct walk_result){.present = false, .levels = 2};
    }
    struct arm_attrs a = small_page_attrs(entry);
    a.pxn = (l1_entry & ARM_L1_TABLE_PXN) != 0; /* small pages have no PXN bit of their own */
    return leaf_result(entry & ARM_SMALL_BASE_MASK, ARM_SMALL_PAGE_BYTES, vaddr, a, 2);
}

struct walk_result walk_translate(genpaddr_t root, uint64_t vaddr)
{
    if (vaddr >> 32 != 0) {
        return (struct walk_result){.present = false, .levels = 0};
    }
    uint32_t vaddr32 = (uint32_t)vaddr;
    uint32_t entry = read_entry(root, ARM_L1_INDEX(vaddr32));
    uint32_t type = entry & ARM_TYPE_MASK;
    if (type == ARM_L1_TYPE_TABLE) {
        return walk_l2(entry, vaddr32);
    }
    if ((type & ARM_L1_TYPE_SECTION) != 0 && (entry & ARM_L1_SUPERSECTION) == 0) {
        return leaf_result(entry & ARM_SECTION_BASE_MASK, ARM_SECTION_BYTES, vaddr32,
                           section_attrs(entry), 1);
    }
    /* 00 fault; supersections are not used here. */
    return (struct walk_result){.present = false, .levels = 1};
}

enum objtype walk_small_table_type(void)
{
    return ObjType_VNode_ARM_l2;
}

enum objtype walk_root_type(void)
{
    return ObjType_VNode_ARM_l1;
}

uint64_t walk_user_bytes(void)
{
    return UINT64_C(1) << 31;
}
