/* The device tree reader against blobs dtc compiled from tools/dts, and broken copies of them. */
#include "fixture.h"
#include <fdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_MAX 65536

struct blob {
    uint8_t data[BLOB_MAX];
    size_t bytes;
};

/* Loads build/dtb/<name>.dtb (DTB_DIR overrides the folder). */
static void load(const char *name, struct blob *b)
{
    const char *dir = getenv("DTB_DIR") != NULL ? getenv("DTB_DIR") : "build/dtb";
    char path[256];
    snprintf(path, sizeof(path), "%s/%s.dtb", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (make builds it with dtc)", path);
    b->bytes = fread(b->data, 1, sizeof(b->data), f);
    fclose(f);
    ck_assert_uint_gt(b->bytes, 40);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

START_TEST(the_virt_board_has_its_ram_and_uart)
{
    struct blob b;
    load("virt", &b);
    ck_assert_ok(fdt_check(b.data, b.bytes));
    ck_assert_uint_eq(fdt_total_bytes(b.data), b.bytes);
    struct fdt_range ram[4];
    int count;
    ck_assert_ok(fdt_memory(b.data, ram, 4, &count));
    ck_assert_int_eq(count, 1);
    ck_assert_uint_eq(ram[0].base, 0x40000000);
    ck_assert_uint_eq(ram[0].bytes, 0x20000000);
    struct fdt_range uart;
    ck_assert_ok(fdt_device(b.data, "arm,pl011", &uart));
    ck_assert_uint_eq(uart.base, 0x09000000);
    ck_assert_uint_eq(uart.bytes, 0x1000);
}
END_TEST

START_TEST(memory_in_several_nodes_and_ranges_with_32_bit_cells)
{
    struct blob b;
    load("two-banks", &b);
    ck_assert_ok(fdt_check(b.data, b.bytes));
    struct fdt_range ram[4];
    int count;
    ck_assert_ok(fdt_memory(b.data, ram, 4, &count));
    ck_assert_int_eq(count, 3);
    ck_assert_uint_eq(ram[0].base, 0x80000000);
    ck_assert_uint_eq(ram[1].base, 0xa0000000);
    ck_assert_uint_eq(ram[1].bytes, 0x08000000);
    ck_assert_uint_eq(ram[2].base, 0xc0000000);
    ck_assert_ok(fdt_memory(b.data, ram, 2, &count));
    ck_assert_int_eq(count, 2); /* at most max */
    struct fdt_range uart;
    ck_assert_ok(fdt_device(b.data, "arm,pl011", &uart)); /* second in its list */
    ck_assert_uint_eq(uart.base, 0x1c090000);
}
END_TEST

START_TEST(a_bus_with_its_own_cells_and_missing_nodes)
{
    struct blob b;
    load("nested", &b);
    ck_assert_ok(fdt_check(b.data, b.bytes));
    struct fdt_range uart;
    ck_assert_ok(fdt_device(b.data, "arm,pl011", &uart));
    ck_assert_uint_eq(uart.base, 0x2000);
    ck_assert_uint_eq(uart.bytes, 0x100);
    struct fdt_range ram[1];
    int count;
    ck_assert_err(fdt_memory(b.data, ram, 1, &count), SYS_ERR_FDT_NOT_FOUND);
    ck_assert_err(fdt_device(b.data, "vendor,nothing", &uart), SYS_ERR_FDT_NOT_FOUND);
}
END_TEST

START_TEST(refuses_short_and_foreign_blobs)
{
    struct blob b;
    load("virt", &b);
    ck_assert_err(fdt_check(b.data, 20), SYS_ERR_FDT_TRUNCATED);
    ck_assert_err(fdt_check(b.data, b.bytes - 1), SYS_ERR_FDT_TRUNCATED);
    b.data[0] ^= 0xff;
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_MAGIC);
    b.data[0] ^= 0xff;
    put_be32(b.data + 20, 16); /* version */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_VERSION);
}
END_TEST

START_TEST(refuses_blocks_outside_the_blob)
{
    struct blob b;
    load("virt", &b);
    put_be32(b.data + 8, (uint32_t)b.bytes + 8); /* structure offset */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    put_be32(b.data + 36, (uint32_t)b.bytes); /* structure size */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    put_be32(b.data + 32, (uint32_t)b.bytes); /* strings size */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
}
END_TEST

/* The offset of the first token of kind in the structure block (a valid blob). */
static uint32_t find_token(const struct blob *b, uint32_t token)
{
    uint32_t off = get_be32(b->data + 8);
    uint32_t end = off + get_be32(b->data + 36);
    for (uint32_t p = off; p + 4 <= end; p += 4) {
        if (get_be32(b->data + p) == token) {
            return p;
        }
    }
    ck_abort_msg("no token %u", token);
    return 0;
}

START_TEST(refuses_malformed_structure)
{
    struct blob b;
    load("virt", &b);
    put_be32(b.data + get_be32(b.data + 8), 7); /* an unknown first token */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
    load("virt", &b);
    uint32_t end = find_token(&b, 9); /* FDT_END where a node is still open */
    put_be32(b.data + end - 4, 4);    /* the root's END_NODE becomes a NOP */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
    load("virt", &b);
    put_be32(b.data + 36, get_be32(b.data + 36) - 4); /* the structure block loses its END */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
}
END_TEST

START_TEST(refuses_properties_and_names_that_run_past_their_blocks)
{
    struct blob b;
    load("virt", &b);
    uint32_t prop = find_token(&b, 3);
    put_be32(b.data + prop + 4, 0x100000); /* a huge length */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_PROPERTY);
    load("virt", &b);
    prop = find_token(&b, 3);
    put_be32(b.data + prop + 8, get_be32(b.data + 32)); /* name offset past the strings */
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_STRING);
    load("virt", &b);
    /* The strings block ends without a terminator. */
    uint32_t strings_end = get_be32(b.data + 12) + get_be32(b.data + 32);
    b.data[strings_end - 1] = 'x';
    ck_assert_err(fdt_check(b.data, b.bytes), SYS_ERR_FDT_BAD_STRING);
}
END_TEST

START_TEST(refuses_cells_it_cannot_read)
{
    struct blob b;
    load("virt", &b);
    /* The root's #address-cells (its first property) becomes 3. */
    uint32_t prop = find_token(&b, 3);
    put_be32(b.data + prop + 12, 3);
    ck_assert_ok(fdt_check(b.data, b.bytes));
    struct fdt_range ram[1];
    int count;
    ck_assert_err(fdt_memory(b.data, ram, 1, &count), SYS_ERR_FDT_BAD_PROPERTY);
}
END_TEST

Suite *fdt_suite(void)
{
    Suite *s = suite_create("device tree");
    TCase *good = tcase_create("dtc blobs");
    tcase_add_test(good, the_virt_board_has_its_ram_and_uart);
    tcase_add_test(good, memory_in_several_nodes_and_ranges_with_32_bit_cells);
    tcase_add_test(good, a_bus_with_its_own_cells_and_missing_nodes);
    suite_add_tcase(s, good);
    TCase *bad = tcase_create("broken blobs");
    tcase_add_test(bad, refuses_short_and_foreign_blobs);
    tcase_add_test(bad, refuses_blocks_outside_the_blob);
    tcase_add_test(bad, refuses_malformed_structure);
    tcase_add_test(bad, refuses_properties_and_names_that_run_past_their_blocks);
    tcase_add_test(bad, refuses_cells_it_cannot_read);
    suite_add_tcase(s, bad);
    return s;
}
