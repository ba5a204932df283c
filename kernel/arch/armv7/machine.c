/* The QEMU virt platform's side of the kernel interfaces: memory, TLB, caches, leaving QEMU. */
#include <armv7.h>
#include <armv7_layout.h>
#include <maintenance.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>

#define DIRECT_MAP_BYTES 0x40000000ull /* RAM_PBASE on, at KERNEL_VBASE (boot.S) */

void armv7_zero(void *dest, uint32_t bytes); /* zero.S */

void phys_zero(genpaddr_t paddr, gensize_t bytes)
{
    armv7_zero(phys_to_kernel_ptr(paddr), (uint32_t)bytes);
}

void *phys_to_kernel_ptr(genpaddr_t paddr)
{
    return (void *)(uintptr_t)(paddr + KERNEL_VOFFSET);
}

void platform_tlb_flush_range(genpaddr_t root, uint64_t vaddr, uint64_t bytes)
{
    (void)root; /* no ASIDs: an address's entries are dropped for every address space */
    dsb();
    for (uint64_t v = vaddr; v < vaddr + bytes; v += BASE_PAGE_BYTES) {
        tlb_invalidate_mva_all_asids((uint32_t)v);
    }
    dsb();
    isb();
}

void platform_tlb_flush_all(void)
{
    dsb();
    tlb_invalidate_all();
    dsb();
    isb();
}

/* The smallest data cache line (CTR.DminLine, log2 of words): stepping by it skips no line. */
static uint32_t dcache_min_line_bytes(void)
{
    return 4u << ((read_ctr() >> 16) & 0xf);
}

/*
 * Cleans every data cache line holding part of [paddr, paddr + bytes) to the
 * point of coherency (DCCMVAC through the direct map), then waits (DSB):
 * afterwards an uncached mapping, or a table walk that does not look in the
 * cache, reads what the kernel wrote. The walk counts lines rather than
 * comparing addresses because the direct map ends at the top of the 32-bit
 * address space, where an end address would wrap to 0. Memory outside the
 * direct map has no cacheable kernel alias, so nothing of it can be dirty.
 */
void platform_cache_clean_range(genpaddr_t paddr, gensize_t bytes)
{
    genpaddr_t end = paddr + bytes;
    if (bytes != 0 && paddr >= RAM_PBASE && end > paddr && end <= RAM_PBASE + DIRECT_MAP_BYTES) {
        uint32_t line = dcache_min_line_bytes();
        uint32_t first = (uint32_t)(uintptr_t)phys_to_kernel_ptr(paddr) & ~(line - 1);
        uint32_t last = (uint32_t)(uintptr_t)phys_to_kernel_ptr(end - 1);
        for (uint32_t n = (last - first) / line + 1, va = first; n > 0; n--, va += line) {
            dcache_clean_mva(va);
        }
    }
    dsb();
}

extern uint32_t boot_l1[];

void platform_root_table_created(genpaddr_t base)
{
    /* Every address space shares the kernel's half: the L1 entries from slot 2048 on. */
    uint32_t *root = phys_to_kernel_ptr(base);
    const uint32_t *kernel = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_l1);
    for (int slot = 2048; slot < 4096; slot++) {
        root[slot] = kernel[slot];
    }
    platform_cache_clean_range(base, 16384);
}

/* Semihosting SYS_EXIT_EXTENDED: QEMU exits with the status. */
static _Noreturn void semihosting_exit(uint32_t status)
{
    static volatile uint32_t block[2];
    block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    block[1] = status;
    register uint32_t r0 __asm__("r0") = 0x20;
    register volatile uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("svc 0x123456" : : "r"(r0), "r"(r1) : "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

extern const uint8_t kernel_text_start[];
extern const uint8_t kernel_rodata_end[];

void platform_kernel_text(const uint8_t **start, size_t *bytes)
{
    *start = kernel_text_start;
    *bytes = (size_t)(kernel_rodata_end - kernel_text_start);
}

genpaddr_t platform_loaded_root(void)
{
    return read_ttbr0() & ~UINT32_C(0x3fff); /* the low bits are walk attributes */
}

_Noreturn void platform_halt(bool failure)
{
    semihosting_exit(failure ? 1 : 0);
}

void platform_domain_exit(struct dcb *dcb, uint64_t status)
{
    printk("kernel: domain %s exited with status %llu\n", dcb->name, (unsigned long long)status);
    platform_halt(status != 0);
}
