/* Invocation dispatch: one table of handlers indexed by object type and command. */
#include <cspace.h>
#include <paging.h>
#include <ptdump.h>
#include <syscall.h>
#include <trace.h>

/* root is the caller's CSpace root, for arguments that name capabilities. */
typedef struct sysret (*invocation_handler)(const struct capability *root, struct cte *invoked,
                                            const uintptr_t *args);

static struct sysret sysret_error(errval_t err)
{
    return (struct sysret){.error = err};
}

/* Every change to a CSpace goes through a root CNode capability with the write right. */
static errval_t cnode_check_writable(const struct cte *root)
{
    return (root->cap.rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
}

/* IDENTIFY's values: type, base, bytes, rights, and a word of the type's own. */
static struct sysret identity_of(const struct capability *cap)
{
    return (struct sysret){
        .error = SYS_ERR_OK,
        .value = {cap->type, (uintptr_t)cap->base, (uintptr_t)cap->bytes, cap->rights,
                  cap->type == ObjType_Dispatcher ? dispatcher_identify_word(cap)
                  : cap->type == ObjType_Endpoint ? cap->badge
                                                  : 0},
    };
}

/* Any capability: its identity. */
static struct sysret handle_identify(const struct capability *caller, struct cte *invoked,
                                     const uintptr_t *args)
{
    (void)caller;
    (void)args;
    return identity_of(&invoked->cap);
}

/* L1 CNode: RETYPE(src, offset_bytes, type, obj_bytes, count, dest_cnode, dest_slot). */
static struct sysret handle_retype(const struct capability *caller, struct cte *root,
                                   const uintptr_t *args)
{
    (void)caller;
    struct cte *src;
    struct cte *dest_cnode;
    errval_t err = cnode_check_writable(root);
    if (err_is_ok(err)) {
        err = cspace_lookup_cap(&root->cap, args[0], &src);
    }
    if (err_is_ok(err)) {
        err = cspace_lookup_cnode(&root->cap, args[5], &dest_cnode);
    }
    if (err_is_ok(err)) {
        err = caps_retype(src, args[1], args[2], args[3], args[4], dest_cnode, args[6]);
    }
    return sysret_error(err);
}

/* Copy and mint share their lookups: (dest_cnode, dest_slot, src[, rights, badge]), through
   root; *made is the new copy. */
static errval_t copy_into(const struct capability *root, const uintptr_t *args, bool mint,
                          struct cte **made)
{
    struct cte *dest_cnode;
    struct cte *src;
    errval_t err = (root->rights & CAPRIGHTS_WRITE) ? SYS_ERR_OK : SYS_ERR_CNODE_NOT_WRITABLE;
    if (err_is_ok(err)) {
        err = cspace_lookup_cap(root, args[2], &src);
    }
    if (err_is_ok(err)) {
        err = cspace_lookup_cnode(root, args[0], &dest_cnode);
    }
    if (err_is_ok(err)) {
        err = cspace_empty_slots(&dest_cnode->cap, args[1], 1, made);
    }
    if (err_is_ok(err)) {
        err =
            mint ? caps_mint(*made, src, args[3], args[4]) : caps_copy(*made, src, src->cap.rights);
    }
    return err;
}

static struct sysret copy_or_mint(struct cte *root, const uintptr_t *args, bool mint)
{
    struct cte *made;
    return sysret_error(copy_into(&root->cap, args, mint, &made));
}

static struct sysret handle_copy(const struct capability *caller, struct cte *root,
                                 const uintptr_t *args)
{
    (void)caller;
    return copy_or_mint(root, args, false);
}

static struct sysret handle_mint(const struct capability *caller, struct cte *root,
                                 const uintptr_t *args)
{
    (void)caller;
    return copy_or_mint(root, args, true);
}

/* Delete, revoke and reclaim take one address, (target), in a slot the caller may empty. */
static errval_t lookup_target(struct cte *root, const uintptr_t *args, struct cte **target)
{
    errval_t err = cnode_check_writable(root);
    return err_is_ok(err) ? cspace_lookup_writable(&root->cap, args[0], target) : err;
}

static struct sysret handle_delete(const struct capability *caller, struct cte *root,
                                   const uintptr_t *args)
{
    (void)caller;
    struct cte *target;
    errval_t err = lookup_target(root, args, &target);
    if (err_is_ok(err) && target == root) {
        err = SYS_ERR_DELETE_ROOT_CNODE; /* the domain would lose the name of its own CSpace */
    }
    return sysret_error(err_is_ok(err) ? caps_delete(target) : err);
}

static struct sysret handle_revoke(const struct capability *caller, struct cte *root,
                                   const uintptr_t *args)
{
    (void)caller;
    struct cte *target;
    errval_t err = lookup_target(root, args, &target);
    /* Without grant a holder may delete its own copy, but not the copies others hold. */
    if (err_is_ok(err) && !(target->cap.rights & CAPRIGHTS_GRANT)) {
        err = SYS_ERR_REVOKE_NEEDS_GRANT;
    }
    return sysret_error(err_is_ok(err) ? caps_revoke(target, root) : err);
}

/*
 * L1 CNode: RECLAIM(target): REVOKE, then DELETE, in one call, with the values IDENTIFY gave
 * before: what an allocator's free needs to take the memory back. Every refusal comes before
 * anything changes. The target may sit in a CNode the revoke emptied; then it is gone already.
 */
static struct sysret handle_reclaim(const struct capability *caller, struct cte *root,
                                    const uintptr_t *args)
{
    (void)caller;
    struct cte *target;
    errval_t err = lookup_target(root, args, &target);
    if (err_is_ok(err) && target == root) {
        err = SYS_ERR_DELETE_ROOT_CNODE;
    }
    if (err_is_ok(err) && !(target->cap.rights & CAPRIGHTS_GRANT)) {
        err = SYS_ERR_REVOKE_NEEDS_GRANT;
    }
    if (err_is_fail(err)) {
        return sysret_error(err);
    }
    struct sysret ret = identity_of(&target->cap);
    caps_revoke(target, root); /* neither can fail now: the target is there, and may go */
    if (!cte_is_empty(target)) {
        caps_delete(target);
    }
    return ret;
}

/* VNode: MAP(slot, src, flags, offset_bytes, pte_count). */
static struct sysret handle_map(const struct capability *caller, struct cte *table,
                                const uintptr_t *args)
{
    struct cte *src;
    errval_t err = cspace_lookup_cap(caller, args[1], &src);
    if (err_is_ok(err)) {
        err = paging_map(table, args[0], src, args[2], args[3], args[4]);
    }
    return sysret_error(err);
}

/*
 * VNode: MAP_COPY(slot, src, flags, offset_bytes, pte_count, root, dest_cnode, dest_slot): what
 * COPY(dest_cnode, dest_slot, src) invoked on the L1 CNode at root would do, then MAP of that
 * copy, in one call (a pmap's map of a page): the same rights decide as if the two calls were
 * made. All or nothing: a refused map deletes the copy, a fresh one that holds no mapping and is
 * not the last, so the delete undoes exactly the copy.
 */
static struct sysret handle_map_copy(const struct capability *caller, struct cte *table,
                                     const uintptr_t *args)
{
    struct cte *root;
    errval_t err = cspace_lookup_cap(caller, args[5], &root);
    if (err_is_ok(err) && root->cap.type != ObjType_L1CNode) {
        err = SYS_ERR_ILLEGAL_INVOCATION; /* what COPY invoked on it would answer */
    }
    const uintptr_t copy_args[INVOKE_ARGS] = {args[6], args[7], args[1]};
    struct cte *copy;
    if (err_is_ok(err)) {
        err = copy_into(&root->cap, copy_args, false, &copy);
    }
    if (err_is_ok(err)) {
        err = paging_map(table, args[0], copy, args[2], args[3], args[4]);
        if (err_is_fail(err)) {
            caps_delete(copy);
        }
    }
    return sysret_error(err);
}

/* VNode: UNMAP(src, slot, pte_count). */
static struct sysret handle_unmap(const struct capability *caller, struct cte *table,
                                  const uintptr_t *args)
{
    struct cte *src;
    errval_t err = cspace_lookup_cap(caller, args[0], &src);
    if (err_is_ok(err)) {
        err = paging_unmap(table, src, args[1], args[2]);
    }
    return sysret_error(err);
}

/* VNode: DUMP(): the tables below this one, on the kernel console. */
static struct sysret handle_dump(const struct capability *caller, struct cte *table,
                                 const uintptr_t *args)
{
    (void)caller;
    (void)args;
    ptdump((enum objtype)table->cap.type, table->cap.base);
    return sysret_error(SYS_ERR_OK);
}

/* Frame, DevFrame: MODIFY_FLAGS(first_page, pages, flags, vaddr_hint). */
static struct sysret handle_modify_flags(const struct capability *caller, struct cte *frame,
                                         const uintptr_t *args)
{
    (void)caller;
    return sysret_error(paging_modify_flags(frame, args[0], args[1], args[2], args[3]));
}

/* Frame, DevFrame, VNode: IDENTIFY_MAPPING(): the mapping this copy holds. */
static struct sysret handle_identify_mapping(const struct capability *caller, struct cte *copy,
                                             const uintptr_t *args)
{
    (void)caller;
    (void)args;
    return paging_identify_mapping(copy);
}

/* Frame, DevFrame: SPLIT_MAPPING(at, dest). */
static struct sysret handle_split_mapping(const struct capability *caller, struct cte *frame,
                                          const uintptr_t *args)
{
    struct cte *dest;
    errval_t err = cspace_lookup_cap(caller, args[1], &dest);
    if (err_is_ok(err)) {
        err = paging_split_mapping(frame, args[0], dest);
    }
    return sysret_error(err);
}

/* Dispatcher: SETUP, RUN, STOP (dispatcher.c). */
static struct sysret handle_dispatcher(const struct capability *caller, struct cte *dispatcher,
                                       const uintptr_t *args, uint64_t cmd)
{
    return dispatcher_invoke(caller, dispatcher, cmd, args);
}

static struct sysret handle_dispatcher_setup(const struct capability *caller,
                                             struct cte *dispatcher, const uintptr_t *args)
{
    return handle_dispatcher(caller, dispatcher, args, CMD_DISPATCHER_SETUP);
}

static struct sysret handle_dispatcher_run(const struct capability *caller, struct cte *dispatcher,
                                           const uintptr_t *args)
{
    return handle_dispatcher(caller, dispatcher, args, CMD_DISPATCHER_RUN);
}

static struct sysret handle_dispatcher_set_fault_ep(const struct capability *caller,
                                                    struct cte *dispatcher, const uintptr_t *args)
{
    return handle_dispatcher(caller, dispatcher, args, CMD_DISPATCHER_SET_FAULT_EP);
}

static struct sysret handle_dispatcher_resume(const struct capability *caller,
                                              struct cte *dispatcher, const uintptr_t *args)
{
    return handle_dispatcher(caller, dispatcher, args, CMD_DISPATCHER_RESUME);
}

static struct sysret handle_dispatcher_stop(const struct capability *caller, struct cte *dispatcher,
                                            const uintptr_t *args)
{
    return handle_dispatcher(caller, dispatcher, args, CMD_DISPATCHER_STOP);
}

#define VNODE_INVOCATIONS                                                                          \
    {                                                                                              \
        [CMD_VNODE_MAP] = handle_map, [CMD_VNODE_UNMAP] = handle_unmap,                            \
        [CMD_VNODE_DUMP] = handle_dump, [CMD_IDENTIFY_MAPPING] = handle_identify_mapping,          \
        [CMD_VNODE_MAP_COPY] = handle_map_copy,                                                    \
    }
#define FRAME_INVOCATIONS                                                                          \
    {                                                                                              \
        [CMD_FRAME_MODIFY_FLAGS] = handle_modify_flags,                                            \
        [CMD_IDENTIFY_MAPPING] = handle_identify_mapping,                                          \
        [CMD_FRAME_SPLIT_MAPPING] = handle_split_mapping,                                          \
    }

static const invocation_handler invocations[ObjType_Num][CMD_NUM] = {
    [ObjType_L1CNode] =
        {
            [CMD_CNODE_RETYPE] = handle_retype,
            [CMD_CNODE_COPY] = handle_copy,
            [CMD_CNODE_MINT] = handle_mint,
            [CMD_CNODE_DELETE] = handle_delete,
            [CMD_CNODE_REVOKE] = handle_revoke,
            [CMD_CNODE_RECLAIM] = handle_reclaim,
        },
    [ObjType_Frame] = FRAME_INVOCATIONS,
    [ObjType_DevFrame] = FRAME_INVOCATIONS,
    [ObjType_VNode_x86_64_pml4] = VNODE_INVOCATIONS,
    [ObjType_VNode_x86_64_pdpt] = VNODE_INVOCATIONS,
    [ObjType_VNode_x86_64_pdir] = VNODE_INVOCATIONS,
    [ObjType_VNode_x86_64_ptable] = VNODE_INVOCATIONS,
    [ObjType_VNode_ARM_l1] = VNODE_INVOCATIONS,
    [ObjType_VNode_ARM_l2] = VNODE_INVOCATIONS,
    [ObjType_Dispatcher] =
        {
            [CMD_DISPATCHER_SETUP] = handle_dispatcher_setup,
            [CMD_DISPATCHER_RUN] = handle_dispatcher_run,
            [CMD_DISPATCHER_STOP] = handle_dispatcher_stop,
            [CMD_DISPATCHER_SET_FAULT_EP] = handle_dispatcher_set_fault_ep,
            [CMD_DISPATCHER_RESUME] = handle_dispatcher_resume,
        },
    [ObjType_Endpoint] = {[CMD_ENDPOINT_SEND] = endpoint_invoke_send},
};

struct sysret sys_invoke(struct dcb *dcb, uint64_t invoked, uint64_t cmd,
                         const uintptr_t args[INVOKE_ARGS])
{
    struct cte *cte = NULL;
    struct sysret ret;
    errval_t err = cspace_lookup_cap(&dcb->cspace.cap, invoked, &cte);
    if (err_is_fail(err)) {
        ret = sysret_error(err);
    } else if (cmd == CMD_IDENTIFY) {
        ret = handle_identify(&dcb->cspace.cap, cte, args);
    } else if (cmd >= CMD_NUM || invocations[cte->cap.type][cmd] == NULL) {
        ret = sysret_error(SYS_ERR_ILLEGAL_INVOCATION);
    } else {
        ret = invocations[cte->cap.type][cmd](&dcb->cspace.cap, cte, args);
    }
    if (KERNEL_TRACE_ON && err_is_fail(ret.error)) {
        trace_refused_invocation(dcb, cte != NULL ? &cte->cap : NULL, cmd, args, ret.error);
    }
    return ret;
}
