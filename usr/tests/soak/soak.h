/* The booted soak: seeded random pmap and libcap operations on the domain's own address space. */
#ifndef SOAK_DOMAIN_H
#define SOAK_DOMAIN_H

#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdbool.h>
#include <stdint.h>

extern struct pmap self_pmap;

/* One phase of ops operations from seed; NULL when every check held, else what failed. */
const char *soak_phase(uint64_t seed, unsigned ops);

/* What the phase did, for its verdict line. */
struct soak_tally {
    unsigned maps, unmaps, modifies, frees, slot_ops, pages_checked;
};
extern struct soak_tally soak_tally;

/* Gives back every region and slot the phase still holds (also after a failure). */
const char *soak_release_all(void);

#endif
