/* The soak: phases of seeded random pmap and libcap operations, each back to the baseline. */
#ifndef HOST_TEST_SOAK_H
#define HOST_TEST_SOAK_H

#include "pmap_model.h"

/* What a phase does besides the random operations: nothing, or run short of RAM or slots. */
enum soak_kind { SOAK_WIDE, SOAK_DENSE, SOAK_RAM_STARVED, SOAK_SLOT_STARVED, SOAK_KINDS };

/* Takes away what kind starves (again, after frees); soak_feed gives all of it back. */
void soak_starve(enum soak_kind kind);
void soak_feed(void);
/* What the soak itself holds taken away: left out of the peaks. */
void soak_hoarded(gensize_t *ram_bytes, size_t *slot_count);

/* Did err come from running out of RAM or slots (the innermost code of its chain)? */
bool soak_is_starved(errval_t err);
/* If err ran out, gives one piece back and returns true (the caller retries); else false. */
bool soak_give_back(errval_t err);
/* Routes pmap failures of do_map/do_unmap/do_modify through the oracle and soak_give_back. */
void soak_hook(bool on);
extern size_t soak_starved_failures;

Suite *soak_suite(void);

#endif
