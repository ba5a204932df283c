/* Retype: turning part of a memory capability into new typed objects. */
#include <capabilities.h>
#include <cspace.h>
#include <mdb.h>
#include <paging_arch.h>
#include <phys_mem.h>
#include <platform.h>
#include <trace.h>

static errval_t check_type(const struct capability *src, uint64_t type)
{
    if (!objtype_is_valid(type) || type == ObjType_Null) {
        return SYS_ERR_ILLEGAL_DEST_TYPE;
    }
    if (!objtype_may_retype(src->type, (enum objtype)type)) {
        return SYS_ERR_RETYPE_FORBIDDEN;
    }
    if (objtype_is_vnode((enum objtype)type) && !paging_vnode_type_is_native((enum objtype)type)) {
        return SYS_ERR_VNODE_TYPE_UNSUPPORTED;
    }
    return SYS_ERR_OK;
}

static errval_t check_obj_bytes(enum objtype type, gensize_t obj_bytes)
{
    const struct objtype_info *info = &objtype_info[type];
    if (info->fixed_bytes != 0 && obj_bytes != info->fixed_bytes) {
        TRACE_REFUSAL("%s objects are %llu bytes, not %llu", info->name,
                      (unsigned long long)info->fixed_bytes, (unsigned long long)obj_bytes);
        return SYS_ERR_RETYPE_INVALID_SIZE;
    }
    /* Granules and alignments are powers of two (lib/libabi/captypes.c asserts it): masks, not
       divisions, which ARMv7 does in a library call of over a hundred instructions. */
    if (info->fixed_bytes == 0 &&
        (obj_bytes == 0 || (obj_bytes & (info->granule_bytes - 1)) != 0)) {
        TRACE_REFUSAL("%s objects are positive multiples of %llu bytes, not %llu", info->name,
                      (unsigned long long)info->granule_bytes, (unsigned long long)obj_bytes);
        return SYS_ERR_RETYPE_INVALID_SIZE;
    }
    return SYS_ERR_OK;
}

/* Every check on the range of new objects, before anything changes. */
static errval_t check_range(const struct capability *src, gensize_t offset_bytes, enum objtype type,
                            gensize_t obj_bytes, uint64_t count)
{
    if (count == 0) {
        return SYS_ERR_RETYPE_INVALID_COUNT;
    }
    errval_t err = check_obj_bytes(type, obj_bytes);
    if (err_is_fail(err)) {
        return err;
    }
    gensize_t total;
    if (offset_bytes > src->bytes || __builtin_mul_overflow(count, obj_bytes, &total) ||
        total > src->bytes - offset_bytes) {
        TRACE_REFUSAL("offset 0x%llx + %llu x %llu bytes exceeds the source's %llu bytes",
                      (unsigned long long)offset_bytes, (unsigned long long)count,
                      (unsigned long long)obj_bytes, (unsigned long long)src->bytes);
        return SYS_ERR_RETYPE_OUT_OF_BOUNDS;
    }
    genpaddr_t base = src->base + offset_bytes;
    gensize_t align = objtype_info[type].align_bytes;
    if ((base & (align - 1)) != 0) {
        TRACE_REFUSAL("address 0x%llx is not aligned to %llu bytes (off by 0x%llx)",
                      (unsigned long long)base, (unsigned long long)align,
                      (unsigned long long)(base & (align - 1)));
        return SYS_ERR_RETYPE_MISALIGNED;
    }
    if (type == src->type && obj_bytes == src->bytes) {
        return SYS_ERR_RETYPE_WOULD_COPY;
    }
    if (objtype_is_vnode(type) && base + obj_bytes * count > paging_paddr_limit()) {
        TRACE_REFUSAL("a %s at [0x%llx, 0x%llx) lies beyond the format's limit 0x%llx",
                      objtype_name(type), (unsigned long long)base,
                      (unsigned long long)(base + obj_bytes * count),
                      (unsigned long long)paging_paddr_limit());
        return SYS_ERR_RETYPE_PADDR_UNREACHABLE;
    }
    const struct cte *live = mdb_find_overlapping_descendant(src, base, obj_bytes * count);
    if (live != NULL) {
        TRACE_REFUSAL("[0x%llx, 0x%llx) overlaps a live %s at [0x%llx, 0x%llx)",
                      (unsigned long long)base, (unsigned long long)(base + obj_bytes * count),
                      objtype_name((enum objtype)live->cap.type),
                      (unsigned long long)live->cap.base, (unsigned long long)cap_end(&live->cap));
        return SYS_ERR_RETYPE_OVERLAP;
    }
    return SYS_ERR_OK;
}

/*
 * New memory is its maker's own: objects retyped from RAM (or PhysAddr) carry grant even from a
 * copy without it (an object equal to its source, a copy gaining grant, is refused above). A piece
 * of a typed object handed out without grant (a frame a parent shares) stays without it: else
 * its holder could pin it beyond the grant holder's revoke (dispatcher SETUP needs grant).
 */
static caprights_t retyped_rights(const struct capability *src)
{
    bool memory = objtype_info[src->type].kind == OBJKIND_MEM;
    return (caprights_t)(src->rights | (memory ? CAPRIGHTS_GRANT : 0));
}

errval_t caps_retype(struct cte *src, gensize_t offset_bytes, uint64_t type, gensize_t obj_bytes,
                     uint64_t count, struct cte *dest_cnode, uint64_t dest_slot)
{
    if (!(src->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_RETYPE_NEEDS_WRITE; /* new objects are zeroed or handed out writable */
    }
    errval_t err = check_type(&src->cap, type);
    if (err_is_fail(err)) {
        return err;
    }
    err = check_range(&src->cap, offset_bytes, (enum objtype)type, obj_bytes, count);
    if (err_is_fail(err)) {
        return err;
    }
    struct cte *dest;
    err = cspace_empty_slots(&dest_cnode->cap, dest_slot, count, &dest);
    if (err_is_fail(err)) {
        return err;
    }

    genpaddr_t base = src->cap.base + offset_bytes;
    for (uint64_t i = 0; i < count; i++, base += obj_bytes) {
        if (objtype_info[type].zeroed) {
            phys_zero(base, obj_bytes);
        }
        /* A table's zeroes must reach memory before the table walker looks (ARMv7: the kernel
           writes through a cacheable mapping). A frame's are cleaned only if it is ever mapped
           uncached (paging.c), so a first touch pays no clean; the other objects are read
           through the kernel's cacheable mapping alone. */
        if (objtype_is_vnode((enum objtype)type)) {
            paging_entries_written((enum objtype)type, base, 0,
                                   paging_table_entries((enum objtype)type));
        }
        if (type == paging_root_type()) {
            platform_root_table_created(base);
        }
        dest[i].cap = (struct capability){
            .type = (uint8_t)type,
            .rights = retyped_rights(&src->cap),
            .base = base,
            .bytes = obj_bytes,
        };
        mdb_insert(&dest[i]);
    }
    return SYS_ERR_OK;
}
