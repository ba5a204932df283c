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
    const uint8_t *value;
    uint32_t length;
    ck_assert_err(fdt_chosen(b.data, "rng-seed", &value, &length), SYS_ERR_FDT_BAD_STRUCTURE);
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

/* Header fields by byte offset (devicetree specification, 5.2). */
#define H_TOTAL 4
#define H_OFF_STRUCT 8
#define H_OFF_STRINGS 12
#define H_OFF_RSVMAP 16
#define H_LAST_COMP 24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT 36

/*
 * Runs every reader call on a copy of the first bytes of b in a buffer of
 * exactly that size, so that AddressSanitizer sees any read past its end.
 * Returns what fdt_check said, or the first failure of the lookups after it.
 */
static errval_t read_exactly(const uint8_t *data, size_t bytes)
{
    uint8_t *copy = malloc(bytes > 0 ? bytes : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, bytes);
    errval_t err = fdt_check(copy, bytes);
    if (err_is_ok(err)) {
        struct fdt_range ranges[4];
        int count;
        const uint8_t *value;
        uint32_t length;
        errval_t errs[] = {fdt_memory(copy, ranges, 4, &count),
                           fdt_device(copy, "arm,pl011", ranges),
                           fdt_chosen(copy, "rng-seed", &value, &length)};
        for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
            if (err_is_fail(errs[i]) && err_no(errs[i]) != SYS_ERR_FDT_NOT_FOUND) {
                err = errs[i];
                break;
            }
        }
    }
    free(copy);
    return err;
}

START_TEST(refuses_a_node_that_begins_at_the_end_of_the_structure_block)
{
    struct blob b;
    load("virt", &b);
    /* Only the root's BEGIN_NODE token is left, and the blob ends right after it. */
    uint32_t end = get_be32(b.data + H_OFF_STRUCT) + 4;
    put_be32(b.data + H_SIZE_STRUCT, 4);
    put_be32(b.data + H_OFF_STRINGS, end);
    put_be32(b.data + H_SIZE_STRINGS, 0);
    put_be32(b.data + H_TOTAL, end);
    ck_assert_err(read_exactly(b.data, end), SYS_ERR_FDT_BAD_STRING);
}
END_TEST

START_TEST(refuses_a_structure_block_of_partial_tokens)
{
    struct blob b;
    load("virt", &b);
    /* The root's empty name ends the block: its padding would reach past it. */
    put_be32(b.data + H_SIZE_STRUCT, 5);
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
    load("virt", &b);
    put_be32(b.data + H_SIZE_STRUCT, get_be32(b.data + H_SIZE_STRUCT) - 1);
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
}
END_TEST

START_TEST(refuses_blocks_that_overlap)
{
    struct blob b;
    load("virt", &b);
    put_be32(b.data + H_OFF_STRINGS, get_be32(b.data + H_OFF_STRUCT)); /* strings in structure */
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    /* The structure block starts inside the reservation map's terminator. */
    put_be32(b.data + H_OFF_RSVMAP, get_be32(b.data + H_OFF_STRUCT) - 8);
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
}
END_TEST

START_TEST(refuses_a_reservation_map_outside_the_blob_or_unterminated)
{
    struct blob b;
    load("virt", &b);
    put_be32(b.data + H_OFF_RSVMAP, 44); /* not 8-byte aligned */
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    put_be32(b.data + H_OFF_RSVMAP, (uint32_t)b.bytes); /* no room for the terminator */
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    put_be32(b.data + H_OFF_RSVMAP, 0); /* over the header */
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
    load("virt", &b);
    /* An entry where the terminator was: the map now runs into the structure block. */
    uint32_t map = get_be32(b.data + H_OFF_RSVMAP);
    b.data[map + 7] = 1;
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_OFFSETS);
}
END_TEST

START_TEST(refuses_a_format_newer_than_it_reads)
{
    struct blob b;
    load("virt", &b);
    put_be32(b.data + H_LAST_COMP, 18); /* readable only by a version-18 reader */
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_VERSION);
}
END_TEST

START_TEST(nesting_is_bounded)
{
    struct blob b;
    load("deep16", &b);
    ck_assert_ok(read_exactly(b.data, b.bytes));
    load("deep17", &b);
    ck_assert_err(read_exactly(b.data, b.bytes), SYS_ERR_FDT_BAD_STRUCTURE);
}
END_TEST

START_TEST(chosen_properties_are_found)
{
    struct blob b;
    load("virt", &b);
    const uint8_t *value;
    uint32_t length;
    ck_assert_ok(fdt_chosen(b.data, "rng-seed", &value, &length));
    ck_assert_uint_eq(length, 16);
    ck_assert_uint_eq(get_be32(value), 0x01234567);
    ck_assert_uint_eq(get_be32(value + 12), 0x76543210);
    ck_assert_ok(fdt_chosen(b.data, "kaslr-seed", &value, &length));
    ck_assert_uint_eq(length, 8);
    ck_assert_uint_eq(get_be32(value + 4), 0x22222222);
    ck_assert_err(fdt_chosen(b.data, "no-such-property", &value, &length), SYS_ERR_FDT_NOT_FOUND);
    load("two-banks", &b);
    ck_assert_err(fdt_chosen(b.data, "rng-seed", &value, &length), SYS_ERR_FDT_NOT_FOUND);
}
END_TEST

