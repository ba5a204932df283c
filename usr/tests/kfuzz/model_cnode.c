/* The model's CNode invocations: retype, copy, mint, delete, revoke, in doc/capabilities.md's
 * order. */
#include "model_ops.h"

bool model_planted_mint_bug;

/* A slot range to fill in the CNode cnode: SYS_ERR_CNODE_NOT_WRITABLE, _SLOT_OUT_OF_RANGE, _IN_USE.
 */
static errval_t empty_slots(const struct model *m, const struct mcap *cnode, uint64_t first,
                            uint64_t count)
{
    uint64_t slots = cnode->bytes / CTE_BYTES;
    if (!(cnode->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_CNODE_NOT_WRITABLE;
    }
    if (first >= slots || count > slots - first) {
        return SYS_ERR_SLOT_OUT_OF_RANGE;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (model_at(m, (struct mloc){cnode->base, (uint32_t)(first + i)}) != NULL) {
            return SYS_ERR_SLOT_IN_USE;
        }
    }
    return SYS_ERR_OK;
}

static errval_t lookup_cnode(const struct model *m, const struct mcap *root, uint64_t addr,
                             struct mcap **cnode)
{
    errval_t err = model_lookup_cap(m, root, addr, cnode);
    if (err_is_ok(err) && !objtype_is_cnode((*cnode)->type)) {
        err = SYS_ERR_NOT_A_CNODE;
    }
    return err;
}

static errval_t check_retype_type(const struct mcap *src, uint64_t type)
{
    if (type >= ObjType_Num || type == ObjType_Null) {
        return SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!(objtype_info[type].parents & OBJTYPE_BIT(src->type))) {
        return SYS_ERR_RETYPE_FORBIDDEN;
    }
    if (objtype_is_vnode((enum objtype)type) && !fmt_is_native_vnode((enum objtype)type)) {
        return SYS_ERR_VNODE_TYPE_UNSUPPORTED;
    }
    return SYS_ERR_OK;
}

/* Does a live descendant of src's object overlap [base, base + bytes)? */
static bool overlaps_descendant(const struct model *m, const struct mcap *src, genpaddr_t base,
                                gensize_t bytes)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct mcap *d = &m->caps[i];
        if (model_is_descendant(d, src) && d->base < base + bytes && base < d->base + d->bytes) {
            return true;
        }
    }
    return false;
}

static errval_t check_retype_range(const struct model *m, const struct mcap *src,
                                   const uintptr_t *a)
{
    uint64_t offset = a[1], type = a[2], obj_bytes = a[3], count = a[4];
    const struct objtype_info *info = &objtype_info[type];
    if (count == 0) {
        return SYS_ERR_RETYPE_INVALID_COUNT;
    }
    bool size_ok = info->fixed_bytes != 0 ? obj_bytes == info->fixed_bytes
                                          : obj_bytes != 0 && obj_bytes % info->granule_bytes == 0;
    if (!size_ok) {
        return SYS_ERR_RETYPE_INVALID_SIZE;
    }
    if (offset > src->bytes || count > (src->bytes - offset) / obj_bytes) {
        return SYS_ERR_RETYPE_OUT_OF_BOUNDS;
    }
    genpaddr_t base = src->base + offset;
    if (base % info->align_bytes != 0) {
        return SYS_ERR_RETYPE_MISALIGNED;
    }
    if (type == src->type && obj_bytes == src->bytes) {
        return SYS_ERR_RETYPE_WOULD_COPY;
    }
    if (objtype_is_vnode((enum objtype)type) && base + obj_bytes * count > fmt_paddr_limit()) {
        return SYS_ERR_RETYPE_PADDR_UNREACHABLE;
    }
    if (overlaps_descendant(m, src, base, obj_bytes * count)) {
        return SYS_ERR_RETYPE_OVERLAP;
    }
    return SYS_ERR_OK;
}

