/* The slot allocator: free slots of the domain's CSpace, refilled with new L2 CNodes. */
#ifndef LIBCAP_SLOT_ALLOC_H
#define LIBCAP_SLOT_ALLOC_H

#include <errors/errno.h>
#include <libcap/capref.h>
#include <stddef.h>

/*
 * Starts from init's empty SLOT_ALLOC0 CNode. When every slot is taken it
 * retypes 32 KiB of RAM straight into a new L2 CNode at the next free L1
 * slot of the root: getting slots never needs a slot. Call after
 * ram_alloc_init.
 */
void slot_alloc_init(void);

/* A free slot. Errors: LIB_ERR_SLOT_ALLOC over LIB_ERR_SLOT_ALLOC_NO_SPACE (no L1
 * slot left) or LIB_ERR_SLOT_ALLOC_REFILL (no RAM for the CNode). */
errval_t slot_alloc(struct capref *ret);

/* Returns an (emptied) slot; LIB_ERR_SLOT_FREE if it was not handed out. */
errval_t slot_free(struct capref cap);

/* Slots handed out and not returned. */
size_t slot_alloc_used(void);

/* L2 CNodes the allocator holds (init's SLOT_ALLOC0 included). */
size_t slot_alloc_cnodes(void);

/* For tests: use no L1 slot at or above l1_end for new CNodes. */
void slot_alloc_limit_l1(uint32_t l1_end);

#endif
