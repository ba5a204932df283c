/* Checking a domain's ELF image before anything of it is loaded: every field treated as hostile. */
#ifndef SPAWN_ELF_IMAGE_H
#define SPAWN_ELF_IMAGE_H

#include <errors/errno.h>
#include <paging_flags.h>
#include <pmap/pmap_arch.h>
#include <stddef.h>

/* A loadable segment: the file's bytes [offset, + filesz) go to [vaddr, + filesz), zeroes after. */
struct spawn_segment {
    genvaddr_t vaddr;
    gensize_t memsz;
    gensize_t filesz;
    uint64_t offset;
    vregion_flags_t flags; /* VREGION_FLAGS_READ, with WRITE and EXECUTE as the segment says */
};

#define SPAWN_PHDRS_MAX 64    /* program headers read at most */
#define SPAWN_SEGMENTS_MAX 16 /* loadable segments kept */

struct spawn_elf {
    genvaddr_t entry;
    int count;
    struct spawn_segment segment[SPAWN_SEGMENTS_MAX];
};

/*
 * Where a child's image may lie: above the first page (no segment at the
 * null page), below its stack (include/arch/<arch>/domain_layout.h), and so
 * below DOMAIN_PMAP_VADDR_MIN, where the child's own pmap starts.
 */
genvaddr_t spawn_image_min(void);
genvaddr_t spawn_image_end(void);

/*
 * Checks the ELF file of bytes at image as a domain of this machine
 * (DOMAIN_ELF_CLASS and DOMAIN_ELF_MACHINE: 64-bit x86-64 or 32-bit ARM)
 * and lists its loadable segments (those with memory bytes) into *ret. It
 * reads nothing outside [image, image + bytes). Errors, in the order they are
 * checked: LIB_ERR_SPAWN_ELF_TRUNCATED (shorter than the identification, or
 * than the header), _MAGIC, _CLASS, _ENCODING (not little-endian ELF version
 * 1), _TYPE (not ET_EXEC), _MACHINE, _PHDRS (entry size not this class's, no
 * entry, more than SPAWN_PHDRS_MAX or SPAWN_SEGMENTS_MAX loadable, or the
 * table past the end), then segment by segment _SEGMENT_FILE (file bytes
 * past the end or beyond its memory size), _SEGMENT_RANGE (outside
 * [spawn_image_min(), spawn_image_end()), or wrapping around) and
 * _SEGMENT_OVERLAP (it shares a page with an earlier one), and at the end
 * _NO_SEGMENTS and _ENTRY (the entry lies in no executable segment).
 */
errval_t spawn_elf_check(const void *image, size_t bytes, struct spawn_elf *ret);

#endif
