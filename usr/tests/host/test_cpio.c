/* The kernel's cpio newc reader (the ARMv7 boot image): well-formed archives and every refusal. */
#include "spawn_check.h"
#include <bootmods.h>
#include <cpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(struct test_archive *a, const void *bytes, size_t n)
{
    ck_assert_uint_le(a->len + n, sizeof(a->bytes));
    memcpy(a->bytes + a->len, bytes, n);
    a->len += n;
}

static void pad4(struct test_archive *a)
{
    static const uint8_t zeros[4];
    append(a, zeros, (4 - a->len % 4) % 4);
}

void put_raw_header(struct test_archive *a, const char *magic, uint32_t mode, uint32_t filesize,
                    uint32_t namesize)
{
    char h[CPIO_HEADER_BYTES + 1];
    snprintf(h, sizeof(h), "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", magic, 7u,
             mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
    append(a, h, CPIO_HEADER_BYTES);
}

void put_file(struct test_archive *a, const char *name, uint32_t mode, const void *data,
              uint32_t size)
{
    put_raw_header(a, "070701", mode, size, (uint32_t)strlen(name) + 1);
    append(a, name, strlen(name) + 1);
    pad4(a);
    append(a, data, size);
    pad4(a);
}

void put_trailer(struct test_archive *a)
{
    put_file(a, "TRAILER!!!", 0, "", 0);
}

uint8_t *archive_copy(const struct test_archive *a, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, a->bytes, len);
    return copy;
}

/* The archive's modules as boot_modules_from_cpio reads them, as if it lay at ARCHIVE_PADDR. */
#define ARCHIVE_PADDR 0x48000000u
static errval_t read_modules(const struct test_archive *a, size_t len, struct boot_modules *mods)
{
    uint8_t *copy = archive_copy(a, len);
    *mods = (struct boot_modules){.count = 0};
    errval_t err = boot_modules_from_cpio(mods, copy, len, ARCHIVE_PADDR);
    free(copy);
    return err;
}

static struct test_archive arch;

static void empty_archive(void)
{
    arch.len = 0;
}

START_TEST(regular_files_become_modules_in_order_and_the_rest_is_skipped)
{
    put_file(&arch, "init", MODE_FILE,
             "\x7f"
             "ELF-init",
             8);
    put_file(&arch, "bin", MODE_DIR, "", 0);
    put_file(&arch, "empty", MODE_FILE, "", 0);
    put_file(&arch, "child", MODE_FILE, "abc", 3);
    put_trailer(&arch);
    put_file(&arch, "after-the-trailer", MODE_FILE, "x", 1); /* never read */
    struct boot_modules mods;
    ck_assert_ok(read_modules(&arch, arch.len, &mods));
    ck_assert_int_eq(mods.count, 2);
    ck_assert_str_eq(mods.module[0].name, "init");
    ck_assert_uint_eq(mods.module[0].bytes, 8);
    /* header, "init\0" padded to 116, then the data */
    ck_assert_uint_eq(mods.module[0].base, ARCHIVE_PADDR + 116);
    ck_assert_mem_eq(arch.bytes + (mods.module[0].base - ARCHIVE_PADDR),
                     "\x7f"
                     "ELF-init",
                     8);
    ck_assert_str_eq(mods.module[1].name, "child");
    ck_assert_uint_eq(mods.module[1].bytes, 3);
    ck_assert_mem_eq(arch.bytes + (mods.module[1].base - ARCHIVE_PADDR), "abc", 3);
}
END_TEST

START_TEST(entries_are_read_one_by_one_up_to_the_trailer)
{
    put_file(&arch, "a", MODE_FILE, "12345", 5);
    put_trailer(&arch);
    uint64_t pos = 0;
    struct cpio_entry e;
    ck_assert_ok(cpio_next(arch.bytes, arch.len, &pos, &e));
    ck_assert_uint_eq(e.name_bytes, 1);
    ck_assert_str_eq(e.name, "a");
    ck_assert_uint_eq(e.mode, MODE_FILE);
    ck_assert_uint_eq(e.data_offset, 112); /* 110 + "a\0", already a multiple of 4 */
    ck_assert_uint_eq(e.data_bytes, 5);
    ck_assert(!e.trailer);
    ck_assert_uint_eq(pos, 120); /* the data padded to 4 */
    ck_assert_ok(cpio_next(arch.bytes, arch.len, &pos, &e));
    ck_assert(e.trailer);
    ck_assert_uint_eq(pos, arch.len);
}
END_TEST

/* A name as long as the trailer's, but another, is a file like any other. */
START_TEST(only_the_trailers_own_name_ends_the_archive)
{
    put_file(&arch, "TRAILER!!?", MODE_FILE, "x", 1);
    put_file(&arch, "trailer!!!", MODE_FILE, "y", 1);
    put_trailer(&arch);
    struct boot_modules mods;
    ck_assert_ok(read_modules(&arch, arch.len, &mods));
    ck_assert_int_eq(mods.count, 2);
}
END_TEST

