/*
 * Fuzz target cpio: the input is a boot archive for the kernel's newc reader (kernel/cpu/cpio.c)
 * and the module list it fills (kernel/cpu/bootmods.c). Every archive is read or refused with a
 * boot image error; an accepted one's modules lie inside it with unique, terminated names, and
 * ASan sees any read past its end.
 */
#include "fuzz.h"
#include <bootmods.h>
#include <cpio.h>
#include <string.h>

#define PADDR 0x48000000u

static bool boot_image_error(errval_t err)
{
    enum err_code c = err_no(err);
    return err_pop(err) == SYS_ERR_OK && c >= SYS_ERR_CPIO_TRUNCATED && c <= SYS_ERR_BOOT_NO_INIT;
}

/* The reader moves forward at every entry, so any archive ends: at the trailer or an error. */
static void walk(const uint8_t *data, size_t size)
{
    uint64_t pos = 0;
    for (;;) {
        struct cpio_entry e;
        uint64_t before = pos;
        errval_t err = cpio_next(data, size, &pos, &e);
        if (err_is_fail(err)) {
            fuzz_expect(boot_image_error(err), "cpio_next: %s", err_getcode(err));
            return;
        }
        fuzz_expect(pos > before, "cpio_next did not move on from %llu",
                    (unsigned long long)before);
        fuzz_expect((const uint8_t *)e.name >= data &&
                        (const uint8_t *)e.name + e.name_bytes < data + size &&
                        e.name[e.name_bytes] == '\0',
                    "a name outside the archive or unterminated");
        fuzz_expect(e.data_bytes == 0 || e.data_offset + e.data_bytes <= size,
                    "file bytes past the end");
        if (e.trailer) {
            return;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    walk(data, size);
    static struct boot_modules mods;
    memset(&mods, 0, sizeof(mods));
    errval_t err = boot_modules_from_cpio(&mods, data, size, PADDR);
    fuzz_expect(err_is_ok(err) || boot_image_error(err), "boot_modules_from_cpio: %s",
                err_getcode(err));
    fuzz_expect(mods.count >= 0 && mods.count <= BOOTINFO_MODULES_MAX, "%d modules", mods.count);
    for (int i = 0; err_is_ok(err) && i < mods.count; i++) {
        const struct boot_module *m = &mods.module[i];
        size_t len = strnlen(m->name, BOOTINFO_NAME_BYTES);
        fuzz_expect(len > 0 && len < BOOTINFO_NAME_BYTES, "module %d: name of %zu bytes", i, len);
        fuzz_expect(m->bytes > 0 && m->base >= PADDR && m->base - PADDR + m->bytes <= size,
                    "module %s outside the archive", m->name);
        for (int j = 0; j < i; j++) {
            fuzz_expect(strcmp(m->name, mods.module[j].name) != 0, "two modules %s", m->name);
        }
    }
    return 0;
}
