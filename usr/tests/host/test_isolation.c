/* Isolation: what a hostile domain tried against the kernel, refused, and the checker's own teeth.
 */
#include "paging_support.h"
#include <cspace.h>
#include <kcheck.h>
#include <libcap/syscalls.h>
#include <map_index.h>
#include <mdb.h>
#include <paging_arch.h>
#include <phys_mem.h>
#include <string.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)

static capaddr_t copy_of(capaddr_t src, caprights_t rights)
{
    capaddr_t dest = new_slot();
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(dest)),
                                   capaddr_l2_slot(dest), src, rights));
    return dest;
}

static capaddr_t map_page(uint64_t vaddr, vregion_flags_t flags)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_ok(
        invoke_vnode_map(table_for(vaddr, LEAF), slot_of(vaddr, LEAF), frame, flags, 0, 1));
    return frame;
}

static enum kcheck_invariant check(void)
{
    return kcheck_state(dcb_current, NULL);
}

/* Item 10: an unset capref (address 0) reaches nothing, whatever the invocation. */
START_TEST(the_null_address_names_no_slot)
{
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(0, &id), SYS_ERR_CAPADDR_NULL);
    ck_assert_err(invoke_cnode_delete(CAPADDR_ROOTCN, 0), SYS_ERR_CAPADDR_NULL);
    ck_assert_err(invoke_cnode_revoke(CAPADDR_ROOTCN, 0), SYS_ERR_CAPADDR_NULL);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 0, 0), SYS_ERR_CAPADDR_NULL);
    ck_assert_err(
        invoke_cnode_retype(CAPADDR_ROOTCN, 0, 0, ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 0),
        SYS_ERR_CAPADDR_NULL);
    ck_assert_err(invoke_cnode_copy(0, WORK_CNODE, 0, RAM_CAP), SYS_ERR_CAPADDR_NULL);
    ck_assert_ok(invoke_cap_identify(CAPADDR_ROOTCN, &id));
    ck_assert_int_eq(id.type, ObjType_L1CNode);
}
END_TEST

/* Item 10: the root copy being invoked, and the kernel's own copy, survive delete and revoke. */
START_TEST(the_invoked_root_copy_and_the_kernels_survive)
{
    ck_assert_err(invoke_cnode_delete(CAPADDR_ROOTCN, CAPADDR_ROOTCN), SYS_ERR_DELETE_ROOT_CNODE);
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, WORK_CNODE, 3, CAPADDR_ROOTCN));
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, WORK_SLOT(3)));
    ck_assert(slot_is_empty(WORK_SLOT(4))); /* nothing made; the revoke spared the invoked copy */
    ck_assert_int_eq(identify(CAPADDR_ROOTCN).type, ObjType_L1CNode);
    ck_assert_ok(invoke_cnode_revoke(CAPADDR_ROOTCN, CAPADDR_ROOTCN));
    ck_assert(slot_is_empty(WORK_SLOT(3)));
    ck_assert(dcb_current->cspace.mdb.in_index && dcb_current->cspace.mdb.kernel_held);
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_int_eq(check(), KCHECK_OK);
}
END_TEST

/* Item 7: a CNode or CSpace root without the write right cannot be written through. */
START_TEST(cnodes_without_write_cannot_be_changed_through)
{
    const uint32_t l1 = 200;
    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, CAPADDR_ROOTCN, l1, WORK_CNODE, CAPRIGHTS_READ));
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 7));
    capaddr_t frame_via_ro = capaddr_make(l1, 7);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(l1), 8, RAM_CAP),
                  SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, BASE_PAGE_BYTES, ObjType_Frame,
                                      BASE_PAGE_BYTES, 1, capaddr_l1_slot(l1), 9),
                  SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_delete(CAPADDR_ROOTCN, frame_via_ro), SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_revoke(CAPADDR_ROOTCN, frame_via_ro), SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert(!slot_is_empty(WORK_SLOT(7)));
    ck_assert(slot_is_empty(WORK_SLOT(8)) && slot_is_empty(WORK_SLOT(9)));

    ck_assert_ok(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 20, CAPADDR_ROOTCN, CAPRIGHTS_READ));
    capaddr_t ro_root = WORK_SLOT(20);
    ck_assert_err(invoke_cnode_copy(ro_root, WORK_CNODE, 21, RAM_CAP), SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_delete(ro_root, WORK_SLOT(7)), SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_revoke(ro_root, WORK_SLOT(7)), SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_mint(ro_root, WORK_CNODE, 21, RAM_CAP, CAPRIGHTS_READ),
                  SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert_err(invoke_cnode_retype(ro_root, RAM_CAP, BASE_PAGE_BYTES, ObjType_Frame,
                                      BASE_PAGE_BYTES, 1, WORK_CNODE, 21),
                  SYS_ERR_CNODE_NOT_WRITABLE);
    ck_assert(slot_is_empty(WORK_SLOT(21)));
}
END_TEST

