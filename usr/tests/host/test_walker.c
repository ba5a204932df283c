/* Checks the software page-table walker on tables built by hand, apart from the kernel's map code.
 */
#include "fixture.h"
#include "walker.h"

#include <string.h>

#define HEX(x) ((unsigned long long)(x))
#define GIB_BYTES ((gensize_t)1 << 30)
#define MIB_BYTES ((gensize_t)1 << 20)

/* ---- Scratch memory and checks shared by both formats ---- */

/* The next unused byte of init's RAM; the tests build their tables there. */
static genpaddr_t scratch_next_paddr;

static void scratch_reset(void)
{
    scratch_next_paddr = host_machine_free_ram_base();
}

static void put_u32(genpaddr_t paddr, uint32_t value)
{
    memcpy(host_machine_phys_ptr(paddr), &value, sizeof(value));
}

static void put_u64(genpaddr_t paddr, uint64_t value)
{
    memcpy(host_machine_phys_ptr(paddr), &value, sizeof(value));
}

/* Takes a zeroed block of scratch RAM aligned to align_bytes (a power of two). */
static genpaddr_t scratch_alloc(gensize_t bytes, gensize_t align_bytes)
{
    genpaddr_t paddr = (scratch_next_paddr + align_bytes - 1) & ~(align_bytes - 1);
    gensize_t used_bytes = paddr + bytes - host_machine_free_ram_base();
    ck_assert_msg(used_bytes <= host_machine_free_ram_bytes(), "scratch RAM exhausted");
    for (gensize_t offset_bytes = 0; offset_bytes < bytes; offset_bytes += sizeof(uint32_t)) {
        put_u32(paddr + offset_bytes, 0);
    }
    scratch_next_paddr = paddr + bytes;
    return paddr;
}

static bool is_x86(void)
{
    return walk_root_type() == ObjType_VNode_x86_64_pml4;
}

static void assert_maps(genpaddr_t root, uint64_t vaddr, genpaddr_t paddr, gensize_t page_bytes,
                        int levels)
{
    struct walk_result r = walk_translate(root, vaddr);
    ck_assert_msg(r.present, "0x%llx should translate", HEX(vaddr));
    ck_assert_msg(r.paddr == paddr, "0x%llx: paddr 0x%llx, expected 0x%llx", HEX(vaddr),
                  HEX(r.paddr), HEX(paddr));
    ck_assert_msg(r.page_bytes == page_bytes, "0x%llx: page of 0x%llx bytes, expected 0x%llx",
                  HEX(vaddr), HEX(r.page_bytes), HEX(page_bytes));
    ck_assert_msg(r.levels == levels, "0x%llx: %d levels read, expected %d", HEX(vaddr), r.levels,
                  levels);
}

static void assert_absent(genpaddr_t root, uint64_t vaddr, int levels)
{
    struct walk_result r = walk_translate(root, vaddr);
    ck_assert_msg(!r.present, "0x%llx should not translate (got 0x%llx)", HEX(vaddr), HEX(r.paddr));
    ck_assert_msg(r.levels == levels, "0x%llx: %d levels read, expected %d", HEX(vaddr), r.levels,
                  levels);
}

static void assert_rights(genpaddr_t root, uint64_t vaddr, bool user, bool writable,
                          bool executable)
{
    struct walk_result r = walk_translate(root, vaddr);
    ck_assert_msg(r.present, "0x%llx should translate", HEX(vaddr));
    ck_assert_msg(r.user == user, "0x%llx: user %d, expected %d", HEX(vaddr), r.user, user);
    ck_assert_msg(r.writable == writable, "0x%llx: writable %d, expected %d", HEX(vaddr),
                  r.writable, writable);
    ck_assert_msg(r.executable == executable, "0x%llx: executable %d, expected %d", HEX(vaddr),
                  r.executable, executable);
}

static void assert_nocache(genpaddr_t root, uint64_t vaddr, bool nocache, const char *what)
{
    struct walk_result r = walk_translate(root, vaddr);
    ck_assert_msg(r.present, "%s: 0x%llx should translate", what, HEX(vaddr));
    ck_assert_msg(r.nocache == nocache, "%s: nocache %d, expected %d", what, r.nocache, nocache);
}

/* ---- x86-64: tables of 512 8-byte entries, levels 0 (PML4) to 3 (page table) ---- */

