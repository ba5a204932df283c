/* caprefs: how a domain names a slot of its CSpace, for invoking it or filling it. */
#ifndef LIBCAP_CAPREF_H
#define LIBCAP_CAPREF_H

#include <caps/capaddr.h>
#include <init_cspace.h>
#include <stdbool.h>

/*
 * A CNode as a destination. address names the capability of the CNode
 * (the argument retype and copy take); l1_index says where its slots are
 * reachable: an L2 CNode installed at that L1 index, or CNODEREF_ROOT for
 * the root CNode itself, whose slots are named by level-1 addresses.
 */
struct cnoderef {
    capaddr_t address;
    uint32_t l1_index;
};

#define CNODEREF_ROOT UINT32_MAX

struct capref {
    struct cnoderef cnode;
    cslot_t slot;
};

/* The root CNode, and an L2 CNode installed at an L1 index of it. */
static inline struct cnoderef cnode_root(void)
{
    return (struct cnoderef){.address = CAPADDR_ROOTCN, .l1_index = CNODEREF_ROOT};
}

static inline struct cnoderef cnode_at_l1(uint32_t l1_index)
{
    return (struct cnoderef){.address = capaddr_l1_slot(l1_index), .l1_index = l1_index};
}

/* The capability address that invokes the slot. */
static inline capaddr_t get_cap_addr(struct capref cap)
{
    return cap.cnode.l1_index == CNODEREF_ROOT ? capaddr_l1_slot(cap.slot)
                                               : capaddr_make(cap.cnode.l1_index, cap.slot);
}

/* The capref get_cap_addr(addr) came from, with the cnoderef cnode_root or cnode_at_l1 give: a
   capability address is enough to keep a capref in (libpmap's runs keep four bytes). */
static inline struct capref capref_from_addr(capaddr_t addr)
{
    if (addr & CAPADDR_LEVEL1) {
        return (struct capref){.cnode = cnode_root(), .slot = capaddr_l1_index(addr)};
    }
    return (struct capref){.cnode = cnode_at_l1(capaddr_l1_index(addr)),
                           .slot = capaddr_l2_slot(addr)};
}

static inline bool capref_is_null(struct capref cap)
{
    return cap.cnode.address == 0 && cap.cnode.l1_index == 0 && cap.slot == 0;
}

static inline bool capref_equal(struct capref a, struct capref b)
{
    return a.cnode.address == b.cnode.address && a.cnode.l1_index == b.cnode.l1_index &&
           a.slot == b.slot;
}

#define NULL_CAP ((struct capref){{0, 0}, 0})

/* Well-known capabilities of init (include/init_cspace.h). */
static inline struct capref cap_ram_boot(cslot_t index)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_SUPERCN), .slot = index};
}

#endif