/* Item 2: one path per table, so one address to flush: a second mapped copy is refused. */
START_TEST(a_table_is_mapped_through_one_copy_at_a_time)
{
    capaddr_t leaf = new_object(fmt.table[LEAF], objtype_info[fmt.table[LEAF]].fixed_bytes);
    capaddr_t other = copy_of(leaf, CAPRIGHTS_ALLRIGHTS);
    uint64_t va2 = VA + 8 * fmt.span_bytes[LEAF - 1];
    capaddr_t parent = table_for(VA, LEAF - 1);
    ck_assert_ok(invoke_vnode_map(parent, slot_of(VA, LEAF - 1), leaf, VREGION_FLAGS_READ, 0, 1));
    struct table_snapshot snap;
    snapshot_take(parent, &snap);
    ck_assert_err(invoke_vnode_map(parent, slot_of(va2, LEAF - 1), other, VREGION_FLAGS_READ, 0, 1),
                  SYS_ERR_VM_TABLE_ALREADY_MAPPED);
    ck_assert(snapshot_unchanged(&snap));
    ck_assert_ok(invoke_vnode_unmap(parent, leaf, slot_of(VA, LEAF - 1), 1));
    ck_assert_ok(invoke_vnode_map(parent, slot_of(va2, LEAF - 1), other, VREGION_FLAGS_READ, 0, 1));

    /* Through the copy now mapped, a change is flushed at the only address the table has. */
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_ok(invoke_vnode_map(other, 3, frame, VREGION_FLAGS_READ_WRITE, 0, 1));
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 1, VREGION_FLAGS_READ, 0));
    uint64_t page = (va2 & ~(fmt.span_bytes[LEAF - 1] - 1)) + 3 * BASE_PAGE_BYTES;
    size_t flushes = 0;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        if (e->kind == HOST_TLB_FLUSH_RANGE) {
            ck_assert_uint_eq(e->addr, page);
            ck_assert_uint_eq(e->root, root_base());
            flushes++;
        }
    }
    ck_assert_uint_eq(flushes, 1); /* found through the copy that is mapped, not the first */
    ck_assert_int_eq(check(), KCHECK_OK);
}
END_TEST

/* Item 7: installing a table gives access to its frames: it takes the write right on it. */
START_TEST(a_table_is_installed_only_through_a_writable_copy)
{
    capaddr_t leaf = new_object(fmt.table[LEAF], objtype_info[fmt.table[LEAF]].fixed_bytes);
    capaddr_t parent = table_for(VA, LEAF - 1);
    const caprights_t weak[] = {0, CAPRIGHTS_READ, CAPRIGHTS_READ | CAPRIGHTS_EXECUTE};
    for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
        capaddr_t c = copy_of(leaf, weak[i]);
        ck_assert_err(invoke_vnode_map(parent, slot_of(VA, LEAF - 1), c, VREGION_FLAGS_READ, 0, 1),
                      SYS_ERR_VM_MAP_TABLE_NOT_WRITABLE);
    }
    ck_assert(!walk_translate(root_base(), VA).present);
    capaddr_t probe = copy_of(leaf, CAPRIGHTS_ALLRIGHTS); /* the slot is still free */
    ck_assert_ok(invoke_vnode_map(parent, slot_of(VA, LEAF - 1), probe, VREGION_FLAGS_READ, 0, 1));
}
END_TEST

/* Item 1: a dying table takes every record and entry with it, so its memory is inert. */
START_TEST(a_dying_table_leaves_nothing_walkable)
{
    capaddr_t frame = map_page(VA, VREGION_FLAGS_READ_WRITE);
    capaddr_t leaf = table_for(VA, LEAF);
    genpaddr_t leaf_base = identify(leaf).base;
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, leaf));
    ck_assert(!walk_translate(root_base(), VA).present);
    ck_assert(copy_is_unmapped(table_for(VA + fmt.span_bytes[LEAF - 1], LEAF), frame));
    const uint8_t *bytes = host_machine_phys_ptr(leaf_base);
    gensize_t table_bytes = objtype_info[fmt.table[LEAF]].fixed_bytes;
    for (gensize_t i = 0; i < table_bytes; i++) {
        ck_assert_uint_eq(bytes[i], 0);
    }
    ck_assert_int_eq(check(), KCHECK_OK);
}
END_TEST

