/* Capability addresses: how a domain names a slot of its two-level CSpace. */
#ifndef CAPS_CAPADDR_H
#define CAPS_CAPADDR_H

#include <caps/captypes.h>
#include <stdint.h>

/*
 * A capaddr_t names a slot through the caller's root (L1) CNode:
 *   bit 31      CAPADDR_LEVEL1: name the L1 slot itself (the L2 CNode cap installed there)
 *   bits 30..8  index into the L1 CNode
 *   bits  7..0  slot in the L2 CNode found at that index (zero with CAPADDR_LEVEL1)
 */
typedef uint32_t capaddr_t;
typedef uint32_t cslot_t;

#define CAPADDR_L2_BITS L2_CNODE_BITS
#define CAPADDR_L1_BITS 23
#define CAPADDR_L1_MAX ((UINT32_C(1) << CAPADDR_L1_BITS) - 1)
#define CAPADDR_LEVEL1 (UINT32_C(1) << 31)

static inline capaddr_t capaddr_make(uint32_t l1_index, cslot_t l2_slot)
{
    return (l1_index << CAPADDR_L2_BITS) | (l2_slot & (L2_CNODE_SLOTS - 1));
}

/* The address of the L1 slot itself, for installing or removing an L2 CNode. */
static inline capaddr_t capaddr_l1_slot(uint32_t l1_index)
{
    return CAPADDR_LEVEL1 | (l1_index << CAPADDR_L2_BITS);
}

static inline uint32_t capaddr_l1_index(capaddr_t addr)
{
    return (addr & ~CAPADDR_LEVEL1) >> CAPADDR_L2_BITS;
}

static inline cslot_t capaddr_l2_slot(capaddr_t addr)
{
    return addr & (L2_CNODE_SLOTS - 1);
}

#endif
