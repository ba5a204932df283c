/* The QEMU virt kernel's start: the device tree, free memory, the boot archive, and init. */
#include <armv7.h>
#include <armv7_cpu.h>
#include <armv7_layout.h>
#include <armv7_paging.h>
#include <bootmods.h>
#include <fdt.h>
#include <mdb.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>
#include <spawn.h>
#include <startup.h>

extern char kernel_image_end[];

void armv7_uart_set(uint64_t paddr);
void armv7_selftest(const void *dtb);
void armv7_protect_init(void);
uint64_t armv7_boot_seed(const void *dtb);
void armv7_selftest_user(const void *dtb, uint32_t user_entry);

_Noreturn static void boot_fail(const char *what, errval_t err)
{
    char text[160];
    err_format(err, text, sizeof(text));
    printk("kernel: panic: %s: %s\n", what, text);
    platform_halt(true);
}

/* RAM from the device tree, less the tree itself and the kernel image. */
static void collect_memory(const void *dtb, struct boot_memory *mem)
{
    struct fdt_range ram[8];
    int count;
    errval_t err = fdt_memory(dtb, ram, 8, &count);
    if (err_is_fail(err)) {
        boot_fail("no memory in the device tree", err);
    }
    for (int i = 0; i < count; i++) {
        genpaddr_t end = ram[i].base + ram[i].bytes;
        genpaddr_t limit = (genpaddr_t)RAM_PBASE + (1ull << 30); /* what the kernel maps */
        if (ram[i].base >= RAM_PBASE && ram[i].base < limit) {
            boot_memory_add(mem, ram[i].base, (end < limit ? end : limit) - ram[i].base);
        }
    }
    boot_memory_reserve(mem, DTB_PADDR, fdt_total_bytes(dtb));
    /* The image from its boot section up: everything below kernel_image_end. */
    genpaddr_t image_end = (genpaddr_t)(uintptr_t)kernel_image_end - KERNEL_VOFFSET;
    boot_memory_reserve(mem, RAM_PBASE + 0x100000, image_end - (RAM_PBASE + 0x100000));
}

/*
 * The boot modules: the files of the cpio archive at BOOT_ARCHIVE_PADDR, read no further than
 * BOOT_ARCHIVE_MAX_BYTES nor past the free RAM it lies in; then claimed out of free memory.
 */
static void collect_modules(struct boot_memory *mem, struct boot_modules *mods)
{
    size_t window = 0;
    for (int i = 0; i < mem->count; i++) {
        genpaddr_t end = mem->base[i] + mem->bytes[i];
        if (BOOT_ARCHIVE_PADDR >= mem->base[i] && BOOT_ARCHIVE_PADDR < end) {
            window = end - BOOT_ARCHIVE_PADDR < BOOT_ARCHIVE_MAX_BYTES ? end - BOOT_ARCHIVE_PADDR
                                                                       : BOOT_ARCHIVE_MAX_BYTES;
        }
    }
    if (window == 0) {
        boot_fail("the boot archive at 0x48000000 lies outside free RAM",
                  SYS_ERR_BOOT_MODULE_RANGE);
    }
    errval_t err = boot_modules_from_cpio(mods, phys_to_kernel_ptr(BOOT_ARCHIVE_PADDR), window,
                                          BOOT_ARCHIVE_PADDR);
    if (err_is_ok(err)) {
        err = boot_modules_claim(mods, mem);
    }
    if (err_is_fail(err)) {
        boot_fail("the boot archive at 0x48000000", err);
    }
}

/* Starts the cycle counter and lets user mode read it (guestbench, under QEMU -icount). */
static void open_cycle_counter(void)
{
    uint32_t pmcr;
    __asm__ volatile("mrc p15, 0, %0, c9, c12, 0" : "=r"(pmcr));
    __asm__ volatile("mcr p15, 0, %0, c9, c12, 0" : : "r"(pmcr | 1u)); /* enable */
    __asm__ volatile("mcr p15, 0, %0, c9, c12, 1" : : "r"(1u << 31));  /* the cycle counter */
    __asm__ volatile("mcr p15, 0, %0, c9, c14, 0" : : "r"(1u));        /* user access */
}

/* PXN on every user entry where the CPU has it; a CPU without it would read the bit otherwise. */
static void choose_pxn(void)
{
    uint32_t mmfr0 = read_id_mmfr0();
    bool pxn = armv7_mmfr0_has_pxn(mmfr0);
    armv7_paging_set_pxn(pxn);
    printk("kernel: PXN %s (ID_MMFR0 VMSA support %u)\n",
           pxn ? "on for every user mapping"
               : "not implemented: user memory stays executable by the kernel",
           (unsigned)(mmfr0 & 0xf));
}

void armv7_kernel_main(void);
void armv7_kernel_main(void)
{
    printk("kernel: ARMv7 CPU driver booting\n");
    choose_pxn();
    armv7_protect_init(); /* before anything reads input: the device tree, init's image */
    const void *dtb = phys_to_kernel_ptr(DTB_PADDR);
    errval_t err = fdt_check(dtb, DTB_MAX_BYTES);
    if (err_is_fail(err)) {
        boot_fail("the device tree at the start of RAM", err);
    }
    struct fdt_range uart;
    if (err_is_ok(fdt_device(dtb, "arm,pl011", &uart))) {
        armv7_uart_set(uart.base);
    }
    armv7_selftest(dtb);
    static struct boot_memory mem;
    collect_memory(dtb, &mem);
    static struct boot_modules mods;
    collect_modules(&mem, &mods);
    const struct boot_module *init_module = boot_modules_find(&mods, "init");
    if (init_module == NULL) {
        boot_fail("the boot archive at 0x48000000", SYS_ERR_BOOT_NO_INIT);
    }
    mdb_init(armv7_boot_seed(dtb)); /* treap priorities no domain can predict */
    open_cycle_counter();
    struct dcb *init =
        spawn_init(phys_to_kernel_ptr(init_module->base), (size_t)init_module->bytes, &mem);
    if (init == NULL) {
        platform_halt(true);
    }
    startup_hand_modules(init, &mods);
    /* The UART's page as device memory init may map (uncached), to show it can. */
    if (err_is_ok(fdt_device(dtb, "arm,pl011", &uart))) {
        startup_hand_memory(init, ROOTCN_SLOT_PHYSADDRCN, ObjType_PhysAddr,
                            uart.base & ~(BASE_PAGE_BYTES - 1), BASE_PAGE_BYTES);
    }
    armv7_timer_init(dtb);
    sched_leave_kernel(); /* loads init's registers and root table */
    uint32_t entry = armv7_user_frame()->pc;
    armv7_selftest_user(dtb, entry);
    printk("kernel: starting init at 0x%llx\n", (unsigned long long)entry);
    armv7_enter_first_domain();
}