#define X86_P (UINT64_C(1) << 0)
#define X86_RW (UINT64_C(1) << 1)
#define X86_US (UINT64_C(1) << 2)
#define X86_PWT (UINT64_C(1) << 3)
#define X86_PCD (UINT64_C(1) << 4)
#define X86_PS (UINT64_C(1) << 7)
#define X86_PAT_LARGE (UINT64_C(1) << 12)
#define X86_XD (UINT64_C(1) << 63)
#define X86_FULL (X86_P | X86_RW | X86_US)
#define X86_PT_LEVEL 3
/* Bits the hardware ignores: 11:9 and 58:52 (software-available). */
#define X86_IGNORED_BITS (UINT64_C(0x07f0000000000e00))
/* An address far outside simulated memory: following it would abort the test. */
#define X86_WILD_FRAME UINT64_C(0x000ffff000000000)

static const unsigned x86_shift_by_level[] = {39, 30, 21, 12};
static const uint64_t x86_full_flags[] = {X86_FULL, X86_FULL, X86_FULL, X86_FULL};

static genpaddr_t x86_new_table(void)
{
    return scratch_alloc(BASE_PAGE_BYTES, BASE_PAGE_BYTES);
}

static genpaddr_t x86_slot(genpaddr_t table, uint64_t vaddr, int level)
{
    return table + ((vaddr >> x86_shift_by_level[level]) & 0x1ff) * sizeof(uint64_t);
}

/* Builds fresh tables for vaddr from root down to depth (flags[level] in each entry). */
static genpaddr_t x86_path(genpaddr_t root, uint64_t vaddr, int depth, const uint64_t flags[])
{
    genpaddr_t table = root;
    for (int level = 0; level < depth; level++) {
        genpaddr_t next = x86_new_table();
        put_u64(x86_slot(table, vaddr, level), next | flags[level]);
        table = next;
    }
    return table;
}

/* Maps vaddr to frame with the leaf at leaf_level (1: 1 GiB, 2: 2 MiB, 3: 4 KiB). */
static void x86_map(genpaddr_t root, uint64_t vaddr, uint64_t frame, int leaf_level,
                    const uint64_t flags[])
{
    genpaddr_t table = x86_path(root, vaddr, leaf_level, flags);
    uint64_t size_bit = leaf_level < X86_PT_LEVEL ? X86_PS : 0;
    put_u64(x86_slot(table, vaddr, leaf_level), frame | size_bit | flags[leaf_level]);
}

static void x86_empty_root(void)
{
    genpaddr_t root = x86_new_table();
    assert_absent(root, 0, 1);
    assert_absent(root, UINT64_C(0x00007ffffffff000), 1);
    assert_absent(root, UINT64_C(0xffff800000000000), 1);
}

/* A not-present entry at each level, its other bits pointing outside memory: never followed. */
static void x86_not_present_not_followed(void)
{
    const uint64_t vaddr = UINT64_C(0x0000123456789000);
    for (int level = 0; level <= X86_PT_LEVEL; level++) {
        genpaddr_t root = x86_new_table();
        genpaddr_t table = x86_path(root, vaddr, level, x86_full_flags);
        put_u64(x86_slot(table, vaddr, level), X86_WILD_FRAME | (X86_FULL & ~X86_P) | X86_PS);
        assert_absent(root, vaddr, level + 1);
    }
}

static void x86_small_page(void)
{
    genpaddr_t root = x86_new_table();
    const uint64_t vaddr = UINT64_C(0x0000123456789abc);
    const uint64_t frame = UINT64_C(0x000fedcba9876000);
    /* Bit 7 of a PTE is PAT, not a size bit; XD and the ignored bits are no part of the frame. */
    const uint64_t flags[] = {X86_FULL, X86_FULL, X86_FULL,
                              X86_FULL | X86_PS | X86_XD | X86_IGNORED_BITS};
    x86_map(root, vaddr, frame, X86_PT_LEVEL, flags);
    assert_maps(root, vaddr, frame | 0xabc, BASE_PAGE_BYTES, 4);
    assert_maps(root, vaddr & ~UINT64_C(0xfff), frame, BASE_PAGE_BYTES, 4);
    assert_absent(root, vaddr + BASE_PAGE_BYTES, 4);
}

