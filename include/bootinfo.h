/* What the kernel tells init about the boot image: a read-only page that names each boot module. */
#ifndef BOOTINFO_H
#define BOOTINFO_H

#include <caps/captypes.h>

/*
 * init finds this page as a read-only Frame in TASKCN_SLOT_BOOTINFO and maps
 * it where it likes. Module i is the read-only Frame in slot i of MODULECN
 * (include/init_cspace.h): its first byte is the module's first byte, and the
 * frame is the module's size rounded up to whole pages.
 */
#define BOOTINFO_MAGIC 0x626f6f74u /* "boot" */
#define BOOTINFO_MODULES_MAX 32
#define BOOTINFO_NAME_BYTES 56

struct bootinfo_module {
    char name[BOOTINFO_NAME_BYTES]; /* NUL-terminated; unique among the modules */
    uint64_t bytes;                 /* the module's length */
};

struct bootinfo {
    uint32_t magic;
    uint32_t module_count;
    struct bootinfo_module modules[BOOTINFO_MODULES_MAX];
};

_Static_assert(sizeof(struct bootinfo) <= BASE_PAGE_BYTES, "the boot information fills one page");

#endif