/* Item 1: the root the domain runs on is the kernel's too: deleting every user copy keeps it. */
START_TEST(the_loaded_root_outlives_its_user_copies)
{
    map_page(VA, VREGION_FLAGS_READ_WRITE);
    ck_assert_ok(host_machine_load_root(root_table));
    capaddr_t leaf = table_for(VA, LEAF);
    genpaddr_t base = root_base();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, root_table));
    ck_assert(walk_translate(base, VA).present); /* the tables below stay reachable */
    ck_assert_int_eq(check(), KCHECK_OK);
    /* The memory stays taken while the kernel holds the root. */
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, base - identify(RAM_CAP).base,
                                      ObjType_Frame, BASE_PAGE_BYTES, 1, WORK_CNODE, 0),
                  SYS_ERR_RETYPE_OVERLAP);
    /* What the root holds can still be taken down the ordinary way, and the checker agrees. */
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, leaf));
    ck_assert(!walk_translate(base, VA).present);
    ck_assert_int_eq(check(), KCHECK_OK);
}
END_TEST

/* Item 1, without the kernel's copy: the last copy of a root goes, and its entries with it. */
START_TEST(an_unloaded_root_dies_with_its_entries)
{
    map_page(VA, VREGION_FLAGS_READ_WRITE);
    genpaddr_t base = root_base();
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, root_table));
    ck_assert(!walk_translate(base, VA).present);
    /* Only the records inside the tables below, which are still live capabilities. */
    ck_assert_uint_eq(map_index_count(), (size_t)fmt.levels - 1);
    ck_assert_int_eq(check(), KCHECK_OK);
}
END_TEST

/* Item 8: tables the format cannot point at are refused at retype and at map. */
START_TEST(tables_beyond_the_formats_reach_are_refused)
{
    genpaddr_t limit = paging_paddr_limit();
    genpaddr_t ram = identify(RAM_CAP).base;
    gensize_t ram_bytes = identify(RAM_CAP).bytes;
    ck_assert(ram < limit && limit < ram + ram_bytes); /* the machine straddles the limit */
    enum objtype leaf = fmt.table[LEAF];
    gensize_t leaf_bytes = objtype_info[leaf].fixed_bytes;
    ck_assert_err(retype_from_ram(limit - ram, leaf, leaf_bytes, 1, 0),
                  SYS_ERR_RETYPE_PADDR_UNREACHABLE);
    ck_assert_err(retype_from_ram(limit - ram - leaf_bytes, leaf, leaf_bytes, 2, 0),
                  SYS_ERR_RETYPE_PADDR_UNREACHABLE);
    ck_assert(slot_is_empty(WORK_SLOT(0)));
    ck_assert_ok(retype_from_ram(limit - ram - 4 * BASE_PAGE_BYTES, leaf, leaf_bytes, 1, 0));

    /* A frame whose last page lies beyond the limit is refused, not only its first. */
    ck_assert_ok(
        retype_from_ram(limit - ram - BASE_PAGE_BYTES, ObjType_Frame, 2 * BASE_PAGE_BYTES, 1, 1));
    capaddr_t table = table_for(VA, LEAF);
    ck_assert_err(invoke_vnode_map(table, 0, WORK_SLOT(1), VREGION_FLAGS_READ, 0, 2),
                  SYS_ERR_VM_PADDR_UNREACHABLE);
    ck_assert_ok(invoke_vnode_map(table, 0, WORK_SLOT(1), VREGION_FLAGS_READ, 0, 1));
}
END_TEST

static void boot_straddling_the_limit(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.phys_base = paging_paddr_limit() - (32ull << 20);
    config.ram_bytes = 64ull << 20;
    host_machine_boot(&config);
    paging_setup_after_boot();
}

/* The checker must see what it exists to see: each corruption below is one broken invariant. */
static capaddr_t mapped_rw_page(void)
{
    return map_page(VA, VREGION_FLAGS_READ_WRITE);
}