/* RETYPE(src, offset_bytes, type, obj_bytes, count, dest_cnode, dest_slot). */
errval_t model_retype(struct model *m, const struct mcap *root, const uintptr_t *a)
{
    struct mcap *src, *dest;
    errval_t err = (root->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
    if (err_is_ok(err)) {
        err = model_lookup_cap(m, root, a[0], &src);
    }
    if (err_is_ok(err)) {
        err = lookup_cnode(m, root, a[5], &dest);
    }
    if (err_is_ok(err) && !(src->rights & CAPRIGHTS_WRITE)) {
        err = SYS_ERR_RETYPE_NEEDS_WRITE;
    }
    if (err_is_ok(err)) {
        err = check_retype_type(src, a[2]);
    }
    if (err_is_ok(err)) {
        err = check_retype_range(m, src, a);
    }
    if (err_is_ok(err)) {
        err = empty_slots(m, dest, a[6], a[4]);
    }
    if (err_is_fail(err)) {
        return err;
    }
    struct mcap from = *src, into = *dest; /* model_add may move the array */
    /* Grant comes with new memory (from RAM or PhysAddr), not with a piece of a typed object. */
    bool memory = objtype_info[from.type].kind == OBJKIND_MEM;
    caprights_t rights = (caprights_t)(from.rights | (memory ? CAPRIGHTS_GRANT : 0));
    for (uint64_t i = 0; i < a[4]; i++) {
        genpaddr_t base = from.base + a[1] + i * a[3];
        model_add(m, (struct mloc){into.base, (uint32_t)(a[6] + i)}, (enum objtype)a[2], rights,
                  base, a[3]);
        if (a[2] == ObjType_Dispatcher) {
            model_disp_new(m, base); /* zeroed: a new control block */
        }
    }
    if (objtype_info[a[2]].zeroed) {
        model_zeroed(m, from.base + a[1], a[3] * a[4]);
    }
    return SYS_ERR_OK;
}

/* COPY(dest_cnode, dest_slot, src) and MINT(dest_cnode, dest_slot, src, rights). */
/* Mint's badge: on an unbadged Endpoint only, 32 bits, never another one. */
static errval_t mint_badge_refusal(const struct mcap *src, uint64_t badge)
{
    if (badge != 0 && src->type != ObjType_Endpoint) {
        return SYS_ERR_BADGE_NOT_ENDPOINT;
    }
    if (badge > UINT32_MAX) {
        return SYS_ERR_BADGE_TOO_WIDE;
    }
    return badge != 0 && src->badge != 0 && src->badge != badge ? SYS_ERR_ENDPOINT_BADGED
                                                                : SYS_ERR_OK;
}

errval_t model_copy(struct model *m, const struct mcap *root, const uintptr_t *a, bool mint)
{
    struct mloc made;
    return model_copy_at(m, root, a, mint, &made);
}

errval_t model_copy_at(struct model *m, const struct mcap *root, const uintptr_t *a, bool mint,
                       struct mloc *made_at)
{
    struct mcap *src, *dest;
    errval_t err = (root->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
    if (err_is_ok(err)) {
        err = model_lookup_cap(m, root, a[2], &src);
    }
    if (err_is_ok(err)) {
        err = lookup_cnode(m, root, a[0], &dest);
    }
    if (err_is_ok(err)) {
        err = empty_slots(m, dest, a[1], 1);
    }
    uint64_t badge = mint && err_is_ok(err) ? a[4] : 0;
    if (err_is_ok(err)) {
        err = mint_badge_refusal(src, badge);
    }
    uint64_t rights = err_is_ok(err) ? (mint ? a[3] : src->rights) : 0;
    if (err_is_ok(err) && (rights & ~(uint64_t)CAPRIGHTS_ALLRIGHTS) != 0) {
        err = SYS_ERR_INVALID_RIGHTS;
    }
    if (err_is_ok(err) && (rights & ~(uint64_t)src->rights) != 0 && !model_planted_mint_bug) {
        err = SYS_ERR_MINT_RIGHTS_EXCEED;
    }
    if (err_is_ok(err)) {
        struct mcap from = *src;
        struct mcap *made =
            model_add(m, (struct mloc){dest->base, (uint32_t)a[1]}, (enum objtype)from.type,
                      (caprights_t)rights, from.base, from.bytes);
        made->badge = badge != 0 ? (uint32_t)badge : from.badge;
        *made_at = made->loc;
    }
    return err;
}

errval_t model_lookup_writable(const struct model *m, const struct mcap *root, uint64_t addr,
                               struct mcap **target)
{
    errval_t err = model_lookup_cap(m, root, addr, target);
    if (err_is_fail(err)) {
        return err;
    }
    const struct mcap *holder = root;
    if (!(addr & CAPADDR_LEVEL1)) {
        uint32_t l1 = (uint32_t)((addr & ~(uint64_t)CAPADDR_LEVEL1) >> CAPADDR_L2_BITS);
        holder = model_at(m, (struct mloc){root->base, l1});
    }
    return (holder->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
}

/* DELETE(target) and REVOKE(target); root is the invoked copy, at root_loc. */
errval_t model_reclaim(struct model *m, const struct mcap *root, struct mloc root_loc,
                       const uintptr_t *a, struct sysret *ret)
{
    struct mcap *target;
    errval_t err = (root->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
    if (err_is_ok(err)) {
        err = model_lookup_writable(m, root, a[0], &target);
    }
    if (err_is_ok(err) && target->loc.cnode == root_loc.cnode &&
        target->loc.slot == root_loc.slot) {
        err = SYS_ERR_DELETE_ROOT_CNODE;
    }
    if (err_is_ok(err) && !(target->rights & CAPRIGHTS_GRANT)) {
        err = SYS_ERR_REVOKE_NEEDS_GRANT;
    }
    ret->error = err;
    if (err_is_fail(err)) {
        return err;
    }
    ret->value[0] = target->type;
    ret->value[1] = (uintptr_t)target->base;
    ret->value[2] = (uintptr_t)target->bytes;
    ret->value[3] = target->rights;
    ret->value[4] = model_type_word(m, target);
    struct mloc at = target->loc;
    model_revoke(m, at, root_loc);
    struct mcap *still = model_at(m, at); /* the revoke may have emptied its CNode */
    if (still != NULL) {
        model_delete(m, still);
    }
    return SYS_ERR_OK;
}

errval_t model_delete_or_revoke(struct model *m, const struct mcap *root, struct mloc root_loc,
                                const uintptr_t *a, bool revoke)
{
    struct mcap *target;
    errval_t err = (root->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
    if (err_is_ok(err)) {
        err = model_lookup_writable(m, root, a[0], &target);
    }
    if (err_is_fail(err)) {
        return err;
    }
    if (revoke && !(target->rights & CAPRIGHTS_GRANT)) {
        return SYS_ERR_REVOKE_NEEDS_GRANT;
    }
    if (revoke) {
        model_revoke(m, target->loc, root_loc);
        return SYS_ERR_OK;
    }
    if (target->loc.cnode == root_loc.cnode && target->loc.slot == root_loc.slot) {
        return SYS_ERR_DELETE_ROOT_CNODE;
    }
    model_delete(m, target);
    return SYS_ERR_OK;
}
