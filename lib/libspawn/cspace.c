/* The child's CSpace in init's layout: CNodes the parent makes and fills through its own root. */
#include "spawn_internal.h"

static struct spawn_cnode *cnode_of(struct spawninfo *si, uint32_t l1)
{
    switch (l1) {
    case ROOTCN_SLOT_TASKCN:
        return &si->taskcn;
    case ROOTCN_SLOT_SUPERCN:
        return &si->supercn;
    case ROOTCN_SLOT_SLOT_ALLOC0:
        return &si->slot_alloc0;
    case ROOTCN_SLOT_PAGECN:
        return &si->pagecn;
    default:
        return NULL;
    }
}

struct capref spawn_child_slot(const struct spawninfo *si, uint32_t l1, cslot_t slot)
{
    const struct spawn_cnode *cn = cnode_of((struct spawninfo *)si, l1);
    if (cn == NULL || !cn->made) {
        return NULL_CAP;
    }
    return (struct capref){.cnode = cnode_at_l1(cn->l1), .slot = slot};
}

errval_t spawn_delegate(struct capref dest, struct capref src)
{
    struct cap_identity id;
    errval_t err = cap_identify(src, &id);
    return err_is_ok(err) ? cap_mint(dest, src, id.rights & (caprights_t)~CAPRIGHTS_GRANT) : err;
}

/* Slot l1 of the child's root CNode, as a destination (copies into it name it by address). */
static struct capref child_l1_slot(const struct spawninfo *si, uint32_t l1)
{
    return (struct capref){.cnode = {.address = get_cap_addr(si->rootcn), .l1_index = 0},
                           .slot = l1};
}

/* An L2 CNode at a lent L1 slot of the parent's root, installed at l1 of the child's too. */
static errval_t make_l2(struct spawninfo *si, uint32_t l1)
{
    struct spawn_cnode *cn = cnode_of(si, l1);
    errval_t err = slot_alloc_l1(&cn->l1);
    if (err_is_fail(err)) {
        return err;
    }
    struct ram_piece piece;
    err = ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece);
    if (err_is_fail(err)) {
        slot_free_l1(cn->l1);
        return err;
    }
    struct capref at = {.cnode = cnode_root(), .slot = cn->l1};
    err = cap_retype(at, piece.src, piece.offset, ObjType_L2CNode, L2_CNODE_BYTES, 1);
    if (err_is_fail(err)) {
        ram_release(piece.base, piece.bytes);
        slot_free_l1(cn->l1);
        return err;
    }
    cn->base = piece.base;
    cn->made = true;
    return spawn_delegate(child_l1_slot(si, l1), at);
}

static errval_t make_root(struct spawninfo *si, size_t slots)
{
    si->rootcn_bytes = (gensize_t)slots * CTE_BYTES;
    errval_t err = slot_alloc(&si->rootcn);
    if (err_is_fail(err)) {
        return err;
    }
    struct ram_piece piece;
    err = ram_reserve(si->rootcn_bytes, BASE_PAGE_BYTES, &piece);
    if (err_is_ok(err)) {
        err = cap_retype(si->rootcn, piece.src, piece.offset, ObjType_L1CNode, si->rootcn_bytes, 1);
        if (err_is_fail(err)) {
            ram_release(piece.base, piece.bytes);
        }
    }
    if (err_is_fail(err)) {
        slot_free(si->rootcn);
        si->rootcn = NULL_CAP;
        return err;
    }
    si->rootcn_base = piece.base;
    return SYS_ERR_OK;
}

errval_t spawn_cspace_create(struct spawninfo *si, gensize_t ram_bytes, size_t rootcn_slots)
{
    static const uint32_t l2s[] = {ROOTCN_SLOT_TASKCN, ROOTCN_SLOT_SUPERCN, ROOTCN_SLOT_SLOT_ALLOC0,
                                   ROOTCN_SLOT_PAGECN};
    errval_t err = make_root(si, rootcn_slots);
    for (size_t i = 0; err_is_ok(err) && i < sizeof(l2s) / sizeof(l2s[0]); i++) {
        err = make_l2(si, l2s[i]);
    }
    if (err_is_ok(err)) {
        err = spawn_delegate(spawn_child_slot(si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN),
                             si->rootcn);
    }
    if (err_is_ok(err)) {
        err = ram_alloc(&si->ram, ram_bytes);
    }
    if (err_is_ok(err)) {
        err = spawn_delegate(spawn_child_slot(si, ROOTCN_SLOT_SUPERCN, 0), si->ram);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_SPAWN_CSPACE) : err;
}

errval_t spawn_cspace_destroy(struct spawninfo *si)
{
    errval_t first = SYS_ERR_OK;
    if (!capref_is_null(si->ram)) {
        spawn_keep_first(&first, ram_free(si->ram)); /* and whatever the child made of it */
        si->ram = NULL_CAP;
    }
    if (!capref_is_null(si->rootcn)) {
        spawn_keep_first(&first, cap_revoke(si->rootcn)); /* the copy in TASKCN */
        spawn_keep_first(&first, cap_destroy(si->rootcn));
        spawn_keep_first(&first, ram_release(si->rootcn_base, si->rootcn_bytes));
        si->rootcn = NULL_CAP;
    }
    struct spawn_cnode *cnodes[] = {&si->taskcn, &si->supercn, &si->slot_alloc0, &si->pagecn};
    for (size_t i = 0; i < sizeof(cnodes) / sizeof(cnodes[0]); i++) {
        struct spawn_cnode *cn = cnodes[i];
        if (cn->made) {
            struct capref at = {.cnode = cnode_root(), .slot = cn->l1};
            spawn_keep_first(&first, cap_revoke(at));
            spawn_keep_first(&first, cap_delete(at));
            spawn_keep_first(&first, ram_release(cn->base, L2_CNODE_BYTES));
            spawn_keep_first(&first, slot_free_l1(cn->l1));
            cn->made = false;
        }
    }
    return first;
}