static void x86_large_pages(void)
{
    const uint64_t flags[] = {X86_FULL, X86_FULL, X86_FULL | X86_PAT_LARGE | X86_IGNORED_BITS,
                              X86_FULL};
    genpaddr_t root = x86_new_table();
    const uint64_t vaddr_2m = UINT64_C(0x00007f12345e0123);
    const uint64_t frame_2m = UINT64_C(0x000f000123600000);
    x86_map(root, vaddr_2m, frame_2m, 2, flags);
    assert_maps(root, vaddr_2m, frame_2m | (vaddr_2m & 0x1fffff), 2 * MIB_BYTES, 3);

    const uint64_t flags_1g[] = {X86_FULL, X86_FULL | X86_PAT_LARGE | X86_IGNORED_BITS};
    root = x86_new_table();
    const uint64_t vaddr_1g = UINT64_C(0xffffabcd12340123);
    const uint64_t frame_1g = UINT64_C(0x000fabc0c0000000);
    x86_map(root, vaddr_1g, frame_1g, 1, flags_1g);
    assert_maps(root, vaddr_1g, frame_1g | (vaddr_1g & (GIB_BYTES - 1)), GIB_BYTES, 2);
}

/* A present entry with a reserved bit set faults rather than translating. */
static void x86_reserved_bits(void)
{
    const uint64_t vaddr = UINT64_C(0x0000123456789000);
    genpaddr_t root = x86_new_table();
    x86_map(root, vaddr, 0, X86_PT_LEVEL, x86_full_flags);
    put_u64(x86_slot(root, vaddr, 0), x86_new_table() | X86_FULL | X86_PS);
    assert_absent(root, vaddr, 1); /* PS in a PML4E */

    root = x86_new_table();
    x86_map(root, vaddr, GIB_BYTES | (UINT64_C(1) << 13), 2, x86_full_flags);
    assert_absent(root, vaddr, 3); /* 2 MiB page, bit 13 */

    root = x86_new_table();
    x86_map(root, vaddr, GIB_BYTES | (UINT64_C(1) << 29), 1, x86_full_flags);
    assert_absent(root, vaddr, 2); /* 1 GiB page, bit 29 */
}

static void x86_canonical(void)
{
    genpaddr_t root = x86_new_table();
    const uint64_t frame = UINT64_C(0x0000004000000000);
    x86_map(root, UINT64_C(0xffff800000000000), frame, X86_PT_LEVEL, x86_full_flags);
    x86_map(root, UINT64_C(0x00007ffffffff000), frame, X86_PT_LEVEL, x86_full_flags);
    assert_maps(root, UINT64_C(0xffff800000000123), frame | 0x123, BASE_PAGE_BYTES, 4);
    assert_maps(root, UINT64_C(0x00007fffffffffff), frame | 0xfff, BASE_PAGE_BYTES, 4);
    assert_absent(root, UINT64_C(0x0000800000000123), 0); /* bit 47 set, 63:48 clear */
    assert_absent(root, UINT64_C(0xfffe800000000123), 0);
    assert_absent(root, UINT64_C(0x7fff800000000123), 0);
    assert_absent(root, UINT64_C(0xffff7ffffffff000), 0); /* 63:48 set, bit 47 clear */
    ck_assert_uint_eq(walk_user_bytes(), UINT64_C(1) << 47);
}

/* Maps a page with dropped/added flag bits at level only and checks the user-mode rights. */
static void x86_check_rights(int leaf_level, int level, uint64_t dropped, uint64_t added, bool user,
                             bool writable, bool executable)
{
    uint64_t flags[] = {X86_FULL, X86_FULL, X86_FULL, X86_FULL};
    flags[level] = (flags[level] & ~dropped) | added;
    genpaddr_t root = x86_new_table();
    const uint64_t vaddr = UINT64_C(0x0000123456789000);
    x86_map(root, vaddr, UINT64_C(0x0000004000000000), leaf_level, flags);
    assert_rights(root, vaddr, user, writable, executable);
}

static void x86_rights(void)
{
    for (int leaf_level = 1; leaf_level <= X86_PT_LEVEL; leaf_level++) {
        x86_check_rights(leaf_level, 0, 0, 0, true, true, true);
        for (int level = 0; level <= leaf_level; level++) {
            x86_check_rights(leaf_level, level, X86_US, 0, false, false, false);
            x86_check_rights(leaf_level, level, X86_RW, 0, true, false, true);
            x86_check_rights(leaf_level, level, 0, X86_XD, true, true, false);
        }
    }
}

