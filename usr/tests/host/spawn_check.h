/* The suites of spawn_check: the boot image (cpio, boot modules, bootinfo) and libspawn. */
#ifndef HOST_SPAWN_CHECK_H
#define HOST_SPAWN_CHECK_H

#include "fixture.h"
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

#define MODE_FILE 0100644u
#define MODE_DIR 0040755u

Suite *cpio_suite(void);
Suite *bootmods_suite(void);

#endif
