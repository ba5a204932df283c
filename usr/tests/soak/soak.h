/* The booted soak: seeded random pmap and libcap operations on the domain's own address space. */
#ifndef SOAK_DOMAIN_H
#define SOAK_DOMAIN_H

#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdbool.h>
#include <stdint.h>

extern struct pmap self_pmap;

/* One-page runs of a phase's scatter: enough mapping nodes for well over the slack of metadata
 * blocks of doc/pmap.md "Shrinking" (about 1,000 nodes a block), so that trimming has work. */
#define SOAK_SCATTER_RUNS 12000

/* One phase of ops operations from seed; NULL when every check held, else what failed. */
const char *soak_phase(uint64_t seed, unsigned ops);

/* What the phase did, for its verdict line. */
struct soak_tally {
    unsigned maps, unmaps, modifies, frees, slot_ops, pages_checked, scatters;
    size_t peak_meta_blocks; /* the most metadata blocks the pmap held, seen after a scatter */
};
extern struct soak_tally soak_tally;

/* Gives back every region and slot the phase still holds (also after a failure). */
const char *soak_release_all(void);

#endif