/* Maps a page with table_bits on the tables' entries and leaf_bits on the leaf. */
static void x86_check_cache(int leaf_level, uint64_t table_bits, uint64_t leaf_bits, bool nocache,
                            const char *what)
{
    uint64_t flags[X86_PT_LEVEL + 1];
    for (int level = 0; level <= X86_PT_LEVEL; level++) {
        flags[level] = X86_FULL | (level < leaf_level ? table_bits : leaf_bits);
    }
    genpaddr_t root = x86_new_table();
    const uint64_t vaddr = UINT64_C(0x0000123456789000);
    x86_map(root, vaddr, UINT64_C(0x0000004000000000), leaf_level, flags);
    assert_nocache(root, vaddr, nocache, what);
}

static void x86_cache(void)
{
    for (int leaf_level = 1; leaf_level <= X86_PT_LEVEL; leaf_level++) {
        x86_check_cache(leaf_level, 0, 0, false, "write-back");
        x86_check_cache(leaf_level, 0, X86_PCD, true, "PCD at the leaf");
        x86_check_cache(leaf_level, 0, X86_PWT, true, "PWT at the leaf");
        x86_check_cache(leaf_level, 0, X86_PCD | X86_PWT, true, "PCD and PWT at the leaf");
        x86_check_cache(leaf_level, X86_PCD | X86_PWT, 0, false, "PCD and PWT above the leaf");
    }
}

/* ---- ARMv7 short descriptors: L1 of 4096 and L2 of 256 4-byte entries ---- */

#define ARM_L1_BYTES ((gensize_t)16 << 10)
#define ARM_L2_BYTES ((gensize_t)1 << 10)
#define ARM_L1_TABLE 0x1u
#define ARM_L1_SECTION 0x2u
#define ARM_L1_SUPERSECTION (1u << 18)
#define ARM_L1_TABLE_PXN_NS_DOMAIN 0x1ecu /* PXN bit 2, NS bit 3, domain 15 in bits 8:5 */
#define ARM_SECTION_XN (1u << 4)
#define ARM_SECTION_OTHER_BITS 0xb01e0u /* domain 15, S, nG, NS: no effect on these results */
#define ARM_L2_LARGE 0x1u
#define ARM_L2_SMALL 0x2u
#define ARM_L2_SMALL_XN 0x1u
#define ARM_SMALL_S_NG 0xc00u /* S bit 10, nG bit 11 */
#define ARM_AP_FULL 3u
#define ARM_NORMAL_WB_TEX 0u /* with C=1, B=1: write-back, no write-allocate */

static genpaddr_t arm_new_l1(void)
{
    return scratch_alloc(ARM_L1_BYTES, ARM_L1_BYTES);
}

static void arm_l1_put(genpaddr_t l1, uint32_t vaddr, uint32_t entry)
{
    put_u32(l1 + (vaddr >> 20) * sizeof(uint32_t), entry);
}

static void arm_l2_put(genpaddr_t l2, uint32_t vaddr, uint32_t entry)
{
    put_u32(l2 + ((vaddr >> 12) & 0xffu) * sizeof(uint32_t), entry);
}

/* Gives vaddr a fresh L2 table at an address 1 KiB- but not 4 KiB-aligned, and returns it. */
static genpaddr_t arm_new_l2(genpaddr_t l1, uint32_t vaddr, uint32_t extra_bits)
{
    scratch_alloc(ARM_L2_BYTES, BASE_PAGE_BYTES);
    genpaddr_t l2 = scratch_alloc(ARM_L2_BYTES, ARM_L2_BYTES);
    ck_assert_uint_lt(l2, UINT64_C(1) << 32);
    arm_l1_put(l1, vaddr, (uint32_t)l2 | extra_bits | ARM_L1_TABLE);
    return l2;
}

static uint32_t arm_section_ap(unsigned ap)
{
    return ((ap & 3u) << 10) | ((ap >> 2) << 15);
}

static uint32_t arm_small_ap(unsigned ap)
{
    return ((ap & 3u) << 4) | ((ap >> 2) << 9);
}

static uint32_t arm_section_mem(unsigned tex, unsigned c, unsigned b)
{
    return (tex << 12) | (c << 3) | (b << 2);
}

