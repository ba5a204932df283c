/* Invocation dispatch: one table of handlers indexed by object type and command. */
#include <cspace.h>
#include <syscall.h>

typedef struct sysret (*invocation_handler)(struct cte *invoked, const uintptr_t *args);

static struct sysret sysret_error(errval_t err)
{
    return (struct sysret){.error = err};
}

/* Any capability: type, base, bytes and rights. */
static struct sysret handle_identify(struct cte *invoked, const uintptr_t *args)
{
    (void)args;
    return (struct sysret){
        .error = SYS_ERR_OK,
        .value = {invoked->cap.type, (uintptr_t)invoked->cap.base, (uintptr_t)invoked->cap.bytes,
                  invoked->cap.rights},
    };
}

/* L1 CNode: RETYPE(src, offset_bytes, type, obj_bytes, count, dest_cnode, dest_slot). */
static struct sysret handle_retype(struct cte *root, const uintptr_t *args)
{
    struct cte *src;
    struct cte *dest_cnode;
    errval_t err = cspace_lookup_cap(&root->cap, args[0], &src);
    if (err_is_ok(err)) {
        err = cspace_lookup_cnode(&root->cap, args[5], &dest_cnode);
    }
    if (err_is_ok(err)) {
        err = caps_retype(src, args[1], args[2], args[3], args[4], dest_cnode, args[6]);
    }
    return sysret_error(err);
}

/* Copy and mint share their lookups: (dest_cnode, dest_slot, src[, rights]). */
static struct sysret copy_or_mint(struct cte *root, const uintptr_t *args, bool mint)
{
    struct cte *dest_cnode;
    struct cte *src;
    struct cte *dest;
    errval_t err = cspace_lookup_cap(&root->cap, args[2], &src);
    if (err_is_ok(err)) {
        err = cspace_lookup_cnode(&root->cap, args[0], &dest_cnode);
    }
    if (err_is_ok(err)) {
        err = cspace_empty_slots(&dest_cnode->cap, args[1], 1, &dest);
    }
    if (err_is_ok(err)) {
        err = caps_copy(dest, src, mint ? args[3] : src->cap.rights);
    }
    return sysret_error(err);
}

static struct sysret handle_copy(struct cte *root, const uintptr_t *args)
{
    return copy_or_mint(root, args, false);
}

static struct sysret handle_mint(struct cte *root, const uintptr_t *args)
{
    return copy_or_mint(root, args, true);
}

/* Delete and revoke take one address: (target). */
static struct sysret handle_delete(struct cte *root, const uintptr_t *args)
{
    struct cte *target;
    errval_t err = cspace_lookup_cap(&root->cap, args[0], &target);
    return sysret_error(err_is_ok(err) ? caps_delete(target) : err);
}

static struct sysret handle_revoke(struct cte *root, const uintptr_t *args)
{
    struct cte *target;
    errval_t err = cspace_lookup_cap(&root->cap, args[0], &target);
    return sysret_error(err_is_ok(err) ? caps_revoke(target) : err);
}

static const invocation_handler invocations[ObjType_Num][CMD_NUM] = {
    [ObjType_L1CNode] =
        {
            [CMD_CNODE_RETYPE] = handle_retype,
            [CMD_CNODE_COPY] = handle_copy,
            [CMD_CNODE_MINT] = handle_mint,
            [CMD_CNODE_DELETE] = handle_delete,
            [CMD_CNODE_REVOKE] = handle_revoke,
        },
};

struct sysret sys_invoke(struct dcb *dcb, uint64_t invoked, uint64_t cmd,
                         const uintptr_t args[INVOKE_ARGS])
{
    struct cte *cte;
    errval_t err = cspace_lookup_cap(&dcb->cspace.cap, invoked, &cte);
    if (err_is_fail(err)) {
        return sysret_error(err);
    }
    if (cmd == CMD_IDENTIFY) {
        return handle_identify(cte, args);
    }
    if (cmd >= CMD_NUM || invocations[cte->cap.type][cmd] == NULL) {
        return sysret_error(SYS_ERR_ILLEGAL_INVOCATION);
    }
    return invocations[cte->cap.type][cmd](cte, args);
}
