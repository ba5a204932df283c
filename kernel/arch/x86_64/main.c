/* The PC kernel's start: CPU set-up, memory and boot modules from Multiboot, and init. */
#include <bootmods.h>
#include <mdb.h>
#include <paging_arch.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>
#include <spawn.h>
#include <startup.h>
#include <x86.h>
#include <x86_cpu.h>
#include <x86_layout.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MB_INFO_MEM_MAP (1u << 6)
#define MB_INFO_MODS (1u << 3)

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct multiboot_module {
    uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

extern char kernel_image_end[];

static void collect_memory(const struct multiboot_info *mbi, struct boot_memory *mem)
{
    const uint8_t *p = phys_to_kernel_ptr(mbi->mmap_addr);
    const uint8_t *end = p + mbi->mmap_length;
    while (p < end) {
        const struct multiboot_mmap_entry *e = (const void *)p;
        if (e->type == 1 && e->addr + e->len > 0x100000 && e->addr + e->len <= (4ull << 30)) {
            genpaddr_t base = e->addr < 0x100000 ? 0x100000 : e->addr;
            boot_memory_add(mem, base, e->addr + e->len - base);
        }
        p += e->size + 4;
    }
    genpaddr_t image_end = (genpaddr_t)(uintptr_t)kernel_image_end - KERNEL_IMAGE_VBASE;
    boot_memory_reserve(mem, 0, image_end);
}

/* A module's string is "PATH [NAME]" (tools/qemu-run names init "init"); read at most this much. */
#define MODULE_STRING_MAX 4096

/* The Multiboot modules as boot modules, before anything is taken from free memory. */
static errval_t collect_modules(const struct multiboot_info *mbi, struct boot_modules *mods)
{
    if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0) {
        return SYS_ERR_BOOT_NO_INIT;
    }
    if (mbi->mods_count > BOOTINFO_MODULES_MAX) {
        return SYS_ERR_BOOT_MODULES_TOO_MANY;
    }
    const struct multiboot_module *m = phys_to_kernel_ptr(mbi->mods_addr);
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        if (m[i].mod_end < m[i].mod_start) {
            return SYS_ERR_BOOT_MODULE_RANGE;
        }
        const char *string = m[i].string != 0 ? phys_to_kernel_ptr(m[i].string) : "";
        errval_t err = boot_modules_add_cmdline(mods, string, MODULE_STRING_MAX, m[i].mod_start,
                                                m[i].mod_end - m[i].mod_start);
        if (err_is_fail(err)) {
            return err;
        }
    }
    return SYS_ERR_OK;
}

_Noreturn static void boot_fail(const char *what, errval_t err)
{
    char text[160];
    err_format(err, text, sizeof(text));
    printk("kernel: panic: %s: %s\n", what, text);
    platform_halt(true);
}

/* 1 GiB pages only where CPUID 0x80000001 EDX[26] has them: elsewhere the entry would fault. */
static void detect_page_sizes(void)
{
    uint32_t regs[4];
    cpuid(0x80000000, 0, regs);
    bool huge = false;
    if (regs[0] >= 0x80000001) {
        cpuid(0x80000001, 0, regs);
        huge = (regs[3] >> 26) & 1;
    }
    if (!huge) {
        paging_forbid_pages_at(ObjType_VNode_x86_64_pdpt);
    }
    printk("kernel: page sizes: 4 KiB, 2 MiB%s\n",
           huge ? ", 1 GiB" : " (no 1 GiB pages on this CPU)");
}

void x86_kernel_main(uint32_t magic, uint32_t mbi_paddr);
void x86_kernel_main(uint32_t magic, uint32_t mbi_paddr)
{
    x86_gdt_init();
    x86_idt_init();
    x86_syscall_init();
    printk("kernel: x86-64 CPU driver booting\n");
    x86_protect_init();
    detect_page_sizes();
    const struct multiboot_info *mbi = phys_to_kernel_ptr(mbi_paddr);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(mbi->flags & MB_INFO_MEM_MAP)) {
        printk("kernel: panic: boot loader gave no memory map\n");
        platform_halt(true);
    }
    static struct boot_memory mem;
    collect_memory(mbi, &mem);
    static struct boot_modules mods;
    errval_t err = collect_modules(mbi, &mods);
    if (err_is_ok(err)) {
        err = boot_modules_claim(&mods, &mem);
    }
    if (err_is_fail(err)) {
        boot_fail("the Multiboot modules", err);
    }
    const struct boot_module *init_module = boot_modules_find(&mods, "init");
    if (init_module == NULL) {
        boot_fail("the Multiboot modules", SYS_ERR_BOOT_NO_INIT);
    }
    mdb_init(x86_boot_seed());
    struct dcb *init =
        spawn_init(phys_to_kernel_ptr(init_module->base), (size_t)init_module->bytes, &mem);
    if (init == NULL) {
        platform_halt(true);
    }
    startup_hand_modules(init, &mods);
    /* The VGA text buffer's first page as device memory init may map (uncached), to show it can. */
    startup_hand_memory(init, ROOTCN_SLOT_PHYSADDRCN, ObjType_PhysAddr, 0xb8000, BASE_PAGE_BYTES);
    x86_timer_init();
    sched_leave_kernel(); /* loads init's registers and root table */
    printk("kernel: starting init at 0x%llx\n", (unsigned long long)x86_user_frame()->rip);
    x86_enter_first_domain();
}
