/* Mapping flags as text: the rights as the kernel's dumps show them, then the named extras. */
#include <format.h>
#include <paging_flags.h>

char *vregion_flags_format(vregion_flags_t flags, char *buf, unsigned bytes)
{
    vregion_flags_t known = VREGION_FLAGS_MASK | VREGION_FLAGS_LARGE;
    int length = format_snprintf(buf, bytes, "%c%c%c%s%s", (flags & VREGION_FLAGS_READ) ? 'r' : '-',
                                 (flags & VREGION_FLAGS_WRITE) ? 'w' : '-',
                                 (flags & VREGION_FLAGS_EXECUTE) ? 'x' : '-',
                                 (flags & VREGION_FLAGS_LARGE) ? " large" : "",
                                 (flags & VREGION_FLAGS_NOCACHE) ? " nocache" : "");
    unsigned used = (unsigned)length < bytes ? (unsigned)length : bytes - 1; /* what fitted */
    if ((flags & ~known) != 0 && bytes > 0) {
        format_snprintf(buf + used, bytes - used, " +0x%x", (unsigned)(flags & ~known));
    }
    return buf;
}