/* The checksum variant and upper-case digits are newc too. */
START_TEST(the_crc_magic_and_upper_case_hex_are_accepted)
{
    put_raw_header(&arch, "070702", MODE_FILE, 2, 3);
    memcpy(arch.bytes + 6 + 8, "000081A4", 8);             /* the mode field, in capitals */
    memcpy(arch.bytes + arch.len, "ok\0\0\0\0xy\0\0", 10); /* name padded to 116, data to 120 */
    arch.len += 10;
    put_trailer(&arch);
    struct boot_modules mods;
    ck_assert_ok(read_modules(&arch, arch.len, &mods));
    ck_assert_int_eq(mods.count, 1);
    ck_assert_str_eq(mods.module[0].name, "ok");
    ck_assert_mem_eq(arch.bytes + (mods.module[0].base - ARCHIVE_PADDR), "xy", 2);
}
END_TEST

/*
 * A well-formed archive cut anywhere before the end of its trailer's name is refused, and read
 * only inside the cut; the trailer's padding may be missing.
 */
START_TEST(every_prefix_of_an_archive_is_refused)
{
    put_file(&arch, "init", MODE_FILE, "0123456789", 10);
    put_file(&arch, "second", MODE_FILE, "abcdefg", 7);
    size_t trailer_end = arch.len + CPIO_HEADER_BYTES + sizeof("TRAILER!!!");
    put_trailer(&arch);
    struct boot_modules mods;
    for (size_t len = 0; len < trailer_end; len++) {
        errval_t err = read_modules(&arch, len, &mods);
        ck_assert_msg(err_no(err) == SYS_ERR_CPIO_TRUNCATED ||
                          err_no(err) == SYS_ERR_CPIO_FILE_PAST_END,
                      "cut at %zu: %s", len, err_getcode(err));
    }
    for (size_t len = trailer_end; len <= arch.len; len++) {
        ck_assert_ok(read_modules(&arch, len, &mods));
        ck_assert_int_eq(mods.count, 2);
    }
}
END_TEST

/* Malformed archives: a header built by hand, then the error the reader must give. */
enum malformation {
    BAD_MAGIC_ODC,
    BAD_MAGIC_BINARY,
    BAD_HEX_DIGIT,
    NAMESIZE_ZERO,
    NAME_EMPTY,
    NAME_WITHOUT_NUL,
    NAME_WITH_INNER_NUL,
    NAME_PAST_END,
    FILE_PAST_END,
    FILE_SIZE_HUGE,
    NO_TRAILER,
    NAME_TOO_LONG,
    DUPLICATE_NAME,
    TOO_MANY_FILES,
};

static const struct {
    enum malformation what;
    enum err_code want;
} malformed[] = {
    {BAD_MAGIC_ODC, SYS_ERR_CPIO_BAD_MAGIC},
    {BAD_MAGIC_BINARY, SYS_ERR_CPIO_BAD_MAGIC},
    {BAD_HEX_DIGIT, SYS_ERR_CPIO_BAD_FIELD},
    {NAMESIZE_ZERO, SYS_ERR_CPIO_BAD_NAME},
    {NAME_EMPTY, SYS_ERR_CPIO_BAD_NAME},
    {NAME_WITHOUT_NUL, SYS_ERR_CPIO_BAD_NAME},
    {NAME_WITH_INNER_NUL, SYS_ERR_CPIO_BAD_NAME},
    {NAME_PAST_END, SYS_ERR_CPIO_TRUNCATED},
    {FILE_PAST_END, SYS_ERR_CPIO_FILE_PAST_END},
    {FILE_SIZE_HUGE, SYS_ERR_CPIO_FILE_PAST_END},
    {NO_TRAILER, SYS_ERR_CPIO_TRUNCATED},
    {NAME_TOO_LONG, SYS_ERR_BOOT_MODULE_NAME},
    {DUPLICATE_NAME, SYS_ERR_BOOT_MODULE_DUPLICATE},
    {TOO_MANY_FILES, SYS_ERR_BOOT_MODULES_TOO_MANY},
};