static uint32_t arm_small_mem(unsigned tex, unsigned c, unsigned b)
{
    return (tex << 6) | (c << 3) | (b << 2);
}

static void arm_empty_root(void)
{
    genpaddr_t l1 = arm_new_l1();
    assert_absent(l1, 0, 1);
    assert_absent(l1, UINT64_C(0x80000000), 1);
    assert_absent(l1, UINT64_C(0xffffffff), 1);
}

/* Fault entries whose other bits point outside memory are never followed. */
static void arm_not_present_not_followed(void)
{
    genpaddr_t l1 = arm_new_l1();
    arm_l1_put(l1, 0x12300000u, 0xdeadbeecu);
    assert_absent(l1, 0x12345678u, 1);
    genpaddr_t l2 = arm_new_l2(l1, 0x45600000u, 0);
    arm_l2_put(l2, 0x45678000u, 0xdeadbeecu);
    assert_absent(l1, 0x45678abcu, 2);
    assert_absent(l1, 0x45679abcu, 2);
}

static void arm_small_page(void)
{
    genpaddr_t l1 = arm_new_l1();
    const uint32_t vaddr = 0x12345678u;
    genpaddr_t l2 = arm_new_l2(l1, vaddr, ARM_L1_TABLE_PXN_NS_DOMAIN);
    uint32_t attrs = arm_small_ap(ARM_AP_FULL) | arm_small_mem(ARM_NORMAL_WB_TEX, 1, 1);
    arm_l2_put(l2, vaddr, 0x87654000u | attrs | ARM_SMALL_S_NG | ARM_L2_SMALL);
    arm_l2_put(l2, vaddr + 0x1000u, 0xfffff000u | attrs | ARM_L2_SMALL | ARM_L2_SMALL_XN);
    assert_maps(l1, vaddr, 0x87654678u, BASE_PAGE_BYTES, 2);
    assert_maps(l1, vaddr + 0x1987u, 0xffffffffu, BASE_PAGE_BYTES, 2);
    assert_absent(l1, vaddr + 0x2000u, 2);
    assert_absent(l1, vaddr + MIB_BYTES, 1);
}

static void arm_sections(void)
{
    genpaddr_t l1 = arm_new_l1();
    uint32_t attrs = arm_section_ap(ARM_AP_FULL) | arm_section_mem(ARM_NORMAL_WB_TEX, 1, 1);
    arm_l1_put(l1, 0x80100000u, 0x9ab00000u | attrs | ARM_SECTION_OTHER_BITS | ARM_L1_SECTION);
    arm_l1_put(l1, 0x00000000u, 0xfff00000u | attrs | ARM_SECTION_XN | ARM_L1_SECTION);
    arm_l1_put(l1, 0xfff00000u, 0x00100000u | attrs | ARM_L1_SECTION);
    assert_maps(l1, 0x80123456u, 0x9ab23456u, MIB_BYTES, 1);
    assert_maps(l1, 0x000fffffu, 0xffffffffu, MIB_BYTES, 1);
    assert_maps(l1, 0xfff00001u, 0x00100001u, MIB_BYTES, 1);
    assert_absent(l1, 0x80223456u, 1);
}

/* Supersections and large pages are outside this project: absent. */
static void arm_unsupported_descriptors(void)
{
    genpaddr_t l1 = arm_new_l1();
    uint32_t attrs = arm_section_ap(ARM_AP_FULL);
    arm_l1_put(l1, 0x01000000u, 0x40000000u | attrs | ARM_L1_SUPERSECTION | ARM_L1_SECTION);
    assert_absent(l1, 0x01000000u, 1);
    genpaddr_t l2 = arm_new_l2(l1, 0x03000000u, 0);
    arm_l2_put(l2, 0x03000000u, 0x40000000u | arm_small_ap(ARM_AP_FULL) | ARM_L2_LARGE);
    assert_absent(l1, 0x03000000u, 2);
}

