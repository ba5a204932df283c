/* Raw capability invocations: one wrapper per kernel command, returning the kernel's error. */
#ifndef LIBCAP_INVOKE_H
#define LIBCAP_INVOKE_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <invocations.h>
#include <paging_flags.h>
#include <stddef.h>

/* Invokes a capability: the platform's trap with SYSCALL_INVOKE (lib/libcap/arch/). */
struct sysret syscall_invoke(capaddr_t invoked, enum invocation_cmd cmd,
                             const uintptr_t args[INVOKE_ARGS]);

/* What identify reports about a capability. */
struct cap_identity {
    enum objtype type;
    genpaddr_t base;
    gensize_t bytes;
    caprights_t rights;
    uintptr_t type_word; /* the type's own word: a Dispatcher's state and exit status */
};

/* What identify_mapping reports: the mapping a capability copy holds (include/invocations.h). */
struct cap_mapping {
    genpaddr_t table_base; /* the physical base of the table it is mapped in */
    enum objtype table_type;
    cslot_t slot; /* the first entry */
    size_t pte_count;
    gensize_t offset_bytes; /* into the object, of the first entry (0 for a table) */
    vregion_flags_t flags;  /* what the entries allow (the first entry's when mixed); 0: a table */
    bool flags_mixed;       /* the entries carry different flags */
};

/* Makes count objects of obj_bytes each in dest_cnode's slots from dest_slot on. */
static inline errval_t invoke_cnode_retype(capaddr_t root, capaddr_t src, gensize_t offset_bytes,
                                           enum objtype type, gensize_t obj_bytes, size_t count,
                                           capaddr_t dest_cnode, cslot_t dest_slot)
{
    const uintptr_t args[INVOKE_ARGS] = {
        src, (uintptr_t)offset_bytes, type, (uintptr_t)obj_bytes, count, dest_cnode, dest_slot};
    return syscall_invoke(root, CMD_CNODE_RETYPE, args).error;
}

static inline errval_t invoke_cnode_copy(capaddr_t root, capaddr_t dest_cnode, cslot_t dest_slot,
                                         capaddr_t src)
{
    const uintptr_t args[INVOKE_ARGS] = {dest_cnode, dest_slot, src};
    return syscall_invoke(root, CMD_CNODE_COPY, args).error;
}

static inline errval_t invoke_cnode_mint(capaddr_t root, capaddr_t dest_cnode, cslot_t dest_slot,
                                         capaddr_t src, caprights_t rights)
{
    const uintptr_t args[INVOKE_ARGS] = {dest_cnode, dest_slot, src, rights};
    return syscall_invoke(root, CMD_CNODE_MINT, args).error;
}

/* MINT with a badge for a copy of an unbadged Endpoint (0: the source's, as invoke_cnode_mint). */
static inline errval_t invoke_cnode_mint_badged(capaddr_t root, capaddr_t dest_cnode,
                                                cslot_t dest_slot, capaddr_t src,
                                                caprights_t rights, uint32_t badge)
{
    const uintptr_t args[INVOKE_ARGS] = {dest_cnode, dest_slot, src, rights, badge};
    return syscall_invoke(root, CMD_CNODE_MINT, args).error;
}

static inline errval_t invoke_cnode_delete(capaddr_t root, capaddr_t target)
{
    const uintptr_t args[INVOKE_ARGS] = {target};
    return syscall_invoke(root, CMD_CNODE_DELETE, args).error;
}

static inline errval_t invoke_cnode_revoke(capaddr_t root, capaddr_t target)
{
    const uintptr_t args[INVOKE_ARGS] = {target};
    return syscall_invoke(root, CMD_CNODE_REVOKE, args).error;
}

/* IDENTIFY's values as a struct (invoke_cap_identify, invoke_cnode_reclaim). */
static inline struct cap_identity identity_from(const struct sysret *r)
{
    return (struct cap_identity){
        .type = (enum objtype)r->value[0],
        .base = r->value[1],
        .bytes = r->value[2],
        .rights = (caprights_t)r->value[3],
        .type_word = r->value[4],
    };
}

/* Revokes and deletes target in one call; *ret: what it was (include/invocations.h). */
static inline errval_t invoke_cnode_reclaim(capaddr_t root, capaddr_t target,
                                            struct cap_identity *ret)
{
    const uintptr_t args[INVOKE_ARGS] = {target};
    struct sysret r = syscall_invoke(root, CMD_CNODE_RECLAIM, args);
    if (err_is_ok(r.error)) {
        *ret = identity_from(&r);
    }
    return r.error;
}

/* Maps src (a frame from offset_bytes on, or a next-level table) at entries [slot, +pte_count). */
static inline errval_t invoke_vnode_map(capaddr_t table, cslot_t slot, capaddr_t src,
                                        vregion_flags_t flags, gensize_t offset_bytes,
                                        size_t pte_count)
{
    if (offset_bytes != (uintptr_t)offset_bytes) {
        return SYS_ERR_VM_MAP_OFFSET_INVALID; /* a word cannot carry it: past any frame here */
    }
    const uintptr_t args[INVOKE_ARGS] = {slot, src, flags, (uintptr_t)offset_bytes, pte_count};
    return syscall_invoke(table, CMD_VNODE_MAP, args).error;
}

/* A copy of src (through root) into the empty slot dest, mapped as invoke_vnode_map maps: one
   call, all or nothing (include/invocations.h, CMD_VNODE_MAP_COPY). */