static void build_malformed(enum malformation what)
{
    put_file(&arch, "init", MODE_FILE, "good", 4);
    size_t at = arch.len;
    switch (what) {
    case BAD_MAGIC_ODC:
        put_file(&arch, "x", MODE_FILE, "", 0);
        memcpy(arch.bytes + at, "070707", 6);
        break;
    case BAD_MAGIC_BINARY:
        put_file(&arch, "x", MODE_FILE, "", 0);
        memcpy(arch.bytes + at, "\xc7\x71\0\0\0\0", 6);
        break;
    case BAD_HEX_DIGIT:
        put_file(&arch, "x", MODE_FILE, "", 0);
        arch.bytes[at + 6 + 8 * 6 + 3] = 'g'; /* in the file size */
        break;
    case NAMESIZE_ZERO:
        put_raw_header(&arch, "070701", MODE_FILE, 0, 0);
        memcpy(arch.bytes + arch.len, "\0\0", 2);
        arch.len += 2;
        break;
    case NAME_EMPTY:
        put_raw_header(&arch, "070701", MODE_FILE, 0, 1);
        memcpy(arch.bytes + arch.len, "\0\0", 2);
        arch.len += 2;
        break;
    case NAME_WITHOUT_NUL:
        put_raw_header(&arch, "070701", MODE_FILE, 0, 4);
        memcpy(arch.bytes + arch.len, "abcd\0\0", 6);
        arch.len += 6;
        break;
    case NAME_WITH_INNER_NUL:
        put_raw_header(&arch, "070701", MODE_FILE, 0, 4);
        memcpy(arch.bytes + arch.len, "a\0c\0\0\0", 6);
        arch.len += 6;
        break;
    case NAME_PAST_END:
        put_raw_header(&arch, "070701", MODE_FILE, 0, 200);
        memcpy(arch.bytes + arch.len, "name", 4);
        arch.len += 4;
        return; /* the archive ends inside the name */
    case FILE_PAST_END:
        put_raw_header(&arch, "070701", MODE_FILE, 64, 2);
        memcpy(arch.bytes + arch.len, "f\0", 2);
        arch.len += 2;
        memcpy(arch.bytes + arch.len, "only part of the file", 21);
        arch.len += 21;
        return;
    case FILE_SIZE_HUGE:
        put_raw_header(&arch, "070701", MODE_FILE, 0xffffffffu, 2);
        memcpy(arch.bytes + arch.len, "f\0", 2);
        arch.len += 2;
        break;
    case NO_TRAILER:
        put_file(&arch, "last", MODE_FILE, "x", 1);
        return;
    case NAME_TOO_LONG: {
        char name[BOOTINFO_NAME_BYTES + 1];
        memset(name, 'n', BOOTINFO_NAME_BYTES);
        name[BOOTINFO_NAME_BYTES] = '\0';
        put_file(&arch, name, MODE_FILE, "x", 1);
        break;
    }
    case DUPLICATE_NAME:
        put_file(&arch, "init", MODE_FILE, "again", 5);
        break;
    case TOO_MANY_FILES:
        for (int i = 1; i <= BOOTINFO_MODULES_MAX; i++) {
            char name[16];
            snprintf(name, sizeof(name), "m%d", i);
            put_file(&arch, name, MODE_FILE, "x", 1);
        }
        break;
    }
    put_trailer(&arch);
}

START_TEST(malformed_archives_are_refused_with_their_error)
{
    build_malformed(malformed[_i].what);
    struct boot_modules mods;
    errval_t err = read_modules(&arch, arch.len, &mods);
    ck_assert_msg(err_no(err) == malformed[_i].want, "case %d: expected %s, got %s", _i,
                  err_getcode(malformed[_i].want), err_getcode(err));
}
END_TEST

/* The longest name that fits the boot information, and the most modules it holds, are fine. */
START_TEST(the_limits_themselves_are_accepted)
{
    char name[BOOTINFO_NAME_BYTES];
    memset(name, 'n', BOOTINFO_NAME_BYTES - 1);
    name[BOOTINFO_NAME_BYTES - 1] = '\0';
    put_file(&arch, name, MODE_FILE, "x", 1);
    for (int i = 2; i <= BOOTINFO_MODULES_MAX; i++) {
        char other[16];
        snprintf(other, sizeof(other), "m%d", i);
        put_file(&arch, other, MODE_FILE, "x", 1);
    }
    put_trailer(&arch);
    struct boot_modules mods;
    ck_assert_ok(read_modules(&arch, arch.len, &mods));
    ck_assert_int_eq(mods.count, BOOTINFO_MODULES_MAX);
    ck_assert_str_eq(mods.module[0].name, name);
}
END_TEST

Suite *cpio_suite(void)
{
    Suite *s = suite_create("cpio newc reader");
    TCase *tc = tcase_create("archives");
    tcase_add_checked_fixture(tc, empty_archive, NULL);
    tcase_add_test(tc, regular_files_become_modules_in_order_and_the_rest_is_skipped);
    tcase_add_test(tc, entries_are_read_one_by_one_up_to_the_trailer);
    tcase_add_test(tc, the_crc_magic_and_upper_case_hex_are_accepted);
    tcase_add_test(tc, only_the_trailers_own_name_ends_the_archive);
    tcase_add_test(tc, every_prefix_of_an_archive_is_refused);
    tcase_add_loop_test(tc, malformed_archives_are_refused_with_their_error, 0,
                        sizeof(malformed) / sizeof(malformed[0]));
    tcase_add_test(tc, the_limits_themselves_are_accepted);
    suite_add_tcase(s, tc);
    return s;
}
