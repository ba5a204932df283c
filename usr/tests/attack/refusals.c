/* Attacks the kernel must refuse, one domain: a table of rows, each with the kernel check after it.
 */
#include "attack.h"
#include <stdio.h>

#define PAGE BASE_PAGE_BYTES
#define RW VREGION_FLAGS_READ_WRITE

/* The private table path at the top of the user half, made once. */
static struct attack_path path;

static struct capref device_window(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PHYSADDRCN), .slot = 0};
}

static struct capref root_cnode(void)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
}

/* Retypes one object of type into dest; one that should not exist is deleted again. */
static errval_t try_retype(struct capref dest, struct capref src, enum objtype type,
                           gensize_t bytes)
{
    errval_t err = cap_retype(dest, src, 0, type, bytes, 1);
    if (err_is_ok(err)) {
        cap_delete(dest);
    }
    return err;
}

/* Maps src into the path's parent at entry slot; one that should not exist is removed again. */
static errval_t try_install(struct capref table, cslot_t slot)
{
    errval_t err = vnode_map(path.parent, slot, table, RW, 0, 1);
    if (err_is_ok(err)) {
        vnode_unmap(path.parent, table, slot, 1);
    }
    return err;
}

static const char *a_table_is_mapped_at_most_once(void)
{
    struct capref table, twin;
    ATTACK_OK(vnode_create(&table, attack_leaf_type()));
    ATTACK_OK(slot_alloc(&twin));
    ATTACK_OK(cap_copy(twin, table));
    ATTACK_OK(vnode_map(path.parent, path.first_slot, table, RW, 0, 1));
    errval_t twin_err = try_install(twin, path.first_slot + 1);
    errval_t again_err = vnode_map(path.parent, path.first_slot + 2, table, RW, 0, 1);
    ATTACK_OK(cap_destroy(twin));
    ATTACK_OK(vnode_destroy(table));
    ATTACK_EXPECT(twin_err, SYS_ERR_VM_TABLE_ALREADY_MAPPED);
    ATTACK_EXPECT(again_err, SYS_ERR_VM_ALREADY_MAPPED);
    return NULL;
}

/* A DevFrame from the device page maps uncached and reads (x86-64: VGA memory; ARMv7: UART). */
static const char *device_frame_maps_uncached(struct capref dev)
{
    genvaddr_t at;
    ATTACK_OK(pmap_determine_addr(&attack_pmap, PAGE, PAGE, &at));
    ATTACK_OK(pmap_map(&attack_pmap, at, dev, 0, PAGE, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE));
    volatile uint32_t word = *(volatile uint32_t *)(uintptr_t)(at + 0x18);
    (void)word;
    ATTACK_OK(pmap_unmap(&attack_pmap, at, PAGE));
    return NULL;
}

static const char *kernel_objects_live_only_in_ram(void)
{
    enum objtype leaf = attack_leaf_type();
    struct capref dest;
    ATTACK_OK(slot_alloc(&dest));
    errval_t ram_err = try_retype(dest, device_window(), ObjType_RAM, PAGE);
    errval_t cnode_err = try_retype(dest, device_window(), ObjType_L2CNode, L2_CNODE_BYTES);
    errval_t table_err = try_retype(dest, device_window(), leaf, objtype_info[leaf].fixed_bytes);
    ATTACK_EXPECT(ram_err, SYS_ERR_RETYPE_FORBIDDEN);
    ATTACK_EXPECT(cnode_err, SYS_ERR_RETYPE_FORBIDDEN);
    ATTACK_EXPECT(table_err, SYS_ERR_RETYPE_FORBIDDEN);
    ATTACK_OK(cap_retype(dest, device_window(), 0, ObjType_DevFrame, PAGE, 1));
    const char *why = device_frame_maps_uncached(dest);
    ATTACK_OK(cap_destroy(dest));
    return why;
}

/* Through a copy minted with rights, a sub-frame retype (which zeroes) must leave the bytes. */
static const char *retype_through(struct capref frame, volatile uint32_t *bytes, caprights_t rights)
{
    size_t words = 2 * PAGE / sizeof(uint32_t);
    attack_fill(bytes, words, 0xa77ac000u + rights);
    struct capref weak, dest;
    ATTACK_OK(slot_alloc(&weak));
    ATTACK_OK(slot_alloc(&dest));
    ATTACK_OK(cap_mint(weak, frame, rights));
    errval_t err = try_retype(dest, weak, ObjType_Frame, PAGE);
    ATTACK_OK(cap_destroy(weak));
    ATTACK_OK(slot_free(dest));
    ATTACK_EXPECT(err, SYS_ERR_RETYPE_NEEDS_WRITE);
    ATTACK_FAIL_IF(!attack_pattern_intact(bytes, words, 0xa77ac000u + rights));
    return NULL;
}