static struct cte *cte_at(capaddr_t addr)
{
    struct cte *cte;
    ck_assert_ok(cspace_lookup_cap(&dcb_current->cspace.cap, addr, &cte));
    return cte;
}

/* The kernel's slot behind an empty address, to forge state the invocations would refuse. */
static struct cte *empty_slot_at(capaddr_t addr)
{
    struct cte *cte;
    ck_assert_ok(cspace_lookup_slot(&dcb_current->cspace.cap, addr, &cte));
    ck_assert(cte_is_empty(cte));
    return cte;
}

static void write_leaf_entry(cslot_t slot, uint64_t entry)
{
    capaddr_t leaf = table_for(VA, LEAF);
    paging_write_entry(fmt.table[LEAF], identify(leaf).base, slot, entry);
}

/* The hosted kernel answers its debug check as a booted one does: intact, until something breaks.
 */
START_TEST(the_debug_check_passes_on_an_intact_machine)
{
    mapped_rw_page();
    uintptr_t detail = KCHECK_NUM;
    ck_assert_ok(sys_debug_check_kernel(&detail));
    ck_assert_uint_eq(detail, KCHECK_OK);
    sys_exit(0);
    ck_assert_msg(strstr(kernel_console, "kernel: check: invariants hold, text intact") != NULL,
                  "the kernel's check at exit said: %s", kernel_console);
}
END_TEST

START_TEST(the_checker_sees_an_entry_without_a_record)
{
    capaddr_t frame = mapped_rw_page();
    ck_assert_int_eq(check(), KCHECK_OK);
    write_leaf_entry(
        slot_of(VA, LEAF) + 1,
        paging_make_page_entry(fmt.table[LEAF], identify(frame).base, VREGION_FLAGS_READ));
    ck_assert_int_eq(check(), KCHECK_ENTRY_UNCOVERED);
}
END_TEST

START_TEST(the_checker_sees_an_entry_beyond_its_rights)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    capaddr_t ro = copy_of(frame, CAPRIGHTS_READ);
    ck_assert_ok(
        invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), ro, VREGION_FLAGS_READ, 0, 1));
    ck_assert_int_eq(check(), KCHECK_OK);
    write_leaf_entry(
        slot_of(VA, LEAF),
        paging_make_page_entry(fmt.table[LEAF], identify(frame).base, VREGION_FLAGS_READ_WRITE));
    ck_assert_int_eq(check(), KCHECK_RIGHTS_EXCEEDED);
}
END_TEST

START_TEST(the_checker_sees_an_entry_naming_other_memory)
{
    capaddr_t frame = mapped_rw_page();
    write_leaf_entry(slot_of(VA, LEAF),
                     paging_make_page_entry(fmt.table[LEAF], identify(frame).base + BASE_PAGE_BYTES,
                                            VREGION_FLAGS_READ_WRITE));
    ck_assert_int_eq(check(), KCHECK_RECORD_DANGLING);
}
END_TEST

START_TEST(the_checker_sees_a_table_mapped_twice)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t other = copy_of(leaf, CAPRIGHTS_ALLRIGHTS);
    ck_assert_int_eq(check(), KCHECK_OK);
    /* What map refuses, forged: a second record and entry for the same table. */
    capaddr_t parent = table_for(VA, LEAF - 1);
    genpaddr_t parent_base = identify(parent).base;
    cslot_t slot = slot_of(VA, LEAF - 1) + 1;
    enum objtype type = fmt.table[LEAF - 1];
    paging_write_entry(type, parent_base, slot, paging_make_table_entry(type, identify(leaf).base));
    struct mapping_record m = {
        .table_base = parent_base, .slot = (uint16_t)slot, .pte_count = 1, .table_type = type};
    map_index_record(cte_at(other), &m);
    ck_assert_int_eq(check(), KCHECK_TABLE_ALIASED);
}
END_TEST

