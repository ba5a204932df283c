/* Capability tests in a booted domain: what init was given, retype, copy, mint, delete, revoke. */
#include "captest.h"
#include <domain_layout.h>

static const char *boot_capabilities(void)
{
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(self_root, &id));
    FAIL_IF(id.type != pmap_arch_layout()->table_type[0]);
    FAIL_IF_ERR(cap_identify(cap_ram_boot(0), &id));
    FAIL_IF(id.type != ObjType_RAM || id.bytes < (16u << 20));
    FAIL_IF_ERR(invoke_cap_identify(CAPADDR_ROOTCN, &id));
    FAIL_IF(id.type != ObjType_L1CNode);
    /* The image's first page is a mapped frame in PAGECN. */
    struct capref first = {.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = 1};
    FAIL_IF_ERR(cap_identify(first, &id));
    FAIL_IF(!objtype_is_vnode(id.type) && id.type != ObjType_Frame);
    return NULL;
}

static const char *retype_and_refusals(void)
{
    struct capref ram;
    struct capref frame;
    FAIL_IF_ERR(ram_alloc(&ram, 64 * 1024));
    FAIL_IF_ERR(slot_alloc(&frame));
    FAIL_IF_ERR(cap_retype(frame, ram, 0, ObjType_Frame, 16 * 1024, 1));
    struct capref other;
    FAIL_IF_ERR(slot_alloc(&other));
    EXPECT_ERR(err_pop(cap_retype(other, ram, 4096, ObjType_Frame, 4096, 1)),
               SYS_ERR_RETYPE_OVERLAP);
    EXPECT_ERR(err_pop(cap_retype(other, ram, 100, ObjType_Frame, 4096, 1)),
               SYS_ERR_RETYPE_MISALIGNED);
    EXPECT_ERR(err_pop(cap_retype(other, ram, 0, ObjType_Frame, 1 << 20, 1)),
               SYS_ERR_RETYPE_OUT_OF_BOUNDS);
    FAIL_IF_ERR(cap_retype(other, ram, 16 * 1024, ObjType_Frame, 4096, 1));
    FAIL_IF_ERR(cap_destroy(other));
    FAIL_IF_ERR(cap_destroy(frame));
    FAIL_IF_ERR(ram_free(ram));
    return NULL;
}

static const char *copy_mint_delete_revoke(void)
{
    struct capref frame;
    struct capref copy;
    struct capref ro;
    FAIL_IF_ERR(frame_alloc(&frame, 4096, NULL));
    FAIL_IF_ERR(slot_alloc(&copy));
    FAIL_IF_ERR(slot_alloc(&ro));
    FAIL_IF_ERR(cap_copy(copy, frame));
    FAIL_IF_ERR(cap_mint(ro, frame, CAPRIGHTS_READ));
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(ro, &id));
    FAIL_IF(id.rights != CAPRIGHTS_READ);
    struct capref again;
    FAIL_IF_ERR(slot_alloc(&again));
    EXPECT_ERR(err_pop(cap_mint(again, ro, CAPRIGHTS_READ_WRITE)), SYS_ERR_MINT_RIGHTS_EXCEED);
    FAIL_IF_ERR(cap_revoke(frame));
    EXPECT_ERR(err_pop(cap_identify(copy, &id)), SYS_ERR_CAP_NOT_FOUND);
    EXPECT_ERR(err_pop(cap_identify(ro, &id)), SYS_ERR_CAP_NOT_FOUND);
    slot_free(copy);
    slot_free(ro);
    slot_free(again);
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

/* Which L1 slots of the root hold a capability, as the kernel sees them; false on a surprise. */
static bool l1_slots_in_use(bool *in_use)
{
    for (uint32_t l1 = 0; l1 < INIT_ROOTCN_SLOTS; l1++) {
        struct cap_identity id;
        errval_t err = cap_identify((struct capref){.cnode = cnode_root(), .slot = l1}, &id);
        if (err_is_fail(err) && err_no(err_pop(err)) != SYS_ERR_CAP_NOT_FOUND) {
            return false;
        }
        in_use[l1] = err_is_ok(err);
    }
    return true;
}

/*
 * 600 slots take new L2 CNodes; freed, the CNodes go back: the kernel's root has the same L1
 * slots filled as before and the RAM is free again. The allocator keeps one empty CNode only
 * when it had no free slot before, so that the next alloc needs no refill (slot_free).
 */
static const char *slot_allocator_refills(void)
{
    static struct capref slots[600];
    static bool before[INIT_ROOTCN_SLOTS], after[INIT_ROOTCN_SLOTS];
    size_t used = slot_alloc_used();
    size_t cnodes = slot_alloc_cnodes();
    size_t spare = cnodes * L2_CNODE_SLOTS == used ? 1 : 0;
    gensize_t free_bytes = ram_free_bytes();
    FAIL_IF(!l1_slots_in_use(before));
    for (int i = 0; i < 600; i++) {
        FAIL_IF_ERR(slot_alloc(&slots[i]));
    }
    FAIL_IF(slot_alloc_cnodes() < cnodes + 2);
    for (int i = 0; i < 600; i++) {
        FAIL_IF_ERR(slot_free(slots[i]));
    }
    FAIL_IF(slot_alloc_used() != used);
    FAIL_IF(slot_alloc_cnodes() != cnodes + spare);
    FAIL_IF(ram_free_bytes() != free_bytes - spare * L2_CNODE_BYTES);
    FAIL_IF(!l1_slots_in_use(after));
    size_t kept = 0;
    for (uint32_t l1 = 0; l1 < INIT_ROOTCN_SLOTS; l1++) {
        FAIL_IF(before[l1] && !after[l1]);
        kept += !before[l1] && after[l1];
    }
    FAIL_IF(kept != spare);
    return NULL;
}

/* Reserves every free byte, however many ranges hold it; returns how many pieces it took. */
static int reserve_all(struct ram_piece *pieces, int max)
{
    int n = 0;
    for (gensize_t chunk = (gensize_t)1 << 30; chunk >= BASE_PAGE_BYTES && n < max;) {
        if (err_is_ok(ram_reserve(chunk, BASE_PAGE_BYTES, &pieces[n]))) {
            n++;
        } else {
            chunk /= 2;
        }
    }
    return n;
}

static const char *ram_exhaustion_is_named(void)
{
    static struct ram_piece pieces[256];
    int n = reserve_all(pieces, 256);
    gensize_t left = ram_free_bytes();
    struct capref frame;
    errval_t err = frame_alloc(&frame, 1 << 20, NULL);
    for (int i = 0; i < n; i++) {
        ram_release(pieces[i].base, pieces[i].bytes);
    }
    FAIL_IF(left != 0);
    FAIL_IF(err_no(err) != LIB_ERR_FRAME_ALLOC);
    FAIL_IF(err_no(err_pop(err)) != LIB_ERR_RAM_ALLOC_EXHAUSTED);
    FAIL_IF_ERR(frame_alloc(&frame, 1 << 20, NULL));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

const struct booted_test captest_caps[] = {
    {"CT001", "init holds its root CNode, RAM and root page table", boot_capabilities},
    {"CT002", "retype RAM into frames, refusals named", retype_and_refusals},
    {"CT003", "copy, mint with fewer rights, revoke removes copies", copy_mint_delete_revoke},
    {"CT004", "the slot allocator refills and gives CNodes and their RAM back",
     slot_allocator_refills},
    {"CT005", "running out of RAM is a named error", ram_exhaustion_is_named},
    {NULL, NULL, NULL},
};
