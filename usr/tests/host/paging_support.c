/* Helpers for the paging suites: this format's geometry, slots, RAM and page-table paths. */
#include "paging_support.h"
#include <string.h>

#define FIRST_SLOT_L1 8
#define RAM_FLOOR_BYTES (16ull << 20)

struct test_format fmt;
capaddr_t root_table;

static uint32_t next_l1;
static cslot_t next_l2;
static gensize_t next_ram_offset;

/* Cached tables on the way to each leaf: (level, index of the address range) -> table. */
#define PATH_CACHE 256
struct path_entry {
    int level;
    uint64_t range;
    capaddr_t table;
};
static struct path_entry paths[PATH_CACHE];
static int path_count;

void paging_learn_format(void)
{
    if (walk_root_type() == ObjType_VNode_x86_64_pml4) {
        fmt = (struct test_format){
            .levels = 4,
            .table = {ObjType_VNode_x86_64_pml4, ObjType_VNode_x86_64_pdpt,
                      ObjType_VNode_x86_64_pdir, ObjType_VNode_x86_64_ptable},
            .entries = {512, 512, 512, 512},
            .span_bytes = {1ull << 39, 1ull << 30, 1ull << 21, 1ull << 12},
            .root_user_slots = 256,
            .entry_bytes = 8,
            .cleans_cache = false,
        };
    } else {
        fmt = (struct test_format){
            .levels = 2,
            .table = {ObjType_VNode_ARM_l1, ObjType_VNode_ARM_l2},
            .entries = {4096, 256},
            .span_bytes = {1ull << 20, 1ull << 12},
            .root_user_slots = 2048,
            .entry_bytes = 4,
            .cleans_cache = true,
        };
    }
}

void paging_setup_after_boot(void)
{
    paging_learn_format();
    next_l1 = FIRST_SLOT_L1;
    next_l2 = L2_CNODE_SLOTS;
    next_ram_offset = RAM_FLOOR_BYTES;
    path_count = 0;
    root_table = new_object(fmt.table[0], objtype_info[fmt.table[0]].fixed_bytes);
    host_maintenance_reset();
}

void paging_boot(void)
{
    fixture_boot();
    paging_setup_after_boot();
}

TCase *paging_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, paging_boot, fixture_shutdown);
    suite_add_tcase(s, tc);
    return tc;
}

capaddr_t new_slot(void)
{
    if (next_l2 == L2_CNODE_SLOTS) {
        ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, next_ram_offset, ObjType_L2CNode,
                                         L2_CNODE_BYTES, 1, CAPADDR_ROOTCN, next_l1));
        next_ram_offset += L2_CNODE_BYTES;
        next_l1++;
        next_l2 = 0;
    }
    return capaddr_make(next_l1 - 1, next_l2++);
}

capaddr_t new_aligned_object(enum objtype type, gensize_t bytes, gensize_t align_bytes)
{
    capaddr_t slot = new_slot(); /* may itself take RAM: pick the offset after it */
    genpaddr_t ram_base = identify(RAM_CAP).base;
    genpaddr_t at = ram_base + next_ram_offset;
    at = (at + align_bytes - 1) / align_bytes * align_bytes;
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, at - ram_base, type, bytes, 1,
                                     capaddr_l1_slot(capaddr_l1_index(slot)),
                                     capaddr_l2_slot(slot)));
    next_ram_offset = at - ram_base + bytes;
    return slot;
}

capaddr_t new_object(enum objtype type, gensize_t bytes)
{
    gensize_t align = objtype_info[type].align_bytes;
    return new_aligned_object(type, bytes, align > BASE_PAGE_BYTES ? align : BASE_PAGE_BYTES);
}

genpaddr_t root_base(void)
{
    return identify(root_table).base;
}

cslot_t slot_of(uint64_t vaddr, int level)
{
    return (cslot_t)((vaddr / fmt.span_bytes[level]) % fmt.entries[level]);
}

capaddr_t table_for(uint64_t vaddr, int level)
{
    capaddr_t table = root_table;
    for (int l = 1; l <= level; l++) {
        uint64_t range = vaddr / (fmt.span_bytes[l - 1]);
        int found = -1;
        for (int i = 0; i < path_count; i++) {
            if (paths[i].level == l && paths[i].range == range) {
                found = i;
            }
        }
        if (found < 0) {
            ck_assert_int_lt(path_count, PATH_CACHE);
            capaddr_t child = new_object(fmt.table[l], objtype_info[fmt.table[l]].fixed_bytes);
            ck_assert_ok(
                invoke_vnode_map(table, slot_of(vaddr, l - 1), child, VREGION_FLAGS_READ, 0, 1));
            paths[path_count] = (struct path_entry){.level = l, .range = range, .table = child};
            found = path_count++;
        }
        table = paths[found].table;
    }
    return table;
}

void snapshot_take(capaddr_t table, struct table_snapshot *snap)
{
    struct cap_identity id = identify(table);
    ck_assert_uint_le(id.bytes, sizeof(snap->data));
    snap->base = id.base;
    snap->bytes = id.bytes;
    memcpy(snap->data, host_machine_phys_ptr(id.base), id.bytes);
}

bool snapshot_unchanged(const struct table_snapshot *snap)
{
    return memcmp(snap->data, host_machine_phys_ptr(snap->base), snap->bytes) == 0;
}

bool copy_is_unmapped(capaddr_t table, capaddr_t frame)
{
    return err_no(invoke_vnode_unmap(table, frame, 0, 1)) == SYS_ERR_VM_NOT_MAPPED;
}
