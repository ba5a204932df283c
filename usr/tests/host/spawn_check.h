/* The suites of spawn_check: the boot image (cpio, boot modules, bootinfo) and libspawn. */
#ifndef HOST_SPAWN_CHECK_H
#define HOST_SPAWN_CHECK_H

#include "pmap_fixture.h"
#include <spawn/spawn.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A cpio newc archive built in memory: put_file and put_raw_header append,
 * archive_copy hands the bytes out in a heap block of exactly their length
 * (so that the sanitizer builds see any read past its end).
 */
struct test_archive {
    uint8_t bytes[16384];
    size_t len;
};

/* A header with these fields (namesize includes the NUL), then name and data, each padded. */
void put_raw_header(struct test_archive *a, const char *magic, uint32_t mode, uint32_t filesize,
                    uint32_t namesize);
void put_file(struct test_archive *a, const char *name, uint32_t mode, const void *data,
              uint32_t size);
void put_trailer(struct test_archive *a);
uint8_t *archive_copy(const struct test_archive *a, size_t len);

/* An ELF image of this machine's class, built in memory (test_spawn_elf.c). */
struct test_seg {
    uint32_t type;
    uint64_t vaddr, filesz, memsz;
    uint32_t flags;
};

struct test_elf {
    uint8_t bytes[64 * 1024];
    size_t len;
    uint64_t offset[32]; /* where each segment's file bytes start */
};

/* Writes headers for segs (file bytes elf_file_byte(i, b)) into e; the entry is entry. */
void build_elf(struct test_elf *e, const struct test_seg *segs, int n, uint64_t entry);
uint8_t elf_file_byte(int seg, uint64_t i);
uint64_t elf_phdr_at(int i);

/* Text, data and bss, a note, and read-only data that crosses a leaf table's border. */
#define GOOD_SEGS 4
extern const struct test_seg good_segs[GOOD_SEGS];
#define GOOD_ENTRY (DOMAIN_IMAGE_BASE + 0x10)

#define MODE_FILE 0100644u
#define MODE_DIR 0040755u

/* What a parent holds (test_spawn_load.c): each count must come back after spawn_free. */
struct parent_counts {
    struct resource_counts r;
    size_t l1_lent;
    size_t pmap_tables, pmap_mappings;
};
void parent_counts_take(struct parent_counts *c);
void parent_counts_assert_same(const struct parent_counts *a, const struct parent_counts *b);

/*
 * The libspawn suites' fixture: a machine whose boot image holds "child" (good_segs) and a few
 * bad images, after one spawn and free; spawn_before holds the parent's counts then.
 */
void spawn_boot(void);
extern struct parent_counts spawn_before;

Suite *cpio_suite(void);
Suite *bootmods_suite(void);
Suite *slot_redirect_suite(void);
Suite *spawn_elf_suite(void);
Suite *spawn_load_suite(void);
Suite *spawn_hostile_suite(void);

#endif
