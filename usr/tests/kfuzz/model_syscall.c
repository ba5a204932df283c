/* The model's system-call entry: call numbers, the invoked capability, and which type has which
 * command. */
#include "model_ops.h"

#include <stdbool.h>

/* Does a capability of this type answer cmd (other than identify, which every type answers)? */
static bool has_command(enum objtype type, uint64_t cmd)
{
    switch (cmd) {
    case CMD_CNODE_RETYPE:
    case CMD_CNODE_COPY:
    case CMD_CNODE_MINT:
    case CMD_CNODE_DELETE:
    case CMD_CNODE_REVOKE:
    case CMD_CNODE_RECLAIM:
        return type == ObjType_L1CNode;
    case CMD_VNODE_MAP:
    case CMD_VNODE_MAP_COPY:
    case CMD_VNODE_UNMAP:
    case CMD_VNODE_DUMP:
        return objtype_is_vnode(type);
    case CMD_FRAME_MODIFY_FLAGS:
    case CMD_FRAME_SPLIT_MAPPING:
        return type == ObjType_Frame || type == ObjType_DevFrame;
    case CMD_DISPATCHER_SETUP:
    case CMD_DISPATCHER_RUN:
    case CMD_DISPATCHER_STOP:
    case CMD_DISPATCHER_SET_FAULT_EP:
    case CMD_DISPATCHER_RESUME:
        return type == ObjType_Dispatcher;
    case CMD_ENDPOINT_SEND:
        return type == ObjType_Endpoint;
    case CMD_IDENTIFY_MAPPING:
        return type == ObjType_Frame || type == ObjType_DevFrame || objtype_is_vnode(type);
    default:
        return false;
    }
}

static errval_t invoke(struct model *m, struct mcap *invoked, uint64_t cmd, const uintptr_t *a)
{
    struct mcap root = *invoked; /* handlers may move the array; the root stays while they run */
    switch (cmd) {
    case CMD_CNODE_RETYPE:
        return model_retype(m, &root, a);
    case CMD_CNODE_COPY:
    case CMD_CNODE_MINT:
        return model_copy(m, &root, a, cmd == CMD_CNODE_MINT);
    case CMD_CNODE_DELETE:
    case CMD_CNODE_REVOKE:
        return model_delete_or_revoke(m, &root, root.loc, a, cmd == CMD_CNODE_REVOKE);
    case CMD_VNODE_MAP:
        return model_map(m, invoked, a);
    case CMD_VNODE_MAP_COPY:
        return model_map_copy(m, invoked, a);
    case CMD_VNODE_UNMAP:
        return model_unmap(m, invoked, a);
    case CMD_FRAME_MODIFY_FLAGS:
        return model_modify_flags(invoked, a);
    case CMD_DISPATCHER_SETUP:
    case CMD_DISPATCHER_RUN:
    case CMD_DISPATCHER_STOP:
    case CMD_DISPATCHER_SET_FAULT_EP:
    case CMD_DISPATCHER_RESUME:
        return model_dispatcher(m, &root, cmd, a);
    case CMD_ENDPOINT_SEND:
        return model_send(m, &root, a);
    case CMD_FRAME_SPLIT_MAPPING:
        return model_split_mapping(m, invoked, a);
    case CMD_IDENTIFY_MAPPING: /* its values are checked by caps_check, not here */
        return invoked->map_count != 0 ? SYS_ERR_OK : SYS_ERR_VM_NOT_MAPPED;
    default: /* CMD_VNODE_DUMP prints and changes nothing */
        return SYS_ERR_OK;
    }
}

static struct sysret model_invoke(struct model *m, uint64_t invoked_addr, uint64_t cmd,
                                  const uintptr_t *a)
{
    struct mcap *invoked;
    struct sysret ret = {.error =
                             model_lookup_cap(m, model_caller_root(m), invoked_addr, &invoked)};
    if (err_is_fail(ret.error)) {
        return ret;
    }
    if (cmd == CMD_IDENTIFY) {
        ret.value[0] = invoked->type;
        ret.value[1] = (uintptr_t)invoked->base;
        ret.value[2] = (uintptr_t)invoked->bytes;
        ret.value[3] = invoked->rights;
        ret.value[4] = model_type_word(m, invoked);
        return ret;
    }
    if (!has_command((enum objtype)invoked->type, cmd)) {
        ret.error = SYS_ERR_ILLEGAL_INVOCATION;
        return ret;
    }
    if (cmd == CMD_CNODE_RECLAIM) { /* the one command besides identify with values */
        struct mcap root = *invoked;
        model_reclaim(m, &root, root.loc, a, &ret);
        return ret;
    }
    ret.error = invoke(m, invoked, cmd, a);
    return ret;
}

struct sysret model_syscall(struct model *m, const uintptr_t regs[SYSCALL_REGS])
{
    m->touched_count = 0;
    switch (regs[0]) {
    case SYSCALL_INVOKE:
        return model_invoke(m, regs[1], regs[2], &regs[3]);
    case SYSCALL_PUTCHAR:
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_EXIT:
        model_exit(m, regs[1]);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_YIELD:
        model_yield(m);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_WAIT:
        model_wait(m);
        return (struct sysret){.error = SYS_ERR_OK};
    case SYSCALL_DEBUG: /* the kernel's check of itself must always pass */
        if (regs[1] == DEBUG_TRANSLATE) {
            return model_translate(m, regs[2]);
        }
        return (struct sysret){.error = regs[1] == DEBUG_CHECK_KERNEL ? SYS_ERR_OK
                                                                      : SYS_ERR_ILLEGAL_DEBUG_CMD};
    default:
        return (struct sysret){.error = SYS_ERR_ILLEGAL_SYSCALL};
    }
}

/* The host's call acts on init (its CSpace, its root), whichever domain runs. */
errval_t model_load_root(struct model *m, capaddr_t addr)
{
    struct mcap *table;
    m->touched_count = 0;
    const struct mcap *init_root = model_at(m, (struct mloc){MODEL_HELD, MODEL_HELD_CSPACE});
    errval_t err = model_lookup_cap(m, init_root, addr, &table);
    if (err_is_fail(err)) {
        return err;
    }
    if (table->type != fmt_root()) {
        return SYS_ERR_VM_MAP_WRONG_LEVEL;
    }
    struct mcap loaded = *table;
    struct mloc held = {MODEL_HELD, MODEL_HELD_VROOT};
    struct mcap *old = model_at(m, held);
    if (old != NULL) {
        model_delete(m, old); /* the previous root is no longer in use */
    }
    model_add(m, held, (enum objtype)loaded.type, loaded.rights, loaded.base, loaded.bytes);
    return SYS_ERR_OK;
}
