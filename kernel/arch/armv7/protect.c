/* W^X for the kernel's own mappings: the image in 4 KiB pages, the direct map and devices XN. */
#include <armv7.h>
#include <armv7_layout.h>
#include <armv7_paging.h>
#include <maintenance.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>

/* Short-descriptor bits (B3.5.1) for the kernel's entries; paging_arch.c has the user side. */
#define L1_TYPE_MASK 0x3u
#define L1_TYPE_PAGE_TABLE 0x1u
#define L1_SECTION_BIT 0x2u /* set in every section descriptor (bit 0 is PXN) */
#define L1_SECTION_PXN (1u << 0)
#define L1_SECTION_XN (1u << 4)
#define L1_SECTION_AP01_MASK (3u << 10)
#define L1_SECTION_AP2 (1u << 15)
#define L1_TABLE_PXN (1u << 2)
#define L1_TABLE_ADDR_MASK 0xfffffc00u

#define L2_TYPE_SMALL_PAGE 0x2u
#define L2_PAGE_XN (1u << 0)
#define L2_PAGE_B (1u << 2)
#define L2_PAGE_C (1u << 3)
#define L2_PAGE_AP01_KERNEL (1u << 4) /* AP[1:0] = 01: PL1 only */
#define L2_PAGE_AP01_MASK (3u << 4)
#define L2_PAGE_TEX_WBWA (1u << 6) /* TEX = 001: with C and B, normal write-back write-allocate */
#define L2_PAGE_AP2 (1u << 9)      /* with AP[1:0] = 01: read-only at PL1 */
#define L2_PAGE_S (1u << 10)
#define L2_ENTRIES 256

#define SECTION_BYTES 0x100000u
#define KERNEL_FIRST_SLOT (0x80000000u / SECTION_BYTES)
#define IDENTITY_FIRST_SLOT (RAM_PBASE / SECTION_BYTES) /* boot.S: RAM at its own address */
#define IDENTITY_SLOTS 1024
#define IMAGE_PBASE (RAM_PBASE + SECTION_BYTES) /* linker.ld: the image's whole megabyte */
#define IMAGE_SLOT ((IMAGE_PBASE + KERNEL_VOFFSET) / SECTION_BYTES)

#define SCTLR_UWXN (1u << 20)
#define ID_PFR1_VIRTUALIZATION(pfr1) (((pfr1) >> 12) & 0xfu)

/* The image's megabyte in pages; copied into every root with the L1 entry that points here. */
static uint32_t image_l2[L2_ENTRIES] __attribute__((aligned(1024)));

extern uint32_t boot_l1[]; /* linked at its physical address */
extern char kernel_text_start[], kernel_text_end[], kernel_rodata_end[], kernel_image_end[];

static uint32_t read_sctlr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(v));
    return v;
}

static void write_sctlr(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n isb" : : "r"(v) : "memory");
}

static uint32_t read_id_pfr1(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c1, 1" : "=r"(v));
    return v;
}

static genpaddr_t image_paddr(const void *vaddr)
{
    return (genpaddr_t)((uintptr_t)vaddr - KERNEL_VOFFSET);
}

/*
 * Text r-x, read-only data r--, everything else rw- and XN: data, bss, the
 * stacks, the boot tables, and the free RAM in the rest of the megabyte.
 * The kernel never writes its text (the vectors are text too: VBAR points
 * there and nothing patches them), so no page of the image is both.
 */
static uint32_t image_page_entry(genpaddr_t paddr)
{
    const char *vaddr = (const char *)(uintptr_t)(paddr + KERNEL_VOFFSET);
    uint32_t entry = (uint32_t)paddr | L2_TYPE_SMALL_PAGE | L2_PAGE_TEX_WBWA | L2_PAGE_C |
                     L2_PAGE_B | L2_PAGE_S | L2_PAGE_AP01_KERNEL;
    if (vaddr >= kernel_text_start && vaddr < kernel_text_end) {
        return entry | L2_PAGE_AP2;
    }
    if (vaddr >= kernel_text_start && vaddr < kernel_rodata_end) {
        return entry | L2_PAGE_AP2 | L2_PAGE_XN;
    }
    return entry | L2_PAGE_XN;
}

/* Is an entry of the kernel's half both writable and executable at PL1? */
static bool section_is_wx(uint32_t entry)
{
    bool writable = (entry & L1_SECTION_AP2) == 0 && (entry & L1_SECTION_AP01_MASK) != 0;
    return writable && (entry & (L1_SECTION_XN | L1_SECTION_PXN)) == 0;
}

