/* Hands init the boot image: a read-only Frame per module and the page that names them. */
#include <bootmods.h>
#include <cspace.h>
#include <init_cspace.h>
#include <mdb.h>
#include <phys_mem.h>

_Static_assert(BOOTINFO_MODULES_MAX <= L2_CNODE_SLOTS, "MODULECN holds every module");

/* init may map and copy these but not write or retype them: they are the boot image. */
static void create_read_only_frame(struct cte *slot, genpaddr_t base, gensize_t bytes)
{
    caps_create_from_nothing(slot, ObjType_Frame, base, bytes);
    slot->cap.rights = CAPRIGHTS_READ; /* the index orders by range and type, never by rights */
}

static void fill_bootinfo(struct bootinfo *bi, const struct boot_modules *mods)
{
    __builtin_memset(bi, 0, BASE_PAGE_BYTES);
    bi->magic = BOOTINFO_MAGIC;
    bi->module_count = (uint32_t)mods->count;
    for (int i = 0; i < mods->count; i++) {
        __builtin_memcpy(bi->modules[i].name, mods->module[i].name, BOOTINFO_NAME_BYTES);
        bi->modules[i].bytes = mods->module[i].bytes;
    }
}

void startup_hand_modules(struct dcb *init, const struct boot_modules *mods)
{
    fill_bootinfo(phys_to_kernel_ptr(mods->bootinfo), mods);
    struct cte *l1 = cnode_slots(&init->cspace.cap);
    struct cte *taskcn = cnode_slots(&l1[ROOTCN_SLOT_TASKCN].cap);
    struct cte *modulecn = cnode_slots(&l1[ROOTCN_SLOT_MODULECN].cap);
    create_read_only_frame(&taskcn[TASKCN_SLOT_BOOTINFO], mods->bootinfo, BASE_PAGE_BYTES);
    for (int i = 0; i < mods->count; i++) {
        gensize_t bytes = (mods->module[i].bytes + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
        create_read_only_frame(&modulecn[i], mods->module[i].base, bytes);
    }
}
