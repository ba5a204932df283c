/* Creating capabilities: from nothing at boot, and by copy or mint. */
#include <capabilities.h>
#include <mdb.h>

void caps_create_from_nothing(struct cte *dest, enum objtype type, genpaddr_t base, gensize_t bytes)
{
    dest->cap = (struct capability){
        .type = (uint8_t)type,
        .rights = CAPRIGHTS_ALLRIGHTS,
        .base = base,
        .bytes = bytes,
    };
    mdb_insert(dest);
}

errval_t caps_copy(struct cte *dest, const struct cte *src, uint64_t rights)
{
    if ((rights & ~(uint64_t)CAPRIGHTS_ALLRIGHTS) != 0) {
        return SYS_ERR_INVALID_RIGHTS;
    }
    if ((rights & ~(uint64_t)src->cap.rights) != 0) {
        return SYS_ERR_MINT_RIGHTS_EXCEED;
    }
    if (!cte_is_empty(dest)) {
        return SYS_ERR_SLOT_IN_USE;
    }
    dest->cap = src->cap;
    dest->cap.rights = (caprights_t)rights;
    mdb_insert(dest);
    return SYS_ERR_OK;
}

errval_t caps_mint(struct cte *dest, const struct cte *src, uint64_t rights, uint64_t badge)
{
    if (badge != 0 && src->cap.type != ObjType_Endpoint) {
        return SYS_ERR_BADGE_NOT_ENDPOINT;
    }
    if (badge > UINT32_MAX) {
        return SYS_ERR_BADGE_TOO_WIDE;
    }
    if (badge != 0 && src->cap.badge != 0 && src->cap.badge != badge) {
        return SYS_ERR_ENDPOINT_BADGED; /* a pager must be able to trust whose fault it is */
    }
    errval_t err = caps_copy(dest, src, rights);
    if (err_is_ok(err) && badge != 0) {
        dest->cap.badge = (uint32_t)badge;
    }
    return err;
}

void caps_hold(struct cte *held, const struct cte *src)
{
    *held = (struct cte){.cap = src->cap};
    mdb_insert(held);
    held->mdb.kernel_held = true;
}