/* PXN (A15 has it): a 0b11 L1 entry is a section with PXN; bit 2 of a table entry covers its L2. */
static void arm_pxn(void)
{
    genpaddr_t l1 = arm_new_l1();
    uint32_t attrs = arm_section_ap(ARM_AP_FULL);
    arm_l1_put(l1, 0x02000000u, 0x40000000u | attrs | 0x3u);
    arm_l1_put(l1, 0x02100000u, 0x40000000u | attrs | ARM_L1_SECTION);
    assert_maps(l1, 0x02000010u, 0x40000010u, MIB_BYTES, 1);
    ck_assert(walk_translate(l1, 0x02000010u).pxn);
    ck_assert(walk_translate(l1, 0x02000010u).executable); /* PXN leaves user execution alone */
    ck_assert(!walk_translate(l1, 0x02100000u).pxn);
    uint32_t page = 0x40000000u | arm_small_ap(ARM_AP_FULL) | ARM_L2_SMALL;
    arm_l2_put(arm_new_l2(l1, 0x03000000u, 0x4u), 0x03000000u, page);
    arm_l2_put(arm_new_l2(l1, 0x03100000u, 0), 0x03100000u, page);
    ck_assert(walk_translate(l1, 0x03000000u).pxn);
    ck_assert(!walk_translate(l1, 0x03100000u).pxn);
}

static void arm_address_range(void)
{
    genpaddr_t l1 = arm_new_l1();
    arm_l1_put(l1, 0x00000000u, 0x40000000u | arm_section_ap(ARM_AP_FULL) | ARM_L1_SECTION);
    arm_l1_put(l1, 0xfff00000u, 0x40000000u | arm_section_ap(ARM_AP_FULL) | ARM_L1_SECTION);
    assert_maps(l1, 0x00000123u, 0x40000123u, MIB_BYTES, 1);
    assert_maps(l1, 0xffffffffu, 0x400fffffu, MIB_BYTES, 1);
    assert_absent(l1, UINT64_C(0x100000123), 0);
    assert_absent(l1, UINT64_C(0xffffffffffffffff), 0);
    ck_assert_uint_eq(walk_user_bytes(), UINT64_C(1) << 31);
}

/* PL0 rights by AP[2:0] with AFE=0: index is AP[2:0]. */
static const struct {
    bool user;
    bool writable;
} arm_ap_rights[8] = {
    {false, false}, {false, false}, {true, false}, {true, true},
    {false, false}, {false, false}, {true, false}, {true, false},
};

static void arm_rights_sections(void)
{
    genpaddr_t l1 = arm_new_l1();
    for (unsigned ap = 0; ap < 8; ap++) {
        uint32_t vaddr = (ap + 1) << 20;
        arm_l1_put(l1, vaddr, 0x40000000u | arm_section_ap(ap) | ARM_L1_SECTION);
        arm_l1_put(l1, vaddr + 0x10000000u,
                   0x40000000u | arm_section_ap(ap) | ARM_SECTION_XN | ARM_L1_SECTION);
        bool user = arm_ap_rights[ap].user;
        assert_rights(l1, vaddr, user, arm_ap_rights[ap].writable, user);
        assert_rights(l1, vaddr + 0x10000000u, user, arm_ap_rights[ap].writable, false);
    }
}

static void arm_rights_pages(void)
{
    genpaddr_t l1 = arm_new_l1();
    genpaddr_t l2 = arm_new_l2(l1, 0, ARM_L1_TABLE_PXN_NS_DOMAIN);
    for (unsigned ap = 0; ap < 8; ap++) {
        uint32_t vaddr = (2 * ap) << 12;
        arm_l2_put(l2, vaddr, 0x40000000u | arm_small_ap(ap) | ARM_L2_SMALL);
        arm_l2_put(l2, vaddr + 0x1000u,
                   0x40000000u | arm_small_ap(ap) | ARM_L2_SMALL | ARM_L2_SMALL_XN);
        bool user = arm_ap_rights[ap].user;
        assert_rights(l1, vaddr, user, arm_ap_rights[ap].writable, user);
        assert_rights(l1, vaddr + 0x1000u, user, arm_ap_rights[ap].writable, false);
    }
}

static void arm_rights(void)
{
    arm_rights_sections();
    arm_rights_pages();
}

