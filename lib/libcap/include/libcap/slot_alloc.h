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

/*
 * count (1 to 32) consecutive free slots of one CNode, from *first on, for a retype that makes
 * several objects at once; each is given back with slot_free on its own. A run of more than one
 * starts at a multiple of 32 (a word of the allocator's bitmap), so a CNode whose words each
 * have a slot taken there gives none: a new CNode is installed instead. Errors:
 * LIB_ERR_SLOT_ALLOC over LIB_ERR_SLOT_RUN (count out of range, or redirected) or slot_alloc's.
 */
errval_t slot_alloc_run(size_t count, struct capref *first);

/* Returns an (emptied) slot; LIB_ERR_SLOT_FREE if it was not handed out. */
errval_t slot_free(struct capref cap);

/* Slots handed out and not returned. */
size_t slot_alloc_used(void);

/* L2 CNodes the allocator holds (init's SLOT_ALLOC0 included). */
size_t slot_alloc_cnodes(void);

/* For tests: use no L1 slot at or above l1_end for new CNodes. */
void slot_alloc_limit_l1(uint32_t l1_end);

/*
 * An empty L1 slot of the root for an L2 CNode the caller makes and fills
 * itself (libspawn: a child's CNodes, reachable through the parent's root
 * while it builds them); the allocator leaves it alone until slot_free_l1.
 * Errors: LIB_ERR_SLOT_ALLOC_NO_SPACE.
 */
errval_t slot_alloc_l1(uint32_t *ret);

/* Takes back an L1 slot of slot_alloc_l1, emptied; LIB_ERR_SLOT_FREE if it was not lent. */
errval_t slot_free_l1(uint32_t l1);

/* L1 slots lent by slot_alloc_l1 and not given back. */
size_t slot_alloc_l1_lent(void);

/*
 * Redirection: while r is set, slot_alloc hands out the slots of the L2
 * CNode at L1 slot r->l1 (one of slot_alloc_l1's), lowest free first, so that
 * whatever libcap and libpmap make lands there in the order they make it
 * (libspawn fills a child's PAGECN this way); slot_free of a slot there
 * returns it to r, and other slots go to the allocator as usual. r->used
 * (the caller's memory) says which slots are taken; it starts zeroed, or as a
 * previous redirection left it. Returns the redirection it replaces (NULL:
 * none), so that a caller can suspend it around work for itself.
 * slot_alloc errors while redirected: LIB_ERR_SLOT_ALLOC over
 * LIB_ERR_SLOT_REDIRECT_FULL.
 */
struct slot_redirect {
    uint32_t l1;
    uint32_t used[L2_CNODE_SLOTS / 32];
};
struct slot_redirect *slot_alloc_redirect(struct slot_redirect *r);

#endif
