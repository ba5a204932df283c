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

void caps_hold(struct cte *held, const struct cte *src)
{
    *held = (struct cte){.cap = src->cap};
    mdb_insert(held);
    held->mdb.kernel_held = true;
}
