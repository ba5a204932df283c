/* Mapping flags: what a domain asks a mapping to allow, the same on every architecture. */
#ifndef PAGING_FLAGS_H
#define PAGING_FLAGS_H

#include <stdint.h>

/* READ is required: no format here can express a mapping that cannot be read. */
#define VREGION_FLAGS_READ (1u << 0)
#define VREGION_FLAGS_WRITE (1u << 1)
#define VREGION_FLAGS_EXECUTE (1u << 2)
#define VREGION_FLAGS_NOCACHE (1u << 3) /* device memory: uncached, strongly ordered */
#define VREGION_FLAGS_MASK                                                                         \
    (VREGION_FLAGS_READ | VREGION_FLAGS_WRITE | VREGION_FLAGS_EXECUTE | VREGION_FLAGS_NOCACHE)
#define VREGION_FLAGS_READ_WRITE (VREGION_FLAGS_READ | VREGION_FLAGS_WRITE)

/*
 * Library only (libpmap): use large pages where the address, frame and
 * size allow. The kernel refuses it: it is never part of VREGION_FLAGS_MASK.
 */
#define VREGION_FLAGS_LARGE (1u << 8)

typedef uint32_t vregion_flags_t;

/*
 * Writes flags as the kernel's dumps show rights, the same on every architecture: "rwx" with
 * '-' for a right missing, then " large" and " nocache" when set, and " +0x..." for bits no
 * flag names ("r-x large"). At most bytes - 1 characters and a NUL; returns buf. (libabi)
 */
char *vregion_flags_format(vregion_flags_t flags, char *buf, unsigned bytes);

#endif
