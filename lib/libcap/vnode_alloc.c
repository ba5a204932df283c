/* Page tables from RAM, with tables smaller than a page sharing pages (ARMv7 L2: four a page). */
#include <libcap/slot_alloc.h>

#include "mem_internal.h"

#define MAX_SHARED_PAGES 8192

/* A page carved into small tables: which of them are in use. */
struct shared_page {
    genpaddr_t base;
    struct capref src; /* the boot RAM capability it lies in, and where */
    gensize_t offset;
    uint8_t used_mask;
};

static struct {
    struct shared_page pages[MAX_SHARED_PAGES];
    size_t count;
} pool;

static uint8_t full_mask(enum objtype type)
{
    return (uint8_t)((1u << (BASE_PAGE_BYTES / objtype_info[type].fixed_bytes)) - 1);
}

/* A page with a free piece, reserving a new one when none has. */
static errval_t shared_page_with_room(enum objtype type, struct shared_page **ret)
{
    for (size_t i = pool.count; i > 0; i--) {
        if (pool.pages[i - 1].used_mask != full_mask(type)) {
            *ret = &pool.pages[i - 1];
            return SYS_ERR_OK;
        }
    }
    if (pool.count == MAX_SHARED_PAGES) {
        return LIB_ERR_RAM_ALLOC_FRAGMENTED;
    }
    struct ram_piece piece;
    errval_t err = ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece);
    if (err_is_fail(err)) {
        return err;
    }
    pool.pages[pool.count] = (struct shared_page){piece.base, piece.src, piece.offset, 0};
    *ret = &pool.pages[pool.count++];
    return SYS_ERR_OK;
}

static void drop_page_if_unused(struct shared_page *page)
{
    if (page->used_mask == 0) {
        ram_release(page->base, BASE_PAGE_BYTES); /* came from the table: fits back */
        *page = pool.pages[--pool.count];
    }
}

static errval_t create_small_vnode(struct capref slot, enum objtype type, genpaddr_t *base)
{
    struct shared_page *page;
    errval_t err = shared_page_with_room(type, &page);
    if (err_is_fail(err)) {
        return err;
    }
    unsigned piece = (unsigned)__builtin_ctz(~(unsigned)page->used_mask);
    gensize_t bytes = objtype_info[type].fixed_bytes;
    err = cap_retype(slot, page->src, page->offset + piece * bytes, type, bytes, 1);
    if (err_is_ok(err)) {
        page->used_mask |= (uint8_t)(1u << piece);
        *base = page->base + piece * bytes;
    } else {
        drop_page_if_unused(page);
    }
    return err;
}

errval_t vnode_create_with_base(struct capref *ret, enum objtype type, genpaddr_t *ret_base)
{
    genpaddr_t ignored;
    genpaddr_t *base = ret_base != NULL ? ret_base : &ignored;
    if (!objtype_is_vnode(type)) {
        return err_push(LIB_ERR_VNODE_CREATE_TYPE, LIB_ERR_VNODE_CREATE);
    }
    const struct objtype_info *info = &objtype_info[type];
    errval_t err;
    if (info->fixed_bytes >= BASE_PAGE_BYTES) {
        err = make_object(ret, type, info->fixed_bytes, info->align_bytes, base);
    } else {
        err = slot_alloc(ret);
        if (err_is_ok(err)) {
            err = create_small_vnode(*ret, type, base);
            if (err_is_fail(err)) {
                slot_free(*ret);
            }
        }
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_CREATE) : err;
}

errval_t vnode_create(struct capref *ret, enum objtype type)
{
    return vnode_create_with_base(ret, type, NULL);
}

/* Marks a small table's piece free; the page goes back when all its pieces are. */
static errval_t release_small_vnode(genpaddr_t base, gensize_t bytes)
{
    genpaddr_t page_base = base & ~(BASE_PAGE_BYTES - 1);
    for (size_t i = 0; i < pool.count; i++) {
        if (pool.pages[i].base == page_base) {
            pool.pages[i].used_mask &= (uint8_t) ~(1u << ((base - page_base) / bytes));
            drop_page_if_unused(&pool.pages[i]);
            return SYS_ERR_OK;
        }
    }
    return LIB_ERR_VNODE_DESTROY;
}

static errval_t release_vnode(genpaddr_t base, gensize_t bytes)
{
    return bytes < BASE_PAGE_BYTES ? release_small_vnode(base, bytes) : ram_release(base, bytes);
}

errval_t vnode_destroy(struct capref cap)
{
    struct cap_identity id;
    errval_t err = free_object(cap, &id);
    if (err_is_ok(err)) {
        err = release_vnode(id.base, id.bytes);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_DESTROY) : err;
}

/* Did a call fail with this kernel error (under libcap's own)? */
static bool failed_with(errval_t err, enum err_code code)
{
    return err_no(err_pop(err)) == code;
}

/*
 * The slot may lie in another domain's CSpace (a child's PAGECN), which may have emptied it or put
 * something else there: only the table made at base is revoked, and the memory given back is
 * what was made, never what the slot holds now.
 */
errval_t vnode_destroy_made(struct capref cap, enum objtype type, genpaddr_t base)
{
    struct cap_identity id;
    errval_t err = SYS_ERR_OK;
    if (err_is_ok(cap_identify(cap, &id)) && id.type == type && id.base == base) {
        err = cap_revoke(cap);
        if (failed_with(err, SYS_ERR_REVOKE_NEEDS_GRANT)) {
            err = SYS_ERR_OK; /* a copy without grant put in its place: the others die with the
                                 CNodes that hold them */
        }
    }
    if (err_is_ok(err)) {
        err = cap_delete(cap);
        err = failed_with(err, SYS_ERR_CAP_NOT_FOUND) ? SYS_ERR_OK : err;
    }
    if (err_is_ok(err)) {
        err = slot_free(cap);
    }
    if (err_is_ok(err)) {
        err = release_vnode(base, objtype_info[type].fixed_bytes);
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_DESTROY) : err;
}

size_t vnode_shared_pages(void)
{
    return pool.count;
}

void vnode_alloc_init(void)
{
    pool.count = 0;
}
