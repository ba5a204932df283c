/* The PC platform's side of the kernel interfaces: memory, TLB, root tables, leaving QEMU. */
#include <maintenance.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>
#include <x86.h>
#include <x86_layout.h>

void *phys_to_kernel_ptr(genpaddr_t paddr)
{
    return (void *)(uintptr_t)(DIRECT_MAP_VBASE + paddr);
}

void platform_tlb_flush_range(genpaddr_t root, uint64_t vaddr, uint64_t bytes)
{
    if ((read_cr3() & ~0xfffull) != root) {
        return; /* another address space: switching to it flushes */
    }
    for (uint64_t v = vaddr; v < vaddr + bytes; v += BASE_PAGE_BYTES) {
        invlpg(v);
    }
}

void platform_tlb_flush_all(void)
{
    write_cr3(read_cr3());
}

void platform_cache_clean_range(genpaddr_t paddr, gensize_t bytes)
{
    (void)paddr; /* the x86 table walker snoops the caches */
    (void)bytes;
}

extern uint64_t boot_pml4[];

void platform_root_table_created(genpaddr_t base)
{
    /* Every address space shares the kernel's half: the PML4 entries from slot 256 on. */
    uint64_t *root = phys_to_kernel_ptr(base);
    const uint64_t *kernel = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_pml4);
    for (int slot = 256; slot < 512; slot++) {
        root[slot] = kernel[slot];
    }
}

extern const uint8_t kernel_image_start[];
extern const uint8_t kernel_rodata_end[];

void platform_kernel_text(const uint8_t **start, size_t *bytes)
{
    *start = kernel_image_start;
    *bytes = (size_t)(kernel_rodata_end - kernel_image_start);
}

genpaddr_t platform_loaded_root(void)
{
    return read_cr3() & ~0xfffull; /* no PCIDs: the low bits are flags */
}

_Noreturn void platform_halt(bool failure)
{
    outl(DEBUG_EXIT_PORT, failure ? 1 : 0); /* QEMU exits with 3 or 1 */
    halt_forever();
}

void platform_domain_exit(struct dcb *dcb, uint64_t status)
{
    printk("kernel: domain %s exited with status %llu\n", dcb->name, (unsigned long long)status);
    platform_halt(status != 0);
}
