/* A small reader for flattened device trees: checks a blob, then finds memory and devices in it. */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <caps/captypes.h>
#include <errors/errno.h>
#include <stddef.h>

/*
 * Checks everything the other calls rely on: magic, version, that the
 * header's blocks lie inside bytes, that every token, name and property of
 * the structure block is well formed and inside it, and that nodes nest.
 * Every offset and length in the blob is treated as hostile: the other calls
 * read nothing outside [blob, blob + bytes) once this has succeeded.
 * Errors: SYS_ERR_FDT_TRUNCATED, _BAD_MAGIC, _BAD_VERSION, _BAD_OFFSETS,
 * _BAD_STRUCTURE, _BAD_STRING, _BAD_PROPERTY.
 */
errval_t fdt_check(const void *blob, size_t bytes);

/* The size the blob's header declares (after fdt_check: valid). */
size_t fdt_total_bytes(const void *blob);

struct fdt_range {
    genpaddr_t base;
    gensize_t bytes;
};

/*
 * The first up to max (base, size) pairs of the reg property of every node
 * whose device_type is "memory", read with the root's #address-cells and
 * #size-cells. *count gets how many. Errors: SYS_ERR_FDT_NOT_FOUND (no
 * memory node), SYS_ERR_FDT_BAD_PROPERTY (cells other than 1 or 2, or a reg
 * that is not a whole number of pairs).
 */
errval_t fdt_memory(const void *blob, struct fdt_range *ranges, int max, int *count);

/* The first reg range of the first node whose compatible list contains compatible. */
errval_t fdt_device(const void *blob, const char *compatible, struct fdt_range *ret);

/* The first up to max reg ranges of that node (a GIC: distributor, CPU interface); *count. */
errval_t fdt_device_ranges(const void *blob, const char *compatible, struct fdt_range *ranges,
                           int max, int *count);

/*
 * The value of property in the root's "chosen" node: *value points into the
 * blob, *length is its size. Errors: SYS_ERR_FDT_NOT_FOUND (no such node or
 * property), or the walk's errors.
 */
errval_t fdt_chosen(const void *blob, const char *property, const uint8_t **value,
                    uint32_t *length);

#endif
