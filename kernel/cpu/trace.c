/* Prints refused invocations with their arguments, identically on every architecture. */
#include <invocations.h>
#include <printk.h>
#include <trace.h>

struct command_info {
    const char *name;
    const char *args[INVOKE_ARGS];
};

static const struct command_info commands[CMD_NUM] = {
    [CMD_IDENTIFY] = {"identify", {NULL}},
    [CMD_CNODE_RETYPE] = {"retype",
                          {"src", "offset_bytes", "type", "obj_bytes", "count", "dest_cnode",
                           "dest_slot"}},
    [CMD_CNODE_COPY] = {"copy", {"dest_cnode", "dest_slot", "src"}},
    [CMD_CNODE_MINT] = {"mint", {"dest_cnode", "dest_slot", "src", "rights"}},
    [CMD_CNODE_DELETE] = {"delete", {"target"}},
    [CMD_CNODE_REVOKE] = {"revoke", {"target"}},
    [CMD_CNODE_RECLAIM] = {"reclaim", {"target"}},
    [CMD_VNODE_MAP] = {"map", {"slot", "src", "flags", "offset_bytes", "pte_count"}},
    [CMD_VNODE_UNMAP] = {"unmap", {"src", "slot", "pte_count"}},
    [CMD_VNODE_DUMP] = {"dump", {NULL}},
    [CMD_FRAME_MODIFY_FLAGS] = {"modify_flags", {"first_page", "pages", "flags"}},
    [CMD_IDENTIFY_MAPPING] = {"identify_mapping", {NULL}},
    [CMD_FRAME_SPLIT_MAPPING] = {"split_mapping", {"at", "dest"}},
    [CMD_VNODE_MAP_COPY] = {"map_copy",
                            {"slot", "src", "flags", "offset_bytes", "pte_count", "root",
                             "dest_cnode", "dest_slot"}},
};

void trace_refusal_detail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printk("kernel: refusal: ");
    vprintk(fmt, ap);
    printk("\n");
    va_end(ap);
}

void trace_refused_invocation(const struct dcb *dcb, const struct capability *invoked, uint64_t cmd,
                              const uintptr_t *args, errval_t err)
{
    const char *domain = dcb != NULL ? dcb->name : "?";
    if (cmd >= CMD_NUM || commands[cmd].name == NULL) {
        printk("kernel: refused %s: command %llu on %s: %s\n", domain, (unsigned long long)cmd,
               invoked != NULL ? objtype_name((enum objtype)invoked->type) : "(nothing)",
               err_getcode(err));
        return;
    }
    const struct command_info *c = &commands[cmd];
    printk("kernel: refused %s: %s.%s(", domain,
           invoked != NULL ? objtype_name((enum objtype)invoked->type) : "(nothing)", c->name);
    for (int i = 0; i < INVOKE_ARGS && c->args[i] != NULL; i++) {
        printk("%s%s=0x%llx", i == 0 ? "" : ", ", c->args[i], (unsigned long long)args[i]);
    }
    printk("): %s (%s)\n", err_getcode(err), err_getstring(err));
}
