/* Finding a boot module by name: the boot information page names them, MODULECN holds them. */
#include "spawn_internal.h"
#include <string.h>

/* Does the entry's name, NUL-terminated inside its field, equal name? */
static bool name_is(const struct bootinfo_module *m, const char *name)
{
    size_t len = strlen(name);
    return len < BOOTINFO_NAME_BYTES && memcmp(m->name, name, len + 1) == 0;
}

/* The index of the module called name among the first count of info, or count if none is. */
static uint32_t find(const struct bootinfo *info, uint32_t count, const char *name,
                     gensize_t *bytes)
{
    for (uint32_t i = 0; i < count; i++) {
        if (name_is(&info->modules[i], name)) {
            *bytes = info->modules[i].bytes;
            return i;
        }
    }
    return count;
}

errval_t spawn_find_module(struct pmap *parent, const char *name, struct spawn_module *ret)
{
    struct capref bootinfo = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN),
                              .slot = TASKCN_SLOT_BOOTINFO};
    struct cap_identity id;
    if (err_is_fail(cap_identify(bootinfo, &id)) || id.type != ObjType_Frame) {
        return LIB_ERR_SPAWN_BOOTINFO;
    }
    struct spawn_window w;
    errval_t err = spawn_window_open(parent, bootinfo, BASE_PAGE_BYTES, VREGION_FLAGS_READ, &w);
    if (err_is_fail(err)) {
        return err;
    }
    const struct bootinfo *info = w.ptr;
    uint32_t count = info->module_count;
    bool sane = info->magic == BOOTINFO_MAGIC && count <= BOOTINFO_MODULES_MAX;
    gensize_t bytes = 0;
    uint32_t index = sane ? find(info, count, name, &bytes) : 0;
    err = spawn_window_close(&w);
    if (err_is_fail(err)) {
        return err;
    }
    if (!sane) {
        return LIB_ERR_SPAWN_BOOTINFO;
    }
    if (index == count) {
        return LIB_ERR_SPAWN_MODULE_NOT_FOUND;
    }
    ret->frame = (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_MODULECN), .slot = index};
    ret->bytes = bytes;
    if (err_is_fail(cap_identify(ret->frame, &id)) || id.type != ObjType_Frame ||
        id.bytes < bytes) {
        return LIB_ERR_SPAWN_BOOTINFO;
    }
    return SYS_ERR_OK;
}
