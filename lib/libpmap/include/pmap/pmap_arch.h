/* The page-table layout a pmap follows; each lib/libpmap/arch/<arch> folder provides one. */
#ifndef PMAP_PMAP_ARCH_H
#define PMAP_PMAP_ARCH_H

#include <caps/capaddr.h>
#include <caps/captypes.h>

#define PMAP_MAX_LEVELS 4

typedef uint64_t genvaddr_t;

/*
 * Level 0 is the root. span_bytes[l] is what one entry of a level-l table
 * maps, 1 << span_shift[l]; entries[l] is a power of two too, so that slots
 * and counts take shifts and masks, never a 64-bit division (a library call
 * of about 150 instructions on ARMv7). Frames may be mapped at level l when
 * frame_level[l] is set (the last level always; larger levels give large
 * pages).
 */
struct pmap_layout {
    int levels;
    enum objtype table_type[PMAP_MAX_LEVELS];
    cslot_t entries[PMAP_MAX_LEVELS];
    gensize_t span_bytes[PMAP_MAX_LEVELS];
    uint8_t span_shift[PMAP_MAX_LEVELS];
    bool frame_level[PMAP_MAX_LEVELS];
    genvaddr_t user_min; /* lowest address a pmap hands out or maps */
    genvaddr_t user_end; /* the kernel's half starts here */
    genvaddr_t meta_base_default;
    gensize_t meta_window_default;
};

const struct pmap_layout *pmap_arch_layout(void);

#endif
