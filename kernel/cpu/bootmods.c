/* The list of boot modules: checked names and ranges, claimed out of free memory before use. */
#include <bootmods.h>
#include <cpio.h>
#include <phys_mem.h>

static genpaddr_t page_down(genpaddr_t a)
{
    return a & ~(BASE_PAGE_BYTES - 1);
}

static genpaddr_t page_up(genpaddr_t a)
{
    return (a + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
}

static bool same_name(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

errval_t boot_modules_add(struct boot_modules *mods, const char *name, size_t name_bytes,
                          genpaddr_t base, gensize_t bytes)
{
    if (name_bytes == 0 || name_bytes >= BOOTINFO_NAME_BYTES) {
        return SYS_ERR_BOOT_MODULE_NAME;
    }
    for (size_t i = 0; i < name_bytes; i++) {
        if (name[i] == '\0') {
            return SYS_ERR_BOOT_MODULE_NAME;
        }
    }
    if (base + bytes < base || page_up(base + bytes) < base + bytes) {
        return SYS_ERR_BOOT_MODULE_RANGE;
    }
    if (bytes == 0) {
        return SYS_ERR_OK;
    }
    struct boot_module m = {.base = base, .bytes = bytes};
    __builtin_memcpy(m.name, name, name_bytes);
    m.name[name_bytes] = '\0';
    if (boot_modules_find(mods, m.name) != NULL) {
        return SYS_ERR_BOOT_MODULE_DUPLICATE;
    }
    if (mods->count == BOOTINFO_MODULES_MAX) {
        return SYS_ERR_BOOT_MODULES_TOO_MANY;
    }
    mods->module[mods->count++] = m;
    return SYS_ERR_OK;
}

/* The word of line that starts at or after *at (spaces separate words); *at moves past it. */
static size_t next_word(const char *line, size_t len, size_t *at, size_t *start)
{
    size_t i = *at;
    while (i < len && line[i] == ' ') {
        i++;
    }
    *start = i;
    while (i < len && line[i] != ' ') {
        i++;
    }
    *at = i;
    return i - *start;
}

errval_t boot_modules_add_cmdline(struct boot_modules *mods, const char *cmdline, size_t max_chars,
                                  genpaddr_t base, gensize_t bytes)
{
    size_t len = 0;
    while (len < max_chars && cmdline[len] != '\0') {
        len++;
    }
    if (len == max_chars) {
        return SYS_ERR_BOOT_MODULE_NAME;
    }
    size_t at = 0, path, name;
    size_t path_bytes = next_word(cmdline, len, &at, &path);
    size_t name_bytes = next_word(cmdline, len, &at, &name);
    if (name_bytes == 0) {
        name = path;
        for (size_t i = path; i < path + path_bytes; i++) {
            if (cmdline[i] == '/') {
                name = i + 1;
            }
        }
        name_bytes = path + path_bytes - name;
    }
    return boot_modules_add(mods, cmdline + name, name_bytes, base, bytes);
}

const struct boot_module *boot_modules_find(const struct boot_modules *mods, const char *name)
{
    for (int i = 0; i < mods->count; i++) {
        if (same_name(mods->module[i].name, name)) {
            return &mods->module[i];
        }
    }
    return NULL;
}

/* Is [base, base + bytes) inside one free range of mem? */
static bool is_free(const struct boot_memory *mem, genpaddr_t base, gensize_t bytes)
{
    for (int i = 0; i < mem->count; i++) {
        if (base >= mem->base[i] && base - mem->base[i] <= mem->bytes[i] &&
            bytes <= mem->bytes[i] - (base - mem->base[i])) {
            return true;
        }
    }
    return false;
}

/* Do modules a and b, both starting on a page, share a page? */
static bool pages_overlap(const struct boot_module *a, const struct boot_module *b)
{
    return a->base < page_up(b->base + b->bytes) && b->base < page_up(a->base + a->bytes);
}

static errval_t check_ranges(const struct boot_modules *mods, const struct boot_memory *mem)
{
    for (int i = 0; i < mods->count; i++) {
        const struct boot_module *a = &mods->module[i];
        if (!is_free(mem, a->base, a->bytes)) {
            return SYS_ERR_BOOT_MODULE_RANGE;
        }
        for (int j = 0; j < i && a->base % BASE_PAGE_BYTES == 0; j++) {
            const struct boot_module *b = &mods->module[j];
            if (b->base % BASE_PAGE_BYTES == 0 && pages_overlap(a, b)) {
                return SYS_ERR_BOOT_MODULE_RANGE;
            }
        }
    }
    return SYS_ERR_OK;
}

errval_t boot_modules_claim(struct boot_modules *mods, struct boot_memory *mem)
{
    errval_t err = check_ranges(mods, mem);
    if (err_is_fail(err)) {
        return err;
    }
    for (int i = 0; i < mods->count; i++) {
        const struct boot_module *m = &mods->module[i];
        genpaddr_t start = page_down(m->base);
        boot_memory_reserve(mem, start, page_up(m->base + m->bytes) - start);
    }
    for (int i = 0; i < mods->count; i++) {
        struct boot_module *m = &mods->module[i];
        if (m->base % BASE_PAGE_BYTES == 0) {
            continue;
        }
        gensize_t frame_bytes = page_up(m->bytes);
        genpaddr_t copy = boot_memory_take(mem, frame_bytes, BASE_PAGE_BYTES);
        if (copy == 0) {
            return SYS_ERR_BOOT_MODULE_NO_MEMORY;
        }
        uint8_t *dest = phys_to_kernel_ptr(copy);
        __builtin_memcpy(dest, phys_to_kernel_ptr(m->base), m->bytes);
        __builtin_memset(dest + m->bytes, 0, frame_bytes - m->bytes);
        m->base = copy;
    }
    mods->bootinfo = boot_memory_take(mem, BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    return mods->bootinfo != 0 ? SYS_ERR_OK : SYS_ERR_BOOT_MODULE_NO_MEMORY;
}

errval_t boot_modules_from_cpio(struct boot_modules *mods, const uint8_t *archive, size_t max_bytes,
                                genpaddr_t paddr)
{
    uint64_t pos = 0;
    for (;;) {
        struct cpio_entry e;
        errval_t err = cpio_next(archive, max_bytes, &pos, &e);
        if (err_is_fail(err) || e.trailer) {
            return err;
        }
        if ((e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REGULAR) {
            continue; /* directories and the like: nothing to run */
        }
        err = boot_modules_add(mods, e.name, e.name_bytes, paddr + e.data_offset, e.data_bytes);
        if (err_is_fail(err)) {
            return err;
        }
    }
}
