/* The boot modules every platform finds (Multiboot modules, cpio entries, the host's buffers). */
#ifndef KERNEL_BOOTMODS_H
#define KERNEL_BOOTMODS_H

#include <bootinfo.h>
#include <dispatch.h>
#include <spawn.h>

/* A module in physical memory: the kernel starts the one named "init" and hands init them all. */
struct boot_module {
    char name[BOOTINFO_NAME_BYTES];
    genpaddr_t base;
    gensize_t bytes;
};

struct boot_modules {
    int count;
    struct boot_module module[BOOTINFO_MODULES_MAX];
    genpaddr_t bootinfo; /* the page boot_modules_claim took for struct bootinfo */
};

/*
 * Adds the module [base, base + bytes) named by the name_bytes characters at
 * name; an empty module (nothing to hand out) is left out. Errors:
 * SYS_ERR_BOOT_MODULE_NAME (empty, a NUL inside, or no room for the NUL),
 * SYS_ERR_BOOT_MODULE_RANGE (wraps around), SYS_ERR_BOOT_MODULE_DUPLICATE,
 * SYS_ERR_BOOT_MODULES_TOO_MANY.
 */
errval_t boot_modules_add(struct boot_modules *mods, const char *name, size_t name_bytes,
                          genpaddr_t base, gensize_t bytes);

/*
 * Adds a module named by its boot loader command line (Multiboot's module
 * string), "PATH [NAME]": NAME when given, else PATH's last component. The
 * line is read up to its NUL, at most max_chars characters. Errors: those of
 * boot_modules_add, and SYS_ERR_BOOT_MODULE_NAME when no NUL comes in time.
 */
errval_t boot_modules_add_cmdline(struct boot_modules *mods, const char *cmdline, size_t max_chars,
                                  genpaddr_t base, gensize_t bytes);

/* The module of that name, or NULL. */
const struct boot_module *boot_modules_find(const struct boot_modules *mods, const char *name);

/*
 * Makes the modules safe to hand out as frames, before any other use of mem:
 * each must lie inside free memory (not the kernel, not the device tree), and
 * modules that start on a page boundary must not share a page. Their pages
 * leave mem; a module that starts inside a page is copied to fresh pages, so
 * that every module is a frame of its own starting at its first byte. Takes
 * the page for the boot information too. Errors: SYS_ERR_BOOT_MODULE_RANGE,
 * SYS_ERR_BOOT_MODULE_NO_MEMORY.
 */
errval_t boot_modules_claim(struct boot_modules *mods, struct boot_memory *mem);

/*
 * Reads every regular file of a cpio newc archive at physical address paddr
 * (archive is the kernel's pointer to it, max_bytes what may be read) into
 * mods, up to the trailer. Errors: those of cpio_next and boot_modules_add.
 */
errval_t boot_modules_from_cpio(struct boot_modules *mods, const uint8_t *archive, size_t max_bytes,
                                genpaddr_t paddr);

/*
 * Hands init its boot modules: fills the page at mods->bootinfo (struct
 * bootinfo) and puts it as a read-only Frame in TASKCN_SLOT_BOOTINFO, and
 * module i as a read-only Frame in slot i of MODULECN.
 */
void startup_hand_modules(struct dcb *init, const struct boot_modules *mods);

#endif