START_TEST(the_checker_sees_overlapping_and_misderived_objects)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, 2 * BASE_PAGE_BYTES, 1, 0));
    genpaddr_t base = identify(WORK_SLOT(0)).base;
    ck_assert_int_eq(check(), KCHECK_OK);
    struct cte *slot = cte_at(WORK_SLOT(0)) + 1;
    caps_create_from_nothing(slot, fmt.table[LEAF], base,
                             objtype_info[fmt.table[LEAF]].fixed_bytes);
    ck_assert_int_eq(check(), KCHECK_BAD_DERIVATION); /* a table inside a frame */
    mdb_remove(slot);
    slot->cap.type = ObjType_Null;
    caps_create_from_nothing(slot, ObjType_Endpoint, base, DISPATCHER_BYTES);
    ck_assert_int_eq(check(), KCHECK_BAD_DERIVATION); /* an endpoint where no dispatcher was */
    mdb_remove(slot);
    slot->cap.type = ObjType_Null;
    caps_create_from_nothing(slot, ObjType_Frame, base + BASE_PAGE_BYTES, 2 * BASE_PAGE_BYTES);
    ck_assert_int_eq(check(), KCHECK_OBJECTS_OVERLAP);
}
END_TEST

/* A domain may nest RAM in RAM as deep as it likes: the checker follows it, and stays right. */
START_TEST(the_checker_follows_any_nesting)
{
    enum { DEPTH = 300 };
    capaddr_t outer = RAM_CAP;
    gensize_t bytes = (DEPTH + 4) * BASE_PAGE_BYTES; /* the innermost keeps 3 pages */
    for (int i = 0; i < DEPTH; i++, bytes -= BASE_PAGE_BYTES) {
        capaddr_t inner = new_slot();
        ck_assert_ok(invoke_cnode_retype(
            CAPADDR_ROOTCN, outer, i == 0 ? 32ull << 20 : 0, ObjType_RAM, bytes - BASE_PAGE_BYTES,
            1, capaddr_l1_slot(capaddr_l1_index(inner)), capaddr_l2_slot(inner)));
        outer = inner;
    }
    ck_assert_int_eq(check(), KCHECK_OK);
    /* And still sees a misderived object at the bottom of it. */
    struct cte *deepest = cte_at(outer);
    caps_create_from_nothing(empty_slot_at(new_slot()), fmt.table[LEAF], deepest->cap.base,
                             objtype_info[fmt.table[LEAF]].fixed_bytes);
    ck_assert_int_eq(check(), KCHECK_OK); /* a table inside RAM is a fine derivation */
    capaddr_t frame = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, outer, BASE_PAGE_BYTES * 2, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, capaddr_l1_slot(capaddr_l1_index(frame)),
                                     capaddr_l2_slot(frame)));
    caps_create_from_nothing(empty_slot_at(new_slot()), ObjType_L2CNode, identify(frame).base,
                             L2_CNODE_BYTES);
    ck_assert_int_eq(check(), KCHECK_OBJECTS_OVERLAP); /* runs past the frame it starts in */
}
END_TEST

START_TEST(the_checker_sees_a_lost_kernel_copy)
{
    ck_assert_ok(host_machine_load_root(root_table));
    ck_assert_int_eq(check(), KCHECK_OK);
    mdb_remove(&dcb_current->vroot);
    ck_assert_int_eq(check(), KCHECK_KERNEL_COPY_LOST);
}
END_TEST

START_TEST(the_checker_sees_a_lost_cspace_root_or_an_unheld_root_table)
{
    ck_assert_ok(host_machine_load_root(root_table));
    dcb_current->vroot.mdb.kernel_held = false; /* a domain could now delete it */
    ck_assert_int_eq(check(), KCHECK_KERNEL_COPY_LOST);
    dcb_current->vroot.mdb.kernel_held = true;
    ck_assert_int_eq(check(), KCHECK_OK);
    dcb_current->cspace.mdb.kernel_held = false;
    ck_assert_int_eq(check(), KCHECK_KERNEL_COPY_LOST);
}
END_TEST

/* The MMU walks a root the kernel does not hold: the table could die under it. */
START_TEST(the_checker_sees_a_loaded_root_it_does_not_hold)
{
    ck_assert_ok(host_machine_load_root(root_table));
    caps_delete(&dcb_current->vroot);
    ck_assert_int_eq(check(), KCHECK_KERNEL_COPY_LOST);
}
END_TEST

/* Records: one outside the mapping index, one naming a dead table, one whose entry is gone. */
START_TEST(the_checker_sees_records_the_index_does_not_know)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_int_eq(check(), KCHECK_OK);
    cte_at(frame)->mapping =
        (struct mapping_record){.table_base = identify(table_for(VA, LEAF)).base,
                                .slot = 9,
                                .pte_count = 1,
                                .table_type = (uint8_t)fmt.table[LEAF]};
    ck_assert_int_eq(check(), KCHECK_RECORD_DANGLING);
}
END_TEST

