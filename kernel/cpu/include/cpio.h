/* A reader for cpio "newc" archives (the ARMv7 boot image): one entry at a time, never past the
 * end. */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <caps/captypes.h>
#include <errors/errno.h>
#include <stdbool.h>
#include <stddef.h>

#define CPIO_HEADER_BYTES 110
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REGULAR 0100000u

/* One entry: its name and its file bytes, as offsets into the archive. */
struct cpio_entry {
    const char *name;  /* NUL-terminated, inside the archive */
    size_t name_bytes; /* without the NUL */
    uint32_t mode;
    uint64_t data_offset; /* from the archive's start; meaningful when data_bytes > 0 */
    uint64_t data_bytes;
    bool trailer; /* the "TRAILER!!!" entry that ends the archive */
};

/*
 * Reads the entry at *pos of the archive's first bytes bytes and moves *pos
 * to the next one. Every size and offset in the archive is hostile: nothing
 * outside [archive, archive + bytes) is read. Errors: SYS_ERR_CPIO_TRUNCATED
 * (a header or name past the end), _BAD_MAGIC, _BAD_FIELD, _BAD_NAME (empty,
 * or a NUL anywhere but last), _FILE_PAST_END.
 */
errval_t cpio_next(const uint8_t *archive, size_t bytes, uint64_t *pos, struct cpio_entry *ret);

#endif