static inline errval_t invoke_vnode_map_copy(capaddr_t table, cslot_t slot, capaddr_t src,
                                             vregion_flags_t flags, gensize_t offset_bytes,
                                             size_t pte_count, capaddr_t root, capaddr_t dest_cnode,
                                             cslot_t dest_slot)
{
    if (offset_bytes != (uintptr_t)offset_bytes) {
        return SYS_ERR_VM_MAP_OFFSET_INVALID; /* a word cannot carry it: past any frame here */
    }
    const uintptr_t args[INVOKE_ARGS] = {slot,      src,  flags,      (uintptr_t)offset_bytes,
                                         pte_count, root, dest_cnode, dest_slot};
    return syscall_invoke(table, CMD_VNODE_MAP_COPY, args).error;
}

/* Removes the mapping recorded with src, which must be entries [slot, +pte_count) of table. */
static inline errval_t invoke_vnode_unmap(capaddr_t table, capaddr_t src, cslot_t slot,
                                          size_t pte_count)
{
    const uintptr_t args[INVOKE_ARGS] = {src, slot, pte_count};
    return syscall_invoke(table, CMD_VNODE_UNMAP, args).error;
}

/* Prints the hardware tables below table on the kernel console (index, entry, address, flags). */
static inline errval_t invoke_vnode_dump(capaddr_t table)
{
    const uintptr_t args[INVOKE_ARGS] = {0};
    return syscall_invoke(table, CMD_VNODE_DUMP, args).error;
}

/* Changes the flags of pages [first_page, +pages) of the mapping recorded with frame;
   vaddr_hint (0: none) is where first_page lies for the caller. */
static inline errval_t invoke_frame_modify_flags(capaddr_t frame, size_t first_page, size_t pages,
                                                 vregion_flags_t flags, uint64_t vaddr_hint)
{
    const uintptr_t args[INVOKE_ARGS] = {first_page, pages, flags, (uintptr_t)vaddr_hint};
    return syscall_invoke(frame, CMD_FRAME_MODIFY_FLAGS, args).error;
}

static inline errval_t invoke_cap_identify(capaddr_t cap, struct cap_identity *ret)
{
    const uintptr_t args[INVOKE_ARGS] = {0};
    struct sysret r = syscall_invoke(cap, CMD_IDENTIFY, args);
    if (err_is_ok(r.error)) {
        *ret = identity_from(&r);
    }
    return r.error;
}

/* Moves entries [at, count) of the mapping recorded with frame to dest, an unmapped copy. */
static inline errval_t invoke_frame_split_mapping(capaddr_t frame, size_t at, capaddr_t dest)
{
    const uintptr_t args[INVOKE_ARGS] = {at, dest};
    return syscall_invoke(frame, CMD_FRAME_SPLIT_MAPPING, args).error;
}

/* The mapping the copy at cap holds; SYS_ERR_VM_NOT_MAPPED if it holds none. */
static inline errval_t invoke_cap_identify_mapping(capaddr_t cap, struct cap_mapping *ret)
{
    const uintptr_t args[INVOKE_ARGS] = {0};
    struct sysret r = syscall_invoke(cap, CMD_IDENTIFY_MAPPING, args);
    if (err_is_ok(r.error)) {
        *ret = (struct cap_mapping){
            .table_base = r.value[0],
            .table_type = (enum objtype)IDENTIFY_MAPPING_TABLE_TYPE(r.value[3]),
            .slot = IDENTIFY_MAPPING_SLOT(r.value[2]),
            .pte_count = IDENTIFY_MAPPING_COUNT(r.value[2]),
            .offset_bytes = r.value[1],
            .flags = IDENTIFY_MAPPING_FLAGS(r.value[3]),
            .flags_mixed = (r.value[3] & IDENTIFY_MAPPING_MIXED) != 0,
        };
    }
    return r.error;
}

/* Dispatcher: SETUP(cspace, vroot, frame, frame_vaddr, entry, stack_top). */
static inline errval_t invoke_dispatcher_setup(capaddr_t dispatcher, capaddr_t cspace,
                                               capaddr_t vroot, capaddr_t frame,
                                               uintptr_t frame_vaddr, uintptr_t entry,
                                               uintptr_t stack_top)
{
    const uintptr_t args[INVOKE_ARGS] = {cspace, vroot, frame, frame_vaddr, entry, stack_top};
    return syscall_invoke(dispatcher, CMD_DISPATCHER_SETUP, args).error;
}

/* Dispatcher: RUN() and STOP(). */
static inline errval_t invoke_dispatcher_run(capaddr_t dispatcher)
{
    const uintptr_t args[INVOKE_ARGS] = {0};
    return syscall_invoke(dispatcher, CMD_DISPATCHER_RUN, args).error;
}

/* Endpoint: SEND(flags, cap, length, w0, w1, w2, w3). */
static inline errval_t invoke_endpoint_send(capaddr_t endpoint, uint64_t flags, capaddr_t cap,
                                            size_t length, const uintptr_t words[4])
{
    const uintptr_t args[INVOKE_ARGS] = {(uintptr_t)flags, cap,      length,  words[0],
                                         words[1],         words[2], words[3]};
    return syscall_invoke(endpoint, CMD_ENDPOINT_SEND, args).error;
}

static inline errval_t invoke_dispatcher_stop(capaddr_t dispatcher)
{
    const uintptr_t args[INVOKE_ARGS] = {0};
    return syscall_invoke(dispatcher, CMD_DISPATCHER_STOP, args).error;
}

static inline errval_t invoke_dispatcher_set_fault_ep(capaddr_t dispatcher, capaddr_t ep)
{
    const uintptr_t args[INVOKE_ARGS] = {ep};
    return syscall_invoke(dispatcher, CMD_DISPATCHER_SET_FAULT_EP, args).error;
}

static inline errval_t invoke_dispatcher_resume(capaddr_t dispatcher, uintptr_t flags)
{
    const uintptr_t args[INVOKE_ARGS] = {flags};
    return syscall_invoke(dispatcher, CMD_DISPATCHER_RESUME, args).error;
}

#endif
