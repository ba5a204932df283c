/* The model's page-table invocations: map, unmap, modify_flags, in doc/paging.md's order. */
#include "model_ops.h"

#include <paging_flags.h>

static errval_t check_flags(const struct mcap *cap, uint64_t flags)
{
    if ((flags & ~(uint64_t)VREGION_FLAGS_MASK) != 0 || !(flags & VREGION_FLAGS_READ)) {
        return SYS_ERR_VM_FLAGS_INVALID;
    }
    bool exceed = !(cap->rights & CAPRIGHTS_READ) ||
                  ((flags & VREGION_FLAGS_WRITE) && !(cap->rights & CAPRIGHTS_WRITE)) ||
                  ((flags & VREGION_FLAGS_EXECUTE) && !(cap->rights & CAPRIGHTS_EXECUTE));
    return exceed ? SYS_ERR_VM_RIGHTS_EXCEED : SYS_ERR_OK;
}

static errval_t check_table_range(const struct mcap *table, uint64_t slot, uint64_t count)
{
    uint64_t entries = fmt_entries((enum objtype)table->type);
    if (!(table->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_VNODE_NOT_WRITABLE;
    }
    if (slot >= entries) {
        return SYS_ERR_VNODE_SLOT_INVALID;
    }
    if (count == 0) {
        return SYS_ERR_VM_MAP_COUNT_INVALID;
    }
    if (count > entries - slot) {
        return SYS_ERR_VM_MAP_PAST_TABLE_END;
    }
    if (fmt_reserved((enum objtype)table->type, slot + count - 1) ||
        fmt_reserved((enum objtype)table->type, slot)) {
        return SYS_ERR_VNODE_SLOT_RESERVED;
    }
    return SYS_ERR_OK;
}

static errval_t check_frame(const struct mcap *src, gensize_t page, uint64_t offset, uint64_t count)
{
    if (offset % BASE_PAGE_BYTES != 0 || offset >= src->bytes) {
        return SYS_ERR_VM_MAP_OFFSET_INVALID;
    }
    if (page > src->bytes) {
        return SYS_ERR_VM_FRAME_TOO_SMALL;
    }
    if ((src->base + offset) % page != 0) {
        return SYS_ERR_VM_MAP_LARGE_MISALIGNED;
    }
    if (count > (src->bytes - offset) / page) {
        return SYS_ERR_VM_MAP_SIZE_INVALID;
    }
    if (src->base + offset + count * page > fmt_paddr_limit()) {
        return SYS_ERR_VM_PADDR_UNREACHABLE;
    }
    return SYS_ERR_OK;
}

static errval_t check_source(const struct mcap *table, const struct mcap *src, uint64_t flags,
                             uint64_t offset, uint64_t count)
{
    enum objkind kind = objtype_info[src->type].kind;
    if (kind != OBJKIND_FRAME && kind != OBJKIND_VNODE) {
        return SYS_ERR_VM_MAP_NOT_MAPPABLE;
    }
    switch (fmt_fit((enum objtype)table->type, (enum objtype)src->type)) {
    case FMT_FIT_TABLE:
        if (count != 1) {
            return SYS_ERR_VM_MAP_COUNT_INVALID;
        }
        if (offset != 0) {
            return SYS_ERR_VM_MAP_OFFSET_INVALID;
        }
        if (!(src->rights & CAPRIGHTS_WRITE)) {
            return SYS_ERR_VM_MAP_TABLE_NOT_WRITABLE;
        }
        return src->base + src->bytes > fmt_paddr_limit() ? SYS_ERR_VM_PADDR_UNREACHABLE
                                                          : SYS_ERR_OK;
    case FMT_FIT_PAGE: {
        errval_t err = check_flags(src, flags);
        return err_is_ok(err) ? check_frame(src, fmt_span((enum objtype)table->type), offset, count)
                              : err;
    }
    default:
        return SYS_ERR_VM_MAP_WRONG_LEVEL;
    }
}

/* Is another copy of the table object src mapped somewhere? */
static bool table_copy_mapped(const struct model *m, const struct mcap *src)
{
    for (size_t i = 0; i < m->count; i++) {
        if (m->caps[i].map_count != 0 && model_is_copy(&m->caps[i], src)) {
            return true;
        }
    }
    return false;
}

/* MAP(slot, src, flags, offset_bytes, pte_count); src is resolved through the caller's CSpace. */
/* MAP's checks and record once src is found: (slot, -, flags, offset_bytes, pte_count). */
static errval_t map_found(struct model *m, struct mcap *table, struct mcap *src, const uintptr_t *a)
{
    errval_t err = check_table_range(table, a[0], a[4]);
    if (err_is_ok(err)) {
        err = check_source(table, src, a[2], a[3], a[4]);
    }
    if (err_is_ok(err) && src->map_count != 0) {
        err = SYS_ERR_VM_ALREADY_MAPPED;
    }
    if (err_is_ok(err) && objtype_is_vnode((enum objtype)src->type) && table_copy_mapped(m, src)) {
        err = SYS_ERR_VM_TABLE_ALREADY_MAPPED;
    }
    if (err_is_ok(err) && model_entries_present(m, table->base, a[0], a[4])) {
        err = SYS_ERR_VM_ENTRY_PRESENT;
    }
    if (err_is_ok(err)) {
        src->map_table = table->base;
        src->map_table_type = table->type;
        src->map_slot = a[0];
        src->map_count = a[4];
        src->map_offset = a[3];
    }
    return err;
}

errval_t model_map(struct model *m, struct mcap *table, const uintptr_t *a)
{
    struct mcap *src;
    errval_t err = model_lookup_cap(m, model_caller_root(m), a[1], &src);
    return err_is_ok(err) ? map_found(m, table, src, a) : err;
}

/* MAP_COPY(slot, src, flags, offset_bytes, pte_count, root, dest_cnode, dest_slot): COPY as
   invoked on root, MAP of the copy, and the copy deleted again when the map is refused. */
errval_t model_map_copy(struct model *m, struct mcap *table, const uintptr_t *a)
{
    struct mloc table_loc = table->loc; /* the copy may move the array */
    struct mcap *found;
    errval_t err = model_lookup_cap(m, model_caller_root(m), a[5], &found);
    if (err_is_ok(err) && found->type != ObjType_L1CNode) {
        err = SYS_ERR_ILLEGAL_INVOCATION;
    }
    if (err_is_fail(err)) {
        return err;
    }
    struct mcap root = *found;
    const uintptr_t copy_args[INVOKE_ARGS] = {a[6], a[7], a[1]};
    struct mloc made;
    err = model_copy_at(m, &root, copy_args, false, &made);
    if (err_is_ok(err)) {
        err = map_found(m, model_at(m, table_loc), model_at(m, made), a);
        if (err_is_fail(err)) {
            model_delete(m, model_at(m, made));
        }
    }
    return err;
}

/* UNMAP(src, slot, pte_count). */
errval_t model_unmap(struct model *m, struct mcap *table, const uintptr_t *a)
{
    struct mcap *src;
    errval_t err = model_lookup_cap(m, model_caller_root(m), a[0], &src);
    if (err_is_fail(err)) {
        return err;
    }
    if (!(table->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_VNODE_NOT_WRITABLE;
    }
    if (src->map_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (src->map_table != table->base || src->map_table_type != table->type) {
        return SYS_ERR_VM_WRONG_TABLE;
    }
    if (src->map_slot != a[1] || src->map_count != a[2]) {
        return SYS_ERR_VM_RANGE_MISMATCH;
    }
    src->map_count = 0;
    return SYS_ERR_OK;
}

/* SPLIT_MAPPING(at, dest) on the mapped frame copy: dest takes entries [at, count). */
errval_t model_split_mapping(struct model *m, struct mcap *frame, const uintptr_t *a)
{
    struct mcap *dest;
    errval_t err = model_lookup_cap(m, model_caller_root(m), a[1], &dest);
    if (err_is_fail(err)) {
        return err;
    }
    if (frame->map_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (a[0] == 0 || a[0] >= frame->map_count) {
        return SYS_ERR_VM_BEYOND_MAPPING;
    }
    if (dest->type != frame->type || dest->base != frame->base || dest->bytes != frame->bytes) {
        return SYS_ERR_VM_SPLIT_NOT_A_COPY;
    }
    if ((frame->rights & ~dest->rights) != 0) {
        return SYS_ERR_VM_RIGHTS_EXCEED;
    }
    if (dest->map_count != 0) {
        return SYS_ERR_VM_ALREADY_MAPPED;
    }
    gensize_t page = fmt_span((enum objtype)frame->map_table_type);
    dest->map_table = frame->map_table;
    dest->map_table_type = frame->map_table_type;
    dest->map_slot = frame->map_slot + a[0];
    dest->map_count = frame->map_count - a[0];
    dest->map_offset = frame->map_offset + a[0] * page;
    frame->map_count = a[0];
    return SYS_ERR_OK;
}

/* MODIFY_FLAGS(first_page, pages, flags) on the mapped frame copy. */
errval_t model_modify_flags(struct mcap *frame, const uintptr_t *a)
{
    if (frame->map_count == 0) {
        return SYS_ERR_VM_NOT_MAPPED;
    }
    if (a[1] == 0 || a[0] >= frame->map_count || a[1] > frame->map_count - a[0]) {
        return SYS_ERR_VM_BEYOND_MAPPING;
    }
    return check_flags(frame, a[2]);
}
