/* The generic half of map, unmap and modify_flags; entry formats come from paging_arch.h. */
#include <maintenance.h>
#include <map_index.h>
#include <mdb.h>
#include <paging.h>
#include <paging_arch.h>
#include <trace.h>

static errval_t check_table_range(const struct cte *table, uint64_t slot, uint64_t pte_count)
{
    enum objtype type = table->cap.type;
    cslot_t entries = paging_table_entries(type);
    if (!(table->cap.rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_VNODE_NOT_WRITABLE;
    }
    if (slot >= entries) {
        TRACE_REFUSAL("slot %llu is beyond the %u entries of a %s", (unsigned long long)slot,
                      (unsigned)entries, objtype_name(type));
        return SYS_ERR_VNODE_SLOT_INVALID;
    }
    if (pte_count == 0) {
        return SYS_ERR_VM_MAP_COUNT_INVALID;
    }
    if (pte_count > entries - slot) {
        TRACE_REFUSAL("slot %llu + pte_count %llu runs past the %u entries of a %s",
                      (unsigned long long)slot, (unsigned long long)pte_count, (unsigned)entries,
                      objtype_name(type));
        return SYS_ERR_VM_MAP_PAST_TABLE_END;
    }
    if (paging_slot_reserved(type, (cslot_t)(slot + pte_count - 1)) ||
        paging_slot_reserved(type, (cslot_t)slot)) {
        TRACE_REFUSAL("slots [%llu, %llu] reach the kernel's half of a %s",
                      (unsigned long long)slot, (unsigned long long)(slot + pte_count - 1),
                      objtype_name(type));
        return SYS_ERR_VNODE_SLOT_RESERVED;
    }
    return SYS_ERR_OK;
}

bool paging_user_vaddr(uint64_t vaddr)
{
    enum objtype root = paging_root_type();
    /* A shift, not a division: ARMv7 has no 64-bit divide instruction. */
    uint64_t root_slot = vaddr >> __builtin_ctzll(paging_entry_span_bytes(root));
    return root_slot < paging_table_entries(root) &&
           !paging_slot_reserved(root, (cslot_t)root_slot);
}

errval_t paging_check_flags(const struct capability *cap, uint64_t flags)
{
    if ((flags & ~(uint64_t)VREGION_FLAGS_MASK) != 0 || !(flags & VREGION_FLAGS_READ)) {
        return SYS_ERR_VM_FLAGS_INVALID;
    }
    if (((flags & VREGION_FLAGS_READ) && !(cap->rights & CAPRIGHTS_READ)) ||
        ((flags & VREGION_FLAGS_WRITE) && !(cap->rights & CAPRIGHTS_WRITE)) ||
        ((flags & VREGION_FLAGS_EXECUTE) && !(cap->rights & CAPRIGHTS_EXECUTE))) {
        TRACE_REFUSAL("flags 0x%llx ask for more than the capability's rights 0x%x",
                      (unsigned long long)flags, cap->rights);
        return SYS_ERR_VM_RIGHTS_EXCEED;
    }
    return SYS_ERR_OK;
}

/* Frames: which part of the object pte_count pages of page_bytes starting at offset take. */
static errval_t check_frame_range(const struct capability *src, gensize_t page_bytes,
                                  uint64_t offset_bytes, uint64_t pte_count)
{
    genpaddr_t paddr = src->base + offset_bytes;
    if (offset_bytes % BASE_PAGE_BYTES != 0 || offset_bytes >= src->bytes) {
        TRACE_REFUSAL("offset 0x%llx is not a page-aligned offset into %llu bytes",
                      (unsigned long long)offset_bytes, (unsigned long long)src->bytes);
        return SYS_ERR_VM_MAP_OFFSET_INVALID;
    }
    if (page_bytes > src->bytes) {
        TRACE_REFUSAL("a frame of %llu bytes cannot back a page of %llu bytes",
                      (unsigned long long)src->bytes, (unsigned long long)page_bytes);
        return SYS_ERR_VM_FRAME_TOO_SMALL;
    }
    /* Page sizes are powers of two: masks and a checked product, not divisions (ARMv7). */
    if ((paddr & (page_bytes - 1)) != 0) {
        TRACE_REFUSAL("physical address 0x%llx is not aligned to the page size 0x%llx "
                      "(off by 0x%llx)",
                      (unsigned long long)paddr, (unsigned long long)page_bytes,
                      (unsigned long long)(paddr & (page_bytes - 1)));
        return SYS_ERR_VM_MAP_LARGE_MISALIGNED;
    }
    gensize_t run_bytes;
    if (__builtin_mul_overflow(pte_count, page_bytes, &run_bytes) ||
        run_bytes > src->bytes - offset_bytes) {
        TRACE_REFUSAL("offset 0x%llx + %llu pages of %llu bytes exceeds the frame's %llu bytes",
                      (unsigned long long)offset_bytes, (unsigned long long)pte_count,
                      (unsigned long long)page_bytes, (unsigned long long)src->bytes);
        return SYS_ERR_VM_MAP_SIZE_INVALID;
    }
    if (paddr + pte_count * page_bytes > paging_paddr_limit()) {
        return SYS_ERR_VM_PADDR_UNREACHABLE;
    }
    return SYS_ERR_OK;
}

/* A next-level table: installed once, writable, and reachable by the format's addresses. */
static errval_t check_table_source(const struct capability *src, uint64_t offset_bytes,
                                   uint64_t pte_count)
{
    if (pte_count != 1) {
        return SYS_ERR_VM_MAP_COUNT_INVALID;
    }
    if (offset_bytes != 0) {
        return SYS_ERR_VM_MAP_OFFSET_INVALID;
    }
    if (!(src->rights & CAPRIGHTS_WRITE)) {
        return SYS_ERR_VM_MAP_TABLE_NOT_WRITABLE; /* it would give write access to its frames */
    }
    if (cap_end(src) > paging_paddr_limit()) {
        TRACE_REFUSAL("a %s at 0x%llx lies beyond the format's limit 0x%llx",
                      objtype_name((enum objtype)src->type), (unsigned long long)src->base,
                      (unsigned long long)paging_paddr_limit());
        return SYS_ERR_VM_PADDR_UNREACHABLE;
    }
    return SYS_ERR_OK;
}

static errval_t check_source(const struct cte *table, const struct cte *src, uint64_t flags,
                             uint64_t offset_bytes, uint64_t pte_count)
{
    enum objkind kind = objtype_info[src->cap.type].kind;
    if (kind != OBJKIND_FRAME && kind != OBJKIND_VNODE) {
        return SYS_ERR_VM_MAP_NOT_MAPPABLE;
    }
    enum objtype table_type = table->cap.type;
    switch (paging_map_kind(table_type, src->cap.type)) {
    case PAGING_MAP_TABLE:
        return check_table_source(&src->cap, offset_bytes, pte_count);
    case PAGING_MAP_PAGE: {
        errval_t err = paging_check_flags(&src->cap, flags);
        if (err_is_fail(err)) {
            return err;
        }
        return check_frame_range(&src->cap, paging_entry_span_bytes(table_type), offset_bytes,
                                 pte_count);
    }
    default:
        TRACE_REFUSAL("a %s cannot be mapped into a %s", objtype_name((enum objtype)src->cap.type),
                      objtype_name(table_type));
        return SYS_ERR_VM_MAP_WRONG_LEVEL;
    }
}

/*
 * An uncached mapping reads memory, not the data cache, and on ARMv7 neither
 * do instruction fetches: dirty lines the kernel left there (a retype's
 * zeroes) would hide stale DRAM contents, another domain's data, behind
 * them. So every mapping made or turned uncached or executable first cleans
 * what it maps; cached data mappings (every first touch) need nothing.
 */
bool paging_flags_bypass_cache(uint64_t flags)
{
    return (flags & (VREGION_FLAGS_NOCACHE | VREGION_FLAGS_EXECUTE)) != 0;
}

errval_t paging_map(struct cte *table, uint64_t slot, struct cte *src, uint64_t flags,
                    uint64_t offset_bytes, uint64_t pte_count)
{
    errval_t err = check_table_range(table, slot, pte_count);
    if (err_is_ok(err)) {
        err = check_source(table, src, flags, offset_bytes, pte_count);
    }
    if (err_is_ok(err) && src->mapping.pte_count != 0) {
        err = SYS_ERR_VM_ALREADY_MAPPED;
    }
    /* The TLB rule (doc/paging.md): a table is mapped through one copy at most, so one path.
       tlb.c's climb and its check of a modify_flags hint both rely on it. */
    if (err_is_ok(err) && objtype_is_vnode(src->cap.type) &&
        mdb_find_mapped_copy(&src->cap, NULL) != NULL) {
        err = SYS_ERR_VM_TABLE_ALREADY_MAPPED;
    }
    if (err_is_ok(err) && !paging_entries_absent(table->cap.type, table->cap.base, (cslot_t)slot,
                                                 (cslot_t)pte_count)) {
        err = SYS_ERR_VM_ENTRY_PRESENT;
    }
    if (err_is_fail(err)) {
        return err;
    }

    enum objtype type = table->cap.type;
    bool is_table = paging_map_kind(type, src->cap.type) == PAGING_MAP_TABLE;
    if (is_table) {
        paging_write_entry(type, table->cap.base, (cslot_t)slot,
                           paging_make_table_entry(type, src->cap.base));
    } else {
        genpaddr_t paddr = src->cap.base + offset_bytes;
        if (paging_flags_bypass_cache(flags)) {
            platform_cache_clean_range(paddr, pte_count * paging_entry_span_bytes(type));
        }
        paging_write_page_run(type, table->cap.base, (cslot_t)slot, (cslot_t)pte_count, paddr,
                              (vregion_flags_t)flags);
    }
    paging_entries_written(type, table->cap.base, (cslot_t)slot, (cslot_t)pte_count);
    struct mapping_record record = {
        .table_base = table->cap.base,
        .offset_bytes = offset_bytes,
        .slot = (uint16_t)slot,
        .pte_count = (uint16_t)pte_count,
        .table_type = (uint8_t)type,
    };
    map_index_record(src, &record);
    return SYS_ERR_OK;
}
