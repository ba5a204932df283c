/* The kernel's memory protections: SMEP, SMAP, NX on everything but kernel text, and CR0.WP. */
#include <page_sizes.h> /* LARGE_PAGE_BYTES: a page-directory entry, 2 MiB */
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>
#include <x86.h>
#include <x86_cpu.h>
#include <x86_layout.h>

#define CR0_WP (UINT64_C(1) << 16)
#define CR0_EM (UINT64_C(1) << 2)
#define CR0_MP (UINT64_C(1) << 1)
#define CR4_SMEP (UINT64_C(1) << 20)
#define CR4_SMAP (UINT64_C(1) << 21)
#define MSR_EFER 0xC0000080
#define EFER_NXE (UINT64_C(1) << 11)
#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)

#define PTE_PRESENT (UINT64_C(1) << 0)
#define PTE_WRITE (UINT64_C(1) << 1)
#define PTE_NO_EXECUTE (UINT64_C(1) << 63)
#define ENTRIES 512
#define DIRECT_MAP_LARGE_PAGES 2048 /* boot.S: 4 GiB in 2 MiB pages */
#define PDPT_IMAGE_SLOT 510         /* KERNEL_IMAGE_VBASE in PML4 slot 511's table */

/* The image in 4 KiB pages: up to KERNEL_IMAGE_TABLES * 2 MiB of physical memory from 0. */
#define KERNEL_IMAGE_TABLES 2
static uint64_t image_pdir[ENTRIES] __attribute__((aligned(4096)));
static uint64_t image_tables[KERNEL_IMAGE_TABLES][ENTRIES] __attribute__((aligned(4096)));

extern char kernel_image_start[], kernel_text_end[], kernel_rodata_end[], kernel_image_end[];
extern uint64_t boot_pml4[], boot_pdpt_high[], boot_pd[]; /* linked at physical addresses */

static genpaddr_t image_paddr(const void *vaddr)
{
    return (genpaddr_t)((uintptr_t)vaddr - KERNEL_IMAGE_VBASE);
}

/* Text r-x, read-only data r--, data and bss rw-: no page of the image is writable and executable.
 */
static uint64_t image_page_flags(const char *page)
{
    if (page < kernel_text_end) {
        return PTE_PRESENT;
    }
    if (page < kernel_rodata_end) {
        return PTE_PRESENT | PTE_NO_EXECUTE;
    }
    return PTE_PRESENT | PTE_WRITE | PTE_NO_EXECUTE;
}

/*
 * boot.S maps the image through the same 2 MiB pages as the direct map, writable and
 * executable. This gives the image tables of its own with per-section permissions; pages of
 * the first 4 MiB outside the image are left unmapped in the image's window.
 */
static void map_image_in_small_pages(void)
{
    if (image_paddr(kernel_image_end) > KERNEL_IMAGE_TABLES * LARGE_PAGE_BYTES) {
        printk("kernel: panic: the image outgrew its %d page tables\n", KERNEL_IMAGE_TABLES);
        platform_halt(true);
    }
    for (int t = 0; t < KERNEL_IMAGE_TABLES; t++) {
        image_pdir[t] = image_paddr(image_tables[t]) | PTE_PRESENT | PTE_WRITE;
    }
    for (const char *page = kernel_image_start; page < kernel_image_end; page += BASE_PAGE_BYTES) {
        genpaddr_t paddr = image_paddr(page);
        image_tables[paddr / LARGE_PAGE_BYTES][(paddr / BASE_PAGE_BYTES) % ENTRIES] =
            paddr | image_page_flags(page);
    }
    uint64_t *pdpt = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_pdpt_high);
    pdpt[PDPT_IMAGE_SLOT] = image_paddr(image_pdir) | PTE_PRESENT | PTE_WRITE;
}

/* The direct map stays writable (objects live there) but never executable; the low identity
 * map of the 32-bit start is dropped, so a kernel null pointer faults before init runs too. */
static void direct_map_no_execute(void)
{
    uint64_t *pd = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_pd);
    for (int i = 0; i < DIRECT_MAP_LARGE_PAGES; i++) {
        pd[i] |= PTE_NO_EXECUTE;
    }
    uint64_t *pml4 = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_pml4);
    pml4[0] = 0;
}

/* SMEP and SMAP where CPUID leaf 7 lists them; returns the CR4 bits it set. */
static uint64_t enable_smep_smap(void)
{
    uint32_t regs[4];
    cpuid(0, 0, regs);
    if (regs[0] < 7) {
        return 0;
    }
    cpuid(7, 0, regs);
    uint64_t bits =
        ((regs[1] & CPUID7_EBX_SMEP) ? CR4_SMEP : 0) | ((regs[1] & CPUID7_EBX_SMAP) ? CR4_SMAP : 0);
    write_cr4(read_cr4() | bits);
    return bits;
}

void x86_protect_init(void)
{
    if (!(rdmsr(MSR_EFER) & EFER_NXE)) {
        /* User page tables carry bit 63; without NX it is a reserved bit and every walk faults. */
        printk("kernel: panic: this CPU has no NX (execute-disable) bit\n");
        platform_halt(true);
    }
    map_image_in_small_pages();
    direct_map_no_execute();
    write_cr3(read_cr3());
    write_cr0(read_cr0() | CR0_WP); /* boot.S sets it too; the kernel relies on it from here */
    /*
     * No domain has FPU state: the kernel saves none at a switch, so x87 registers left by one
     * domain would be read by the next. EM makes every x87 instruction fault (#NM, "no FPU");
     * SSE and MMX fault as invalid opcodes, since CR4.OSFXSR stays clear (AT309).
     */
    write_cr0((read_cr0() | CR0_EM) & ~CR0_MP);
    uint64_t cr4 = enable_smep_smap();
    printk("kernel: protections:%s%s NX WP\n", (cr4 & CR4_SMEP) ? " SMEP" : "",
           (cr4 & CR4_SMAP) ? " SMAP" : "");
}
