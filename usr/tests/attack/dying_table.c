/* AT102 (faults on purpose): a deleted page table, recycled as a frame of hostile entries, is not
 * walked. */
#include "attack.h"

#define PAGE BASE_PAGE_BYTES
#define RW VREGION_FLAGS_READ_WRITE

/* Fills the recycled table's memory (mapped at entries) with entries aimed at the kernel. */
static void plant_hostile_entries(uintptr_t entries)
{
    volatile attack_pte_t *pte = (volatile attack_pte_t *)entries;
    for (size_t i = 0; i < PAGE / sizeof(attack_pte_t); i++) {
        pte[i] = ATTACK_HOSTILE_PTE(ATTACK_KERNEL_PADDR + i * PAGE);
    }
}

/* Table made from RAM we hold, mapped at path entry 0 with a touched frame; a spare table at 1. */
static const char *build(const struct attack_path *path, struct capref ram, struct capref *table,
                         struct capref *spare)
{
    enum objtype leaf = attack_leaf_type();
    struct capref frame;
    ATTACK_OK(slot_alloc(table));
    ATTACK_OK(cap_retype(*table, ram, 0, leaf, objtype_info[leaf].fixed_bytes, 1));
    ATTACK_OK(vnode_create(spare, leaf));
    ATTACK_OK(vnode_map(path->parent, path->first_slot, *table, RW, 0, 1));
    ATTACK_OK(vnode_map(path->parent, path->first_slot + 1, *spare, RW, 0, 1));
    ATTACK_OK(frame_alloc(&frame, PAGE, NULL));
    ATTACK_OK(vnode_map(*table, 0, frame, RW, 0, 1));
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)path->va;
    *word = 0x600dcafe;
    ATTACK_FAIL_IF(*word != 0x600dcafe); /* walked, and in the TLB */
    return NULL;
}

static const char *recycle_a_dying_table(uintptr_t *at)
{
    struct attack_path path;
    struct capref ram, table, spare, recycled;
    ATTACK_OK(attack_path_make(&path));
    ATTACK_OK(ram_alloc(&ram, PAGE));
    ATTACK_STEP(build(&path, ram, &table, &spare));
    ATTACK_OK(cap_delete(attack_vroot()));
    ATTACK_OK(cap_delete(table));
    ATTACK_OK(slot_alloc(&recycled));
    ATTACK_OK(cap_retype(recycled, ram, 0, ObjType_Frame, PAGE, 1));
    ATTACK_OK(vnode_map(spare, 0, recycled, RW, 0, 1));
    plant_hostile_entries((uintptr_t)(path.va + path.leaf_span));
    *at = (uintptr_t)path.va;
    return NULL;
}

int main(void)
{
    return attack_fault_main("AT102",
                             "a deleted page table is never walked, even recycled as hostile "
                             "entries",
                             recycle_a_dying_table, attack_touch_read);
}