/* Memory types with TRE=0, as TEX[2:0], C, B. */
static const struct {
    unsigned tex, c, b;
    bool nocache;
    const char *name;
} arm_memtypes[] = {
    {0, 0, 0, true, "strongly-ordered"},
    {0, 0, 1, true, "shareable device"},
    {0, 1, 0, false, "write-through"},
    {0, 1, 1, false, "write-back"},
    {1, 0, 0, true, "normal non-cacheable"},
    {1, 1, 1, false, "write-back write-allocate"},
    {2, 0, 0, true, "non-shareable device"},
    {4, 0, 0, true, "outer and inner non-cacheable"},
    {4, 0, 1, false, "outer non-cacheable, inner write-back write-allocate"},
    {5, 0, 0, false, "outer write-back write-allocate, inner non-cacheable"},
    {6, 1, 0, false, "outer and inner write-through"},
    {7, 1, 1, false, "outer and inner write-back"},
    {1, 0, 1, true, "reserved TEX=001 CB=01"},
    {1, 1, 0, true, "implementation defined TEX=001 CB=10"},
    {2, 1, 1, true, "reserved TEX=010 CB=11"},
    {3, 1, 1, true, "reserved TEX=011"},
};

static void arm_cache(void)
{
    genpaddr_t l1 = arm_new_l1();
    genpaddr_t l2 = arm_new_l2(l1, 0, 0);
    size_t count = sizeof(arm_memtypes) / sizeof(arm_memtypes[0]);
    for (size_t i = 0; i < count; i++) {
        unsigned tex = arm_memtypes[i].tex, c = arm_memtypes[i].c, b = arm_memtypes[i].b;
        uint32_t section_vaddr = (uint32_t)(i + 1) << 20;
        uint32_t small_vaddr = (uint32_t)i << 12;
        arm_l1_put(l1, section_vaddr, 0x40000000u | arm_section_mem(tex, c, b) | ARM_L1_SECTION);
        arm_l2_put(l2, small_vaddr, 0x40000000u | arm_small_mem(tex, c, b) | ARM_L2_SMALL);
        assert_nocache(l1, section_vaddr, arm_memtypes[i].nocache, arm_memtypes[i].name);
        assert_nocache(l1, small_vaddr, arm_memtypes[i].nocache, arm_memtypes[i].name);
    }
}

/* ---- The tests: each runs the hand-built tables of the format this binary walks ---- */

START_TEST(test_empty_root_translates_nothing)
{
    if (is_x86()) {
        x86_empty_root();
    } else {
        arm_empty_root();
    }
}
END_TEST

START_TEST(test_not_present_entries_are_not_followed)
{
    if (is_x86()) {
        x86_not_present_not_followed();
    } else {
        arm_not_present_not_followed();
    }
}
END_TEST

START_TEST(test_small_pages_translate)
{
    if (is_x86()) {
        x86_small_page();
    } else {
        arm_small_page();
    }
}
END_TEST

START_TEST(test_large_pages_translate)
{
    if (is_x86()) {
        x86_large_pages();
    } else {
        arm_sections();
    }
}
END_TEST

START_TEST(test_invalid_or_unsupported_entries_are_absent)
{
    if (is_x86()) {
        x86_reserved_bits();
    } else {
        arm_unsupported_descriptors();
    }
}
END_TEST

START_TEST(test_privileged_execute_never)
{
    if (!is_x86()) {
        arm_pxn();
    }
}
END_TEST

START_TEST(test_address_range)
{
    enum objtype root_type = walk_root_type();
    ck_assert(root_type == ObjType_VNode_x86_64_pml4 || root_type == ObjType_VNode_ARM_l1);
    if (is_x86()) {
        x86_canonical();
    } else {
        arm_address_range();
    }
}
END_TEST

START_TEST(test_user_rights)
{
    if (is_x86()) {
        x86_rights();
    } else {
        arm_rights();
    }
}
END_TEST

START_TEST(test_cache_attributes)
{
    if (is_x86()) {
        x86_cache();
    } else {
        arm_cache();
    }
}
END_TEST

/* Declared here as well until the suite list in fixture.h names it. */
Suite *walker_suite(void);

Suite *walker_suite(void)
{
    Suite *s = suite_create("walker");
    TCase *tc = fixture_tcase(s, "walker");
    tcase_add_checked_fixture(tc, scratch_reset, NULL);
    tcase_add_test(tc, test_empty_root_translates_nothing);
    tcase_add_test(tc, test_not_present_entries_are_not_followed);
    tcase_add_test(tc, test_small_pages_translate);
    tcase_add_test(tc, test_large_pages_translate);
    tcase_add_test(tc, test_invalid_or_unsupported_entries_are_absent);
    tcase_add_test(tc, test_privileged_execute_never);
    tcase_add_test(tc, test_address_range);
    tcase_add_test(tc, test_user_rights);
    tcase_add_test(tc, test_cache_attributes);
    return s;
}
