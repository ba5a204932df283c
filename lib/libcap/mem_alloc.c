/* RAM, frames and page tables made from reserved RAM, and freeing them again. */
#include <libcap/slot_alloc.h>

#include "mem_internal.h"

errval_t make_object(struct capref *ret, enum objtype type, gensize_t bytes, gensize_t align_bytes,
                     genpaddr_t *ret_base)
{
    struct capref slot;
    errval_t err = slot_alloc(&slot);
    if (err_is_fail(err)) {
        return err;
    }
    struct ram_piece piece;
    err = ram_reserve(bytes, align_bytes, &piece);
    if (err_is_fail(err)) {
        slot_free(slot);
        return err;
    }
    err = cap_retype(slot, piece.src, piece.offset, type, bytes, 1);
    if (err_no(err_pop(err)) == SYS_ERR_RETYPE_WOULD_COPY) {
        /*
         * The piece is a whole boot RAM region (a gap of a page the kernel
         * left between aligned objects, say), and RAM is never retyped into
         * RAM of its own size. Hold it while another piece is found, so the
         * search moves past it, then give it back for other object types.
         */
        slot_free(slot);
        err = make_object(ret, type, bytes, align_bytes, ret_base);
        ram_release(piece.base, piece.bytes);
        return err;
    }
    if (err_is_fail(err)) {
        ram_release(piece.base, piece.bytes);
        slot_free(slot);
        return err;
    }
    *ret = slot;
    if (ret_base != NULL) {
        *ret_base = piece.base;
    }
    return SYS_ERR_OK;
}

static gensize_t round_to_pages(gensize_t bytes)
{
    return (bytes + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
}

errval_t ram_alloc(struct capref *ret, gensize_t bytes)
{
    errval_t err = make_object(ret, ObjType_RAM, round_to_pages(bytes), BASE_PAGE_BYTES, NULL);
    return err_is_fail(err) ? err_push(err, LIB_ERR_RAM_ALLOC) : err;
}

errval_t ram_alloc_aligned(struct capref *ret, gensize_t bytes, gensize_t align_bytes)
{
    errval_t err = make_object(ret, ObjType_RAM, round_to_pages(bytes), align_bytes, NULL);
    return err_is_fail(err) ? err_push(err, LIB_ERR_RAM_ALLOC) : err;
}

errval_t frame_alloc(struct capref *ret, gensize_t bytes, gensize_t *ret_bytes)
{
    gensize_t rounded = round_to_pages(bytes);
    errval_t err = make_object(ret, ObjType_Frame, rounded, BASE_PAGE_BYTES, NULL);
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_FRAME_ALLOC);
    }
    if (ret_bytes != NULL) {
        *ret_bytes = rounded;
    }
    return SYS_ERR_OK;
}

errval_t frame_alloc_base(struct capref *ret, gensize_t bytes, genpaddr_t *ret_base)
{
    errval_t err =
        make_object(ret, ObjType_Frame, round_to_pages(bytes), BASE_PAGE_BYTES, ret_base);
    return err_is_fail(err) ? err_push(err, LIB_ERR_FRAME_ALLOC) : err;
}

/* Retypes count one-page frames into the run of slots from first on. */
static errval_t retype_run(struct capref first, size_t count, genpaddr_t *first_base)
{
    struct ram_piece piece;
    errval_t err = ram_reserve((gensize_t)count * BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece);
    if (err_is_ok(err)) {
        err = cap_retype(first, piece.src, piece.offset, ObjType_Frame, BASE_PAGE_BYTES, count);
        if (err_is_fail(err)) {
            ram_release(piece.base, piece.bytes);
        } else {
            *first_base = piece.base;
        }
    }
    return err;
}

errval_t frame_alloc_run(struct capref *first, size_t count, genpaddr_t *first_base)
{
    struct capref slots;
    errval_t err = slot_alloc_run(count, &slots);
    if (err_is_ok(err)) {
        err = retype_run(slots, count, first_base);
        for (size_t i = 0; err_is_fail(err) && i < count; i++) {
            slot_free((struct capref){.cnode = slots.cnode, .slot = (cslot_t)(slots.slot + i)});
        }
    }
    if (err_is_ok(err)) {
        *first = slots;
    }
    return err_is_fail(err) ? err_push(err, LIB_ERR_FRAME_ALLOC) : err;
}

errval_t frame_run_take(struct frame_run *r, size_t count, struct capref *frame, genpaddr_t *base)
{
    if (r->left == 0 && err_is_ok(frame_alloc_run(&r->next, count, &r->next_base))) {
        r->left = count;
    }
    if (r->left == 0) {
        return frame_alloc_base(frame, BASE_PAGE_BYTES, base);
    }
    *frame = r->next;
    *base = r->next_base;
    r->next.slot++;
    r->next_base += BASE_PAGE_BYTES;
    r->left--;
    return SYS_ERR_OK;
}

errval_t frame_run_free(struct frame_run *r)
{
    errval_t err = SYS_ERR_OK;
    for (; r->left > 0; r->left--, r->next.slot++) {
        errval_t e = frame_free(r->next);
        err = err_is_ok(err) ? e : err;
    }
    return err;
}

errval_t frame_alloc_aligned(struct capref *ret, gensize_t bytes, gensize_t align_bytes)
{
    errval_t err = make_object(ret, ObjType_Frame, round_to_pages(bytes), align_bytes, NULL);
    return err_is_fail(err) ? err_push(err, LIB_ERR_FRAME_ALLOC) : err;
}

errval_t free_object(struct capref cap, struct cap_identity *id)
{
    errval_t err = cap_reclaim(cap, id); /* one call: identify, revoke and delete */
    if (err_is_ok(err)) {
        err = slot_free(cap);
    }
    return err;
}

static errval_t free_memory(struct capref cap, enum err_code context)
{
    struct cap_identity id;
    errval_t err = free_object(cap, &id);
    if (err_is_ok(err)) {
        err = ram_release(id.base, id.bytes);
    }
    return err_is_fail(err) ? err_push(err, context) : err;
}

errval_t ram_free(struct capref cap)
{
    return free_memory(cap, LIB_ERR_RAM_FREE);
}

errval_t frame_free(struct capref cap)
{
    return free_memory(cap, LIB_ERR_FRAME_FREE);
}