static const char *retype_needs_the_write_right(void)
{
    struct capref frame;
    genvaddr_t at;
    ATTACK_OK(frame_alloc(&frame, 2 * PAGE, NULL));
    ATTACK_OK(pmap_determine_addr(&attack_pmap, 2 * PAGE, PAGE, &at));
    ATTACK_OK(pmap_map(&attack_pmap, at, frame, 0, 2 * PAGE, RW));
    volatile uint32_t *bytes = (volatile uint32_t *)(uintptr_t)at;
    const char *why = retype_through(frame, bytes, CAPRIGHTS_READ);
    if (why == NULL) {
        why = retype_through(frame, bytes, 0);
    }
    ATTACK_OK(pmap_unmap(&attack_pmap, at, 2 * PAGE));
    ATTACK_OK(frame_free(frame));
    return why;
}

static const char *installing_a_table_needs_the_write_right(void)
{
    static const caprights_t weak_rights[] = {0, CAPRIGHTS_READ};
    struct capref table, weak;
    ATTACK_OK(vnode_create(&table, attack_leaf_type()));
    ATTACK_OK(slot_alloc(&weak));
    for (size_t i = 0; i < sizeof(weak_rights) / sizeof(weak_rights[0]); i++) {
        ATTACK_OK(cap_mint(weak, table, weak_rights[i]));
        errval_t err = try_install(weak, path.first_slot + 3);
        ATTACK_OK(cap_delete(weak));
        ATTACK_EXPECT(err, SYS_ERR_VM_MAP_TABLE_NOT_WRITABLE);
    }
    ATTACK_OK(slot_free(weak));
    ATTACK_OK(vnode_destroy(table));
    return NULL;
}

/* Maps a read-only copy of a frame into leaf: read-write refused, read-only fine, never upgraded.
 */
static const char *read_only_copy_stays_read_only(struct capref leaf, struct capref ro)
{
    errval_t rw_err = vnode_map(leaf, 0, ro, RW, 0, 1);
    if (err_is_ok(rw_err)) {
        vnode_unmap(leaf, ro, 0, 1);
    }
    ATTACK_EXPECT(rw_err, SYS_ERR_VM_RIGHTS_EXCEED);
    ATTACK_OK(vnode_map(leaf, 0, ro, VREGION_FLAGS_READ, 0, 1));
    ATTACK_FAIL_IF(*(volatile uint32_t *)(uintptr_t)path.va != 0);
    ATTACK_EXPECT(vnode_modify_flags(ro, 0, 1, RW), SYS_ERR_VM_RIGHTS_EXCEED);
    return NULL;
}

static const char *mappings_stay_within_frame_rights(void)
{
    struct capref leaf, frame, ro;
    ATTACK_OK(vnode_create(&leaf, attack_leaf_type()));
    ATTACK_OK(vnode_map(path.parent, path.first_slot, leaf, RW, 0, 1));
    ATTACK_OK(frame_alloc(&frame, PAGE, NULL));
    ATTACK_OK(slot_alloc(&ro));
    ATTACK_OK(cap_mint(ro, frame, CAPRIGHTS_READ));
    const char *why = read_only_copy_stays_read_only(leaf, ro);
    ATTACK_OK(cap_destroy(ro));
    ATTACK_OK(frame_free(frame));
    ATTACK_OK(vnode_destroy(leaf));
    return why;
}

/* Copy, retype and delete through the read-only root copy at ro_root; victim must survive. */
static const char *read_only_root_refuses(capaddr_t ro_root, struct capref ram)
{
    struct capref dest, victim;
    ATTACK_OK(slot_alloc(&dest));
    ATTACK_OK(slot_alloc(&victim));
    ATTACK_OK(cap_copy(victim, ram));
    errval_t retype_err = invoke_cnode_retype(ro_root, get_cap_addr(ram), 0, ObjType_Frame, PAGE, 1,
                                              dest.cnode.address, dest.slot);
    cap_delete(dest);
    errval_t copy_err =
        invoke_cnode_copy(ro_root, dest.cnode.address, dest.slot, get_cap_addr(ram));
    cap_delete(dest);
    errval_t delete_err = invoke_cnode_delete(ro_root, get_cap_addr(victim));
    struct cap_identity id;
    errval_t victim_err = cap_identify(victim, &id);
    cap_delete(victim);
    ATTACK_OK(slot_free(victim));
    ATTACK_OK(slot_free(dest));
    ATTACK_EXPECT(retype_err, SYS_ERR_CNODE_NOT_WRITABLE);
    ATTACK_EXPECT(copy_err, SYS_ERR_CNODE_NOT_WRITABLE);
    ATTACK_EXPECT(delete_err, SYS_ERR_CNODE_NOT_WRITABLE);
    ATTACK_OK(victim_err);
    return NULL;
}

