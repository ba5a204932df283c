/* Resolving capability addresses through a two-level CSpace. */
#ifndef KERNEL_CSPACE_H
#define KERNEL_CSPACE_H

#include <capabilities.h>

/*
 * Each lookup starts at root, an L1 CNode capability, and takes the raw
 * argument word so that bits beyond a capaddr_t are refused, not truncated.
 * Address 0 is the null capability and names no slot. Errors:
 * SYS_ERR_CAPADDR_NULL, SYS_ERR_CAPADDR_RESERVED_BITS, SYS_ERR_L1_INDEX_OUT_OF_RANGE,
 * SYS_ERR_L1_SLOT_EMPTY, SYS_ERR_L1_SLOT_NOT_CNODE.
 */
errval_t cspace_lookup_slot(const struct capability *root, uint64_t addr, struct cte **ret);

/* May the slot at addr (found by cspace_lookup_slot) be written: is the CNode holding it? */
bool cspace_slot_writable(const struct capability *root, uint64_t addr);

/* As cspace_lookup_slot, and the slot must hold a capability (else SYS_ERR_CAP_NOT_FOUND). */
errval_t cspace_lookup_cap(const struct capability *root, uint64_t addr, struct cte **ret);

/*
 * As cspace_lookup_cap, for a slot the caller will empty: the CNode that
 * holds it (the root, or the L2 CNode at its L1 index) must have the write
 * right, else SYS_ERR_CNODE_NOT_WRITABLE.
 */
errval_t cspace_lookup_writable(const struct capability *root, uint64_t addr, struct cte **ret);

/* As cspace_lookup_cap, and the capability must be a CNode (else SYS_ERR_NOT_A_CNODE). */
errval_t cspace_lookup_cnode(const struct capability *root, uint64_t addr, struct cte **ret);

/*
 * The slots [first, first + count) of a CNode, all empty, to be filled: the
 * CNode capability needs the write right. Errors: SYS_ERR_CNODE_NOT_WRITABLE,
 * SYS_ERR_SLOT_OUT_OF_RANGE, SYS_ERR_SLOT_IN_USE.
 */
errval_t cspace_empty_slots(const struct capability *cnode, uint64_t first, uint64_t count,
                            struct cte **ret);

#endif
