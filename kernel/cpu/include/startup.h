/* Domain start-up: the init domain's CSpace, built the same way on every platform. */
#ifndef KERNEL_STARTUP_H
#define KERNEL_STARTUP_H

#include <dispatch.h>
#include <init_cspace.h>

/* The kernel-created CNodes of init: the root and one L2 CNode per ROOTCN_SLOT_*. */
#define INIT_L2_CNODES 6
#define INIT_CSPACE_BYTES                                                                          \
    ((gensize_t)INIT_ROOTCN_SLOTS * CTE_BYTES + INIT_L2_CNODES * L2_CNODE_BYTES)

/*
 * Builds init's CSpace (include/init_cspace.h) in the INIT_CSPACE_BYTES of
 * physical memory at base (BASE_PAGE_BYTES aligned), which the platform
 * keeps out of every RAM capability it hands out.
 */
void startup_init_cspace(struct dcb *init, genpaddr_t base);

/*
 * Hands init a capability of type (RAM or PhysAddr) for [base, base + bytes)
 * in the next free slot of the L2 CNode at l1_slot (ROOTCN_SLOT_SUPERCN or
 * ROOTCN_SLOT_PHYSADDRCN). Fails with SYS_ERR_SLOT_OUT_OF_RANGE when full.
 */
errval_t startup_hand_memory(struct dcb *init, cslot_t l1_slot, enum objtype type, genpaddr_t base,
                             gensize_t bytes);

#endif
