/* Resolves capability addresses: L1 index, then the L2 CNode's slot. */
#include <cspace.h>
#include <phys_mem.h>

struct cte *cnode_slots(const struct capability *cnode)
{
    return (struct cte *)phys_to_kernel_ptr(cnode->base);
}

cslot_t cnode_slot_count(const struct capability *cnode)
{
    return (cslot_t)(cnode->bytes / CTE_BYTES);
}

errval_t cspace_lookup_slot(const struct capability *root, uint64_t addr, struct cte **ret)
{
    if (addr == 0) {
        return SYS_ERR_CAPADDR_NULL; /* an unset capref must never reach a real slot */
    }
    if (addr > UINT32_MAX) {
        return SYS_ERR_CAPADDR_RESERVED_BITS;
    }
    uint32_t l1_index = capaddr_l1_index((capaddr_t)addr);
    if (l1_index >= cnode_slot_count(root)) {
        return SYS_ERR_L1_INDEX_OUT_OF_RANGE;
    }
    struct cte *l1_slot = &cnode_slots(root)[l1_index];
    if ((addr & CAPADDR_LEVEL1) != 0) {
        if (capaddr_l2_slot((capaddr_t)addr) != 0) {
            return SYS_ERR_CAPADDR_RESERVED_BITS;
        }
        *ret = l1_slot;
        return SYS_ERR_OK;
    }
    if (cte_is_empty(l1_slot)) {
        return SYS_ERR_L1_SLOT_EMPTY;
    }
    if (l1_slot->cap.type != ObjType_L2CNode) {
        return SYS_ERR_L1_SLOT_NOT_CNODE;
    }
    *ret = &cnode_slots(&l1_slot->cap)[capaddr_l2_slot((capaddr_t)addr)];
    return SYS_ERR_OK;
}

/* The CNode capability through which the slot at addr is reached: the root or an L2 CNode. */
static const struct capability *holder_of(const struct capability *root, uint64_t addr)
{
    if ((addr & CAPADDR_LEVEL1) != 0) {
        return root;
    }
    return &cnode_slots(root)[capaddr_l1_index((capaddr_t)addr)].cap;
}

bool cspace_slot_writable(const struct capability *root, uint64_t addr)
{
    return (holder_of(root, addr)->rights & CAPRIGHTS_WRITE) != 0;
}

errval_t cspace_lookup_writable(const struct capability *root, uint64_t addr, struct cte **ret)
{
    struct cte *slot;
    errval_t err = cspace_lookup_cap(root, addr, &slot);
    if (err_is_fail(err)) {
        return err;
    }
    if (!cspace_slot_writable(root, addr)) {
        return SYS_ERR_CNODE_NOT_WRITABLE;
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t cspace_lookup_cap(const struct capability *root, uint64_t addr, struct cte **ret)
{
    struct cte *slot;
    errval_t err = cspace_lookup_slot(root, addr, &slot);
    if (err_is_fail(err)) {
        return err;
    }
    if (cte_is_empty(slot)) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t cspace_lookup_cnode(const struct capability *root, uint64_t addr, struct cte **ret)
{
    struct cte *slot;
    errval_t err = cspace_lookup_cap(root, addr, &slot);
    if (err_is_fail(err)) {
        return err;
    }
    if (!objtype_is_cnode(slot->cap.type)) {
        return SYS_ERR_NOT_A_CNODE;
    }
    *ret = slot;
    return SYS_ERR_OK;
}

errval_t cspace_empty_slots(const struct capability *cnode, uint64_t first, uint64_t count,
                            struct cte **ret)
{
    cslot_t slots = cnode_slot_count(cnode);
    if (!(cnode->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_CNODE_NOT_WRITABLE;
    }
    if (first >= slots || count > slots - first) {
        return SYS_ERR_SLOT_OUT_OF_RANGE;
    }
    struct cte *dest = &cnode_slots(cnode)[first];
    for (uint64_t i = 0; i < count; i++) {
        if (!cte_is_empty(&dest[i])) {
            return SYS_ERR_SLOT_IN_USE;
        }
    }
    *ret = dest;
    return SYS_ERR_OK;
}