static bool page_is_wx(uint32_t entry)
{
    bool writable = (entry & L2_PAGE_AP2) == 0 && (entry & L2_PAGE_AP01_MASK) != 0;
    return (entry & L2_TYPE_SMALL_PAGE) != 0 && writable && (entry & L2_PAGE_XN) == 0;
}

/*
 * Reads the result back as the walker would: a later edit that made any
 * kernel mapping writable and executable stops the boot here, instead of
 * leaving a place to plant code. (The same check SCTLR.WXN would make in
 * hardware, without changing what a domain's own RWX mappings mean.)
 */
static void check_no_wx(const uint32_t *l1)
{
    for (uint32_t slot = KERNEL_FIRST_SLOT; slot < 4096; slot++) {
        uint32_t entry = l1[slot];
        bool bad = (entry & L1_TYPE_MASK) == L1_TYPE_PAGE_TABLE
                       ? (entry & L1_TABLE_ADDR_MASK) != image_paddr(image_l2)
                       : (entry & L1_SECTION_BIT) != 0 && section_is_wx(entry);
        if (bad) {
            printk("kernel: panic: kernel L1[%u]=0x%x is writable and executable\n", (unsigned)slot,
                   (unsigned)entry);
            platform_halt(true);
        }
    }
    for (int i = 0; i < L2_ENTRIES; i++) {
        if (page_is_wx(image_l2[i])) {
            printk("kernel: panic: kernel page 0x%x is writable and executable\n",
                   (unsigned)(IMAGE_PBASE + KERNEL_VOFFSET + (uint32_t)i * BASE_PAGE_BYTES));
            platform_halt(true);
        }
    }
}

/* UWXN: what a domain can write the kernel cannot execute, a second lock behind PXN. */
static bool enable_uwxn(void)
{
    /* The bit exists with the Virtualization Extensions; without them it is reserved. */
    if (ID_PFR1_VIRTUALIZATION(read_id_pfr1()) == 0) {
        return false;
    }
    write_sctlr(read_sctlr() | SCTLR_UWXN);
    return (read_sctlr() & SCTLR_UWXN) != 0;
}

void armv7_protect_init(void);
void armv7_protect_init(void)
{
    if (image_paddr(kernel_image_end) > IMAGE_PBASE + SECTION_BYTES) {
        printk("kernel: panic: the image outgrew its megabyte\n"); /* linker.ld asserts it too */
        platform_halt(true);
    }
    bool pxn = armv7_paging_pxn();
    for (int i = 0; i < L2_ENTRIES; i++) {
        image_l2[i] = image_page_entry(IMAGE_PBASE + (genpaddr_t)i * BASE_PAGE_BYTES);
    }
    platform_cache_clean_range(image_paddr(image_l2), sizeof(image_l2));

    /*
     * boot.S mapped all of it in writable, executable sections. The
     * identity view of RAM served only the switch to the top half: dropping
     * it removes a second writable, executable alias of the image before
     * init's root replaces the user half anyway. The image's section turns
     * into the page table above; same addresses and memory type, so the
     * code running from it sees no difference once the TLB is flushed.
     */
    uint32_t *l1 = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_l1);
    for (uint32_t slot = IDENTITY_FIRST_SLOT; slot < IDENTITY_FIRST_SLOT + IDENTITY_SLOTS; slot++) {
        l1[slot] = 0;
    }
    for (uint32_t slot = KERNEL_FIRST_SLOT; slot < 4096; slot++) {
        if (slot == IMAGE_SLOT) {
            l1[slot] = (uint32_t)image_paddr(image_l2) | L1_TYPE_PAGE_TABLE;
        } else if ((l1[slot] & L1_SECTION_BIT) != 0) {
            l1[slot] |= L1_SECTION_XN | (pxn ? L1_SECTION_PXN : 0);
        }
    }
    platform_cache_clean_range((genpaddr_t)(uintptr_t)boot_l1, 16384);
    platform_tlb_flush_all();
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 6\n dsb\n isb" : : "r"(0) : "memory"); /* BPIALL */
    check_no_wx(l1);
    /*
     * No domain has VFP/NEON state: the kernel saves none at a switch, so registers one domain
     * left would be read by the next. CPACR without cp10/cp11 access makes every VFP and NEON
     * instruction undefined (AT440); reset leaves it so, and the kernel does not rely on that.
     */
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n isb" : : "r"(0) : "memory");
    bool uwxn = enable_uwxn();
    printk("kernel: protections:%s%s text r-x, rodata r--, data/bss/stacks rw- XN, "
           "direct map rw- XN, devices XN\n",
           pxn ? " PXN" : "", uwxn ? " UWXN" : "");
}