/* ---- Seeded mutations of the dtc blobs: read or refused, never read outside ---- */

#define FUZZ_DEFAULT_SEED 20240601u
#define FUZZ_MUTANTS_PER_BLOB 8000
#define FUZZ_MAX_MUTATIONS 4

static uint64_t fuzz_state;

/* xorshift64*: a small generator whose sequence depends only on the seed. */
static uint32_t fuzz_next(void)
{
    fuzz_state ^= fuzz_state >> 12;
    fuzz_state ^= fuzz_state << 25;
    fuzz_state ^= fuzz_state >> 27;
    return (uint32_t)((fuzz_state * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t fuzz_below(uint32_t n)
{
    return n == 0 ? 0 : fuzz_next() % n;
}

/* A value a header field or a token might be changed to: edges more often than not. */
static uint32_t fuzz_value(uint32_t bytes)
{
    const uint32_t edges[] = {0,           1,           2,           3,          4,
                              8,           9,           16,          17,         40,
                              bytes - 4,   bytes - 1,   bytes,       bytes + 1,  bytes + 4,
                              0x7fffffffu, 0x80000000u, 0xfffffffcu, 0xffffffffu};
    uint32_t pick = fuzz_below(sizeof(edges) / sizeof(edges[0]) + 2);
    return pick < sizeof(edges) / sizeof(edges[0]) ? edges[pick] : fuzz_next();
}

/* One random change to the blob; *bytes may shrink. */
static void fuzz_mutate(uint8_t *data, size_t *bytes)
{
    uint32_t at = fuzz_below((uint32_t)*bytes);
    switch (fuzz_below(6)) {
    case 0:
        data[at] ^= (uint8_t)(1u << fuzz_below(8));
        break;
    case 1:
        data[at] = (uint8_t)fuzz_next();
        break;
    case 2:
        *bytes = fuzz_below((uint32_t)*bytes) + 1; /* truncated */
        break;
    case 3:
        if (*bytes >= 40) {
            put_be32(data + 4 + 4 * fuzz_below(9), fuzz_value((uint32_t)*bytes));
        }
        break;
    default: /* a word of the body: tokens, lengths and name offsets live at 4-byte offsets */
        if (*bytes >= 44) {
            put_be32(data + 40 + 4 * fuzz_below((uint32_t)(*bytes - 40) / 4),
                     fuzz_below(2) ? fuzz_below(10) : fuzz_value((uint32_t)*bytes));
        }
        break;
    }
}

static uint64_t fuzz_seed(void)
{
    const char *text = getenv("FDT_FUZZ_SEED");
    return text != NULL && *text != '\0' ? strtoull(text, NULL, 0) : FUZZ_DEFAULT_SEED;
}

START_TEST(mutated_blobs_are_read_or_refused_within_their_bytes)
{
    static const char *const names[] = {"virt", "two-banks", "nested", "deep16"};
    uint64_t seed = fuzz_seed();
    printf("fdt fuzz: seed %llu (FDT_FUZZ_SEED), %d mutants per blob\n", (unsigned long long)seed,
           FUZZ_MUTANTS_PER_BLOB);
    fflush(stdout);
    fuzz_state = seed * 2 + 1; /* never zero */
    static struct blob original, mutant;
    for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        load(names[n], &original);
        for (int i = 0; i < FUZZ_MUTANTS_PER_BLOB; i++) {
            memcpy(mutant.data, original.data, original.bytes);
            mutant.bytes = original.bytes;
            for (uint32_t m = fuzz_below(FUZZ_MAX_MUTATIONS) + 1; m > 0; m--) {
                fuzz_mutate(mutant.data, &mutant.bytes);
            }
            errval_t err = read_exactly(mutant.data, mutant.bytes);
            ck_assert_msg(err_is_ok(err) || (err_no(err) >= SYS_ERR_FDT_TRUNCATED &&
                                             err_no(err) <= SYS_ERR_FDT_NOT_FOUND),
                          "seed %llu, %s mutant %d: %s", (unsigned long long)seed, names[n], i,
                          err_getcode(err));
        }
    }
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
    tcase_add_test(bad, refuses_a_node_that_begins_at_the_end_of_the_structure_block);
    tcase_add_test(bad, refuses_a_structure_block_of_partial_tokens);
    tcase_add_test(bad, refuses_blocks_that_overlap);
    tcase_add_test(bad, refuses_a_reservation_map_outside_the_blob_or_unterminated);
    tcase_add_test(bad, refuses_a_format_newer_than_it_reads);
    tcase_add_test(bad, nesting_is_bounded);
    suite_add_tcase(s, bad);
    TCase *lookups = tcase_create("lookups");
    tcase_add_test(lookups, chosen_properties_are_found);
    suite_add_tcase(s, lookups);
    TCase *fuzz = tcase_create("mutations");
    tcase_add_test(fuzz, mutated_blobs_are_read_or_refused_within_their_bytes);
    suite_add_tcase(s, fuzz);
    return s;
}