START_TEST(the_checker_sees_a_record_into_a_dead_table)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    genpaddr_t nowhere = identify(new_object(ObjType_Frame, 16 * BASE_PAGE_BYTES)).base;
    struct mapping_record m = {
        .table_base = nowhere, .slot = 0, .pte_count = 1, .table_type = (uint8_t)fmt.table[LEAF]};
    map_index_record(cte_at(frame), &m);
    ck_assert_int_eq(check(), KCHECK_RECORD_DANGLING);
}
END_TEST

START_TEST(the_checker_sees_a_record_whose_entry_is_gone)
{
    mapped_rw_page();
    ck_assert_int_eq(check(), KCHECK_OK);
    write_leaf_entry(slot_of(VA, LEAF), 0);
    ck_assert_int_eq(check(), KCHECK_RECORD_DANGLING);
}
END_TEST

START_TEST(the_checker_sees_a_table_mapped_through_a_read_only_copy)
{
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert_int_eq(check(), KCHECK_OK);
    cte_at(leaf)->cap.rights = CAPRIGHTS_READ; /* as if map had not checked */
    ck_assert_int_eq(check(), KCHECK_RIGHTS_EXCEEDED);
}
END_TEST

START_TEST(the_checker_sees_a_broken_mapping_index)
{
    capaddr_t frame = mapped_rw_page();
    ck_assert_int_eq(check(), KCHECK_OK);
    cte_at(frame)->mapping_node.parent = &cte_at(frame)->mapping_node; /* a corrupt link */
    ck_assert_int_eq(check(), KCHECK_INDEX_SHAPE);
}
END_TEST

START_TEST(the_checker_sees_a_broken_index)
{
    struct cte *c = cte_at(RAM_CAP);
    c->mdb.subtree_end ^= BASE_PAGE_BYTES;
    ck_assert_int_eq(check(), KCHECK_INDEX_SHAPE);
}
END_TEST

Suite *isolation_suite(void)
{
    Suite *s = suite_create("isolation");
    TCase *tc = paging_tcase(s, "refusals");
    tcase_add_test(tc, the_null_address_names_no_slot);
    tcase_add_test(tc, the_invoked_root_copy_and_the_kernels_survive);
    tcase_add_test(tc, cnodes_without_write_cannot_be_changed_through);
    tcase_add_test(tc, a_table_is_mapped_through_one_copy_at_a_time);
    tcase_add_test(tc, a_table_is_installed_only_through_a_writable_copy);
    tcase_add_test(tc, a_dying_table_leaves_nothing_walkable);
    tcase_add_test(tc, the_loaded_root_outlives_its_user_copies);
    tcase_add_test(tc, an_unloaded_root_dies_with_its_entries);

    tc = tcase_create("physical limit");
    tcase_add_checked_fixture(tc, boot_straddling_the_limit, fixture_shutdown);
    tcase_add_test(tc, tables_beyond_the_formats_reach_are_refused);
    suite_add_tcase(s, tc);

    tc = paging_tcase(s, "checker");
    tcase_add_test(tc, the_debug_check_passes_on_an_intact_machine);
    tcase_add_test(tc, the_checker_sees_an_entry_without_a_record);
    tcase_add_test(tc, the_checker_sees_an_entry_beyond_its_rights);
    tcase_add_test(tc, the_checker_sees_an_entry_naming_other_memory);
    tcase_add_test(tc, the_checker_sees_a_table_mapped_twice);
    tcase_add_test(tc, the_checker_sees_overlapping_and_misderived_objects);
    tcase_add_test(tc, the_checker_follows_any_nesting);
    tcase_add_test(tc, the_checker_sees_a_lost_kernel_copy);
    tcase_add_test(tc, the_checker_sees_a_broken_index);
    tcase_add_test(tc, the_checker_sees_a_lost_cspace_root_or_an_unheld_root_table);
    tcase_add_test(tc, the_checker_sees_a_loaded_root_it_does_not_hold);
    tcase_add_test(tc, the_checker_sees_records_the_index_does_not_know);
    tcase_add_test(tc, the_checker_sees_a_record_into_a_dead_table);
    tcase_add_test(tc, the_checker_sees_a_record_whose_entry_is_gone);
    tcase_add_test(tc, the_checker_sees_a_table_mapped_through_a_read_only_copy);
    tcase_add_test(tc, the_checker_sees_a_broken_mapping_index);
    return s;
}