/* An L2 CNode minted read-only into a free L1 slot takes neither copies nor new objects. */
static const char *read_only_l2_refuses(struct capref cnode, struct capref ram)
{
    uint32_t l1 = INIT_ROOTCN_SLOTS - 1;
    capaddr_t ro = capaddr_l1_slot(l1);
    ATTACK_OK(
        invoke_cnode_mint(CAPADDR_ROOTCN, CAPADDR_ROOTCN, l1, get_cap_addr(cnode), CAPRIGHTS_READ));
    errval_t copy_err = invoke_cnode_copy(CAPADDR_ROOTCN, ro, 0, get_cap_addr(ram));
    errval_t retype_err =
        invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(ram), 0, ObjType_Frame, PAGE, 1, ro, 1);
    ATTACK_OK(invoke_cnode_delete(CAPADDR_ROOTCN, ro));
    ATTACK_EXPECT(copy_err, SYS_ERR_CNODE_NOT_WRITABLE);
    ATTACK_EXPECT(retype_err, SYS_ERR_CNODE_NOT_WRITABLE);
    return NULL;
}

static const char *read_only_cnodes_refuse_writes(void)
{
    struct capref cnode_ram, cnode, ram, ro_root;
    ATTACK_OK(ram_alloc(&cnode_ram, L2_CNODE_BYTES));
    ATTACK_OK(slot_alloc(&cnode));
    ATTACK_OK(cap_retype(cnode, cnode_ram, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    ATTACK_OK(ram_alloc(&ram, PAGE));
    const char *why = read_only_l2_refuses(cnode, ram);
    ATTACK_OK(slot_alloc(&ro_root));
    ATTACK_OK(cap_mint(ro_root, root_cnode(), CAPRIGHTS_READ));
    if (why == NULL) {
        why = read_only_root_refuses(get_cap_addr(ro_root), ram);
    }
    ATTACK_OK(cap_destroy(ro_root));
    ATTACK_OK(cap_destroy(cnode));
    ATTACK_OK(ram_free(cnode_ram));
    ATTACK_OK(ram_free(ram));
    return why;
}

static const char *the_kernel_half_of_the_root_is_reserved(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    cslot_t first_kernel = (cslot_t)(l->user_end / l->span_bytes[0]);
    struct capref table, frame;
    ATTACK_OK(vnode_create(&table, l->table_type[1]));
    ATTACK_OK(frame_alloc(&frame, PAGE, NULL));
    errval_t first_err = vnode_map(attack_vroot(), first_kernel, table, RW, 0, 1);
    errval_t last_err = vnode_map(attack_vroot(), l->entries[0] - 1, table, RW, 0, 1);
    errval_t straddle_err = vnode_map(attack_vroot(), first_kernel - 1, table, RW, 0, 2);
    errval_t frame_err = vnode_map(attack_vroot(), first_kernel, frame, RW, 0, 1);
    ATTACK_OK(vnode_destroy(table));
    ATTACK_OK(frame_free(frame));
    ATTACK_EXPECT(first_err, SYS_ERR_VNODE_SLOT_RESERVED);
    ATTACK_EXPECT(last_err, SYS_ERR_VNODE_SLOT_RESERVED);
    ATTACK_EXPECT(straddle_err, SYS_ERR_VNODE_SLOT_RESERVED);
    ATTACK_EXPECT(frame_err, SYS_ERR_VNODE_SLOT_RESERVED);
    return attack_kernel_check();
}

static const struct attack attacks[] = {
    {"AT103", "a page table is mapped at most once, through one copy",
     a_table_is_mapped_at_most_once},
    {"AT105", "kernel objects are made only from RAM, never from device memory",
     kernel_objects_live_only_in_ram},
    {"AT106", "retype without the write right cannot destroy a frame's bytes",
     retype_needs_the_write_right},
    {"AT107", "a page table is installed only through a capability with the write right",
     installing_a_table_needs_the_write_right},
    {"AT108", "a read-only frame copy never becomes a writable mapping",
     mappings_stay_within_frame_rights},
    {"AT111", "a read-only CNode or CSpace root cannot be written through",
     read_only_cnodes_refuse_writes},
    {"AT112", "the kernel's half of the root table cannot be mapped into",
     the_kernel_half_of_the_root_is_reserved},
    {NULL, NULL, NULL},
};

int main(void)
{
    printf("attack_refusals: attacks the kernel must refuse\n");
    attack_setup("AT100", "set-up of attack_refusals");
    errval_t err = attack_path_make(&path);
    if (err_is_fail(err)) {
        printf("FAIL AT100 set-up of attack_refusals: %s\n",
               attack_reason(__FILE__, __LINE__, "attack_path_make", err));
        return 1;
    }
    attack_run_table(attacks);
    return attack_finish();
}
