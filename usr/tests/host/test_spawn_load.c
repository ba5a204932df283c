/* libspawn on the hosted machine: a child loaded from a boot module, checked in its tables, freed.
 */
#include "pmap_fixture.h"
#include "spawn_check.h"
#include <domain_layout.h>
#include <elf.h>
#include <kcheck.h>
#include <mdb.h>
#include <stdlib.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES

static struct test_elf child_elf, big_elf, spread_elf;
static const uint8_t not_elf[64] = "this is not an ELF file";
static struct spawninfo si;

void parent_counts_take(struct parent_counts *c)
{
    resource_counts_take(&c->r);
    c->l1_lent = slot_alloc_l1_lent();
    struct pmap_stats st;
    pmap_get_stats(&test_pmap, &st);
    c->pmap_tables = st.tables;
    c->pmap_mappings = st.mappings;
}

void parent_counts_assert_same(const struct parent_counts *a, const struct parent_counts *b)
{
    ck_assert_uint_eq(a->r.slots_used, b->r.slots_used);
    ck_assert_uint_eq(a->r.ram_free, b->r.ram_free);
    ck_assert_uint_eq(a->r.ram_ranges, b->r.ram_ranges);
    ck_assert_uint_eq(a->r.caps_live, b->r.caps_live);
    ck_assert_uint_eq(a->r.shared_pages, b->r.shared_pages);
    ck_assert_uint_eq(a->l1_lent, b->l1_lent);
    ck_assert_uint_eq(a->pmap_tables, b->pmap_tables);
    ck_assert_uint_eq(a->pmap_mappings, b->pmap_mappings);
}

struct parent_counts spawn_before;

/* A machine whose boot image holds init, a good child, a file that is no ELF and a huge image. */
void spawn_boot(void)
{
    build_elf(&child_elf, good_segs, GOOD_SEGS, GOOD_ENTRY);
    gensize_t leaf = pmap_arch_layout()->span_bytes[pmap_arch_layout()->levels - 2];
    struct test_seg huge = {PT_LOAD, DOMAIN_IMAGE_BASE, 16, (SPAWN_FRAMES_MAX + 1) * leaf,
                            PF_R | PF_W | PF_X};
    build_elf(&big_elf, &huge, 1, DOMAIN_IMAGE_BASE);
    /* A page in each of 12 leaf tables: more tables than a pmap's bootstrap nodes. */
    struct test_seg spread[12];
    for (int i = 0; i < 12; i++) {
        spread[i] = (struct test_seg){PT_LOAD, DOMAIN_IMAGE_BASE + (uint64_t)i * 2 * leaf, 8, 8,
                                      PF_R | PF_X};
    }
    build_elf(&spread_elf, spread, 12, DOMAIN_IMAGE_BASE);
    static struct host_boot_module modules[5];
    modules[0] = (struct host_boot_module){"init", child_elf.bytes, child_elf.len};
    modules[1] = (struct host_boot_module){"child", child_elf.bytes, child_elf.len};
    modules[2] = (struct host_boot_module){"notelf", not_elf, sizeof(not_elf)};
    modules[3] = (struct host_boot_module){"huge", big_elf.bytes, big_elf.len};
    modules[4] = (struct host_boot_module){"spread", spread_elf.bytes, spread_elf.len};
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = 256ull << 20;
    config.modules = modules;
    config.module_count = 5;
    pmap_boot_config(&config, NULL);
    /*
     * The parent's own pmap grows its metadata the first time it maps a window, and keeps a
     * block it grew (doc/pmap.md, "Shrinking"): the counts to come back to are those after one
     * spawn and free. Every later one must give back all it takes.
     */
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_ok(spawn_free(&si));
    parent_counts_take(&spawn_before);
}

START_TEST(a_boot_module_is_found_by_its_name)
{
    struct spawn_module m;
    ck_assert_ok(spawn_find_module(&test_pmap, "child", &m));
    ck_assert_uint_eq(m.bytes, child_elf.len);
    ck_assert_uint_eq(m.frame.cnode.l1_index, ROOTCN_SLOT_MODULECN);
    ck_assert_uint_eq(m.frame.slot, 1);
    ck_assert_err(spawn_find_module(&test_pmap, "chil", &m), LIB_ERR_SPAWN_MODULE_NOT_FOUND);
    ck_assert_err(spawn_find_module(&test_pmap, "children", &m), LIB_ERR_SPAWN_MODULE_NOT_FOUND);
    ck_assert_err(spawn_find_module(&test_pmap, "", &m), LIB_ERR_SPAWN_MODULE_NOT_FOUND);
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before,
                              &after); /* the boot information's window is gone again */
}
END_TEST

/* ---- The child's address space, checked through the hardware-format walk ------------------- */

static genpaddr_t child_root(void)
{
    struct cap_identity id;
    ck_assert_ok(cap_identify(si.vroot, &id));
    return id.base;
}

static void assert_page(genvaddr_t va, bool writable, bool executable)
{
    struct walk_result w = walk_translate(child_root(), va);
    ck_assert_msg(w.present && w.user, "0x%llx is not mapped for the child",
                  (unsigned long long)va);
    ck_assert_int_eq(w.writable, writable);
    ck_assert_int_eq(w.executable, executable);
    ck_assert_uint_eq(w.page_bytes, PAGE);
}

/* Every byte of the segment's pages holds the file's byte or zero, as the child will see them. */
static void assert_segment(int seg)
{
    const struct test_seg *s = &good_segs[seg];
    genvaddr_t start = s->vaddr & ~(PAGE - 1);
    genvaddr_t end = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
    for (genvaddr_t va = start; va < end; va++) {
        if (va % PAGE == 0) {
            assert_page(va, s->flags & PF_W, s->flags & PF_X);
        }
        const uint8_t *p = host_mmu_translate(child_root(), va);
        bool in_file = va >= s->vaddr && va < s->vaddr + s->filesz;
        uint8_t want = in_file ? elf_file_byte(seg, va - s->vaddr) : 0;
        ck_assert_msg(*p == want, "0x%llx of segment %d holds 0x%x, expected 0x%x",
                      (unsigned long long)va, seg, *p, want);
    }
}

START_TEST(the_segments_and_stack_hold_their_bytes_with_their_rights)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_uint_eq(si.entry, GOOD_ENTRY);
    ck_assert_uint_eq(si.stack_top, DOMAIN_STACK_TOP);
    assert_segment(0);
    assert_segment(1);
    assert_segment(3);
    ck_assert(!walk_translate(child_root(), good_segs[2].vaddr).present);         /* the note */
    ck_assert(!walk_translate(child_root(), DOMAIN_IMAGE_BASE + 0x2000).present); /* a gap */
    ck_assert(!walk_translate(child_root(), DOMAIN_IMAGE_BASE - PAGE).present);
    for (genvaddr_t va = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES; va < DOMAIN_STACK_TOP; va += PAGE) {
        assert_page(va, true, false);
        ck_assert_uint_eq(*(const uint8_t *)host_mmu_translate(child_root(), va), 0);
    }
    ck_assert(!walk_translate(child_root(), DOMAIN_STACK_TOP).present);
    ck_assert(!walk_translate(child_root(), DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - PAGE).present);
    /* The child's own tables: the parent's address space holds nothing of it. */
    ck_assert_uint_ne(child_root(), test_pmap.root_base);
    ck_assert(!walk_translate(test_pmap.root_base, DOMAIN_IMAGE_BASE).present);
    ck_assert_ok(spawn_free(&si));
}
END_TEST

START_TEST(the_foreign_pmap_knows_every_run_of_the_child)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&si.vspace, DOMAIN_IMAGE_BASE + 0x1000, &info));
    ck_assert_uint_eq(info.vaddr, DOMAIN_IMAGE_BASE);
    ck_assert_uint_eq(info.bytes, 2 * PAGE);
    ck_assert_uint_eq(info.flags, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    ck_assert(capref_equal(info.frame, si.frame_grants[0])); /* the copy without grant */
    ck_assert_ok(pmap_lookup(&si.vspace, DOMAIN_IMAGE_BASE + 0x4000, &info));
    ck_assert_uint_eq(info.flags, VREGION_FLAGS_READ_WRITE);
    ck_assert_ok(pmap_lookup(&si.vspace, DOMAIN_STACK_TOP - PAGE, &info));
    ck_assert_uint_eq(info.flags, VREGION_FLAGS_READ_WRITE);
    ck_assert_err(pmap_lookup(&si.vspace, DOMAIN_IMAGE_BASE + 0x2000, &info),
                  LIB_ERR_PMAP_NOT_MAPPED);
    ck_assert_ok(spawn_free(&si));
}
END_TEST

/* ---- The child's CSpace ------------------------------------------------------------------ */

/* What the kernel's spawn.c would put in PAGECN for these pieces: tables on the way down, frame. */
struct expected {
    enum objtype type[L2_CNODE_SLOTS];
    gensize_t bytes[L2_CNODE_SLOTS];
    int count;
};

static void expect_piece(struct expected *e, genvaddr_t va, gensize_t bytes, genvaddr_t *made,
                         int *made_count)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 1; level < l->levels; level++) {
        genvaddr_t key = (va / l->span_bytes[level - 1]) * PMAP_MAX_LEVELS + (genvaddr_t)level;
        bool seen = false;
        for (int i = 0; i < *made_count; i++) {
            seen = seen || made[i] == key;
        }
        if (!seen) {
            made[(*made_count)++] = key;
            e->type[e->count] = l->table_type[level];
            e->bytes[e->count++] = objtype_info[l->table_type[level]].fixed_bytes;
        }
    }
    e->type[e->count] = ObjType_Frame;
    e->bytes[e->count++] = bytes;
}

static void expect_range(struct expected *e, genvaddr_t start, genvaddr_t end, genvaddr_t *made,
                         int *made_count)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t span = l->span_bytes[l->levels - 2];
    while (start < end) {
        genvaddr_t stop = (start / span + 1) * span < end ? (start / span + 1) * span : end;
        expect_piece(e, start, stop - start, made, made_count);
        start = stop;
    }
}

static void expected_pagecn(struct expected *e)
{
    static genvaddr_t made[64];
    int made_count = 0;
    e->type[0] = pmap_arch_layout()->table_type[0];
    e->bytes[0] = objtype_info[e->type[0]].fixed_bytes;
    e->count = 1;
    for (int i = 0; i < GOOD_SEGS; i++) {
        const struct test_seg *s = &good_segs[i];
        if (s->type == PT_LOAD) {
            expect_range(e, s->vaddr & ~(PAGE - 1), (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1),
                         made, &made_count);
        }
    }
    expect_range(e, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES, DOMAIN_STACK_TOP, made, &made_count);
    expect_range(e, DOMAIN_DISPATCHER_FRAME_VADDR,
                 DOMAIN_DISPATCHER_FRAME_VADDR + DISPATCHER_FRAME_BYTES, made, &made_count);
}

START_TEST(pagecn_holds_the_root_then_tables_and_frames_in_the_kernels_order)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    static struct expected e;
    expected_pagecn(&e);
    size_t frame = 0;
    for (int i = 0; i < e.count; i++) {
        struct cap_identity id;
        ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, (cslot_t)i), &id));
        ck_assert_msg(id.type == e.type[i], "PAGECN slot %d: %s, expected %s", i,
                      objtype_name(id.type), objtype_name(e.type[i]));
        ck_assert_uint_eq(id.bytes, e.bytes[i]);
        if (id.type == ObjType_Frame) {
            struct cap_identity original;
            ck_assert_ok(cap_identify(si.frames[frame++], &original));
            ck_assert_uint_eq(id.base, original.base);
        }
    }
    ck_assert_uint_eq(frame, si.frame_count);
    struct cap_identity id;
    ck_assert_err(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, (cslot_t)e.count), &id),
                  LIB_ERR_CAP_IDENTIFY);
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT), &id));
    ck_assert_uint_eq(id.base, child_root());
    ck_assert_ok(spawn_free(&si));
}
END_TEST

/* The child names its CSpace through its own root: copy its root CNode as it would. */
static errval_t child_copy(capaddr_t dest_cnode, cslot_t dest_slot, capaddr_t src)
{
    return invoke_cnode_copy(get_cap_addr(si.rootcn), dest_cnode, dest_slot, src);
}

START_TEST(the_child_cspace_has_inits_layout)
{
    struct spawn_options options = {.ram_bytes = 3 * 1024 * 1024, .rootcn_slots = 512};
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", &options));
    struct cap_identity root, id;
    ck_assert_ok(cap_identify(si.rootcn, &root));
    ck_assert_int_eq(root.type, ObjType_L1CNode);
    ck_assert_uint_eq(root.bytes, 512 * CTE_BYTES);
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN), &id));
    ck_assert_int_eq(id.type, ObjType_L1CNode);
    ck_assert_uint_eq(id.base, root.base);
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SUPERCN, 0), &id));
    ck_assert_int_eq(id.type, ObjType_RAM);
    ck_assert_uint_eq(id.bytes, options.ram_bytes);
    ck_assert_err(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SUPERCN, 1), &id),
                  LIB_ERR_CAP_IDENTIFY);
    for (cslot_t slot = 0; slot < L2_CNODE_SLOTS; slot++) {
        ck_assert_err(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SLOT_ALLOC0, slot), &id),
                      LIB_ERR_CAP_IDENTIFY);
    }
    /* Through the child's own root: its TASKCN's root copy into its SLOT_ALLOC0, and its RAM. */
    ck_assert_ok(child_copy(capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 7, CAPADDR_ROOTCN));
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SLOT_ALLOC0, 7), &id));
    ck_assert_uint_eq(id.base, root.base);
    ck_assert_ok(child_copy(capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 8,
                            capaddr_make(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT)));
    ck_assert_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SLOT_ALLOC0, 8), &id));
    ck_assert_uint_eq(id.base, child_root());
    ck_assert_err(child_copy(capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 9,
                             capaddr_make(ROOTCN_SLOT_MODULECN, 0)),
                  SYS_ERR_L1_SLOT_EMPTY); /* no boot modules for a child */
    ck_assert_err(child_copy(capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 9,
                             capaddr_make(ROOTCN_SLOT_PHYSADDRCN, 0)),
                  SYS_ERR_L1_SLOT_EMPTY);
    ck_assert(capref_is_null(spawn_child_slot(&si, ROOTCN_SLOT_PHYSADDRCN, 0)));
    ck_assert(capref_is_null(spawn_child_slot(&si, ROOTCN_SLOT_MODULECN, 0)));
    ck_assert_ok(spawn_free(&si)); /* with the child's own copies in its CNodes */
    ck_assert(capref_is_null(spawn_child_slot(&si, ROOTCN_SLOT_TASKCN, 0))); /* gone */
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/* ---- Freeing, and failures on the way ---------------------------------------------------- */

START_TEST(spawning_and_freeing_again_and_again_gives_everything_back)
{
    for (int round = 0; round < 20; round++) {
        ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
        /* What the child retypes from its RAM goes with it. */
        ck_assert_ok(invoke_cnode_retype(get_cap_addr(si.rootcn),
                                         capaddr_make(ROOTCN_SLOT_SUPERCN, 0), 0, ObjType_Frame,
                                         PAGE, 4, capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 0));
        ck_assert_ok(spawn_free(&si));
        struct parent_counts after;
        parent_counts_take(&after);
        parent_counts_assert_same(&spawn_before, &after);
    }
    ck_assert_int_eq(kcheck_state(NULL, NULL), KCHECK_OK);
}
END_TEST

/* An Endpoint for the parent's end (the hosted test domain has no Dispatcher of its own: one
   made here stands in); the counts to come back to are taken again with it. */
static struct capref own_endpoint(void)
{
    struct capref disp, ep;
    ck_assert_ok(dispatcher_create(&disp));
    ck_assert_ok(endpoint_create(disp, &ep));
    parent_counts_take(&spawn_before);
    return ep;
}

static enum objtype child_type(uint32_t l1, cslot_t slot)
{
    struct cap_identity id = {.type = ObjType_Null};
    return err_is_ok(cap_identify(spawn_child_slot(&si, l1, slot), &id)) ? id.type : ObjType_Null;
}

/* A started child: its Dispatcher runnable, named after its module, its TASKCN in init's layout. */
START_TEST(a_started_child_is_runnable_with_init_s_task_slots)
{
    struct capref ep = own_endpoint();
    ck_assert_err(spawn_start(&si, ep), LIB_ERR_SPAWN_NOT_LOADED); /* nothing loaded */
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME), ObjType_Frame);
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER), ObjType_Null);
    ck_assert_ok(spawn_start(&si, ep));
    ck_assert_err(spawn_start(&si, ep), LIB_ERR_SPAWN_NOT_LOADED); /* twice */
    enum dispatcher_state state;
    uint64_t status;
    ck_assert_ok(dispatcher_state(si.disp, &state, &status));
    ck_assert_int_eq(state, DISPATCHER_RUNNABLE);
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER), ObjType_Dispatcher);
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_PARENT), ObjType_Endpoint);
    struct cap_identity id;
    ck_assert_ok(cap_identify(si.child_ep, &id));
    ck_assert_int_eq(id.type, ObjType_Endpoint);
    ck_assert_str_eq(si.name, "child");
    ck_assert_ok(spawn_free(&si));
    ck_assert_err(spawn_start(&si, ep), LIB_ERR_SPAWN_NOT_LOADED); /* freed */
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/* The pager helpers work on a started child only, and pass the dispatcher's answer on. */
START_TEST(a_pager_is_set_on_a_started_child)
{
    struct capref ep = own_endpoint();
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_err(spawn_set_pager(&si, ep), LIB_ERR_SPAWN_NOT_LOADED);
    ck_assert_err(spawn_pager_resume(&si, 0), LIB_ERR_SPAWN_NOT_LOADED);
    ck_assert_ok(spawn_start(&si, ep));
    ck_assert_ok(spawn_set_pager(&si, ep));
    ck_assert_chain(spawn_pager_resume(&si, 0), LIB_ERR_DISPATCHER_RESUME,
                    SYS_ERR_DISPATCHER_NOT_BLOCKED);
    ck_assert_ok(spawn_set_pager(&si, NULL_CAP));
    ck_assert_ok(spawn_free(&si));
    ck_assert_err(spawn_set_pager(&si, ep), LIB_ERR_SPAWN_NOT_LOADED);
}
END_TEST

/* A start that fails leaves the child loaded and not started: a second start succeeds. */
START_TEST(a_failed_start_leaves_the_child_loaded)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    struct capref empty = {.cnode = cnode_at_l1(ROOTCN_SLOT_SLOT_ALLOC0),
                           .slot = L2_CNODE_SLOTS - 1};
    ck_assert_chain(spawn_start(&si, empty), LIB_ERR_SPAWN_START, LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_CAP_NOT_FOUND);
    ck_assert(!si.started);
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER), ObjType_Null);
    ck_assert_ok(spawn_start(&si, NULL_CAP)); /* no parent Endpoint: the slot stays empty */
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_PARENT), ObjType_Null);
    ck_assert_ok(spawn_free(&si));
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/* Each failure is named under LIB_ERR_SPAWN_LOAD, and leaves nothing behind. */
START_TEST(failed_loads_name_their_cause_and_leave_nothing)
{
    ck_assert_chain(spawn_load(&si, &test_pmap, "nobody", NULL), LIB_ERR_SPAWN_LOAD,
                    LIB_ERR_SPAWN_MODULE_NOT_FOUND);
    ck_assert_chain(spawn_load(&si, &test_pmap, "notelf", NULL), LIB_ERR_SPAWN_LOAD,
                    LIB_ERR_SPAWN_ELF_MAGIC);
    ck_assert_chain(spawn_load(&si, &test_pmap, "huge", NULL), LIB_ERR_SPAWN_LOAD,
                    LIB_ERR_SPAWN_IMAGE_TOO_BIG);
    struct spawn_options too_much = {.ram_bytes = 1ull << 40};
    errval_t err = spawn_load(&si, &test_pmap, "child", &too_much);
    ck_assert_err(err, LIB_ERR_SPAWN_LOAD);
    ck_assert_err(err_pop(err), LIB_ERR_SPAWN_CSPACE);
    ck_assert_err(err_pop(err_pop(err)), LIB_ERR_RAM_ALLOC);
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/* With the parent's root short of L1 slots at each CNode the child needs. */
START_TEST(running_out_of_l1_slots_at_each_cnode_leaves_nothing)
{
    for (uint32_t spare = 0; spare < 4; spare++) {
        slot_alloc_limit_l1(ROOTCN_SLOTS_USER + spare);
        errval_t err = spawn_load(&si, &test_pmap, "child", NULL);
        ck_assert_err(err_pop(err), LIB_ERR_SPAWN_CSPACE);
        struct parent_counts after;
        parent_counts_take(&after);
        parent_counts_assert_same(&spawn_before, &after);
    }
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    ck_assert_ok(spawn_free(&si));
}
END_TEST

/*
 * A heap that fails its n-th allocation: the child's pmap runs out of metadata part way through
 * an image of many tables.
 */
static int heap_calls, heap_fail_at;

static void *failing_alloc(size_t bytes)
{
    return heap_calls++ == heap_fail_at ? NULL : malloc(bytes);
}

START_TEST(a_heap_failing_at_each_call_leaves_nothing)
{
    struct spawn_options options = {.heap_alloc = failing_alloc, .heap_free = free};
    for (heap_fail_at = 0;; heap_fail_at++) {
        ck_assert_int_lt(heap_fail_at, 64);
        heap_calls = 0;
        errval_t err = spawn_load(&si, &test_pmap, "spread", &options);
        if (err_is_ok(err)) {
            break;
        }
        ck_assert_err(err_pop(err), LIB_ERR_SPAWN_CHILD_MAP);
        struct parent_counts after;
        parent_counts_take(&after);
        parent_counts_assert_same(&spawn_before, &after);
    }
    ck_assert_int_gt(heap_fail_at, 0); /* the child's pmap did use the heap */
    ck_assert_ok(spawn_free(&si));
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/* ---- Starved parents --------------------------------------------------------------------- */

/* Reserves the parent's free RAM (no capability: libcap's table) until keep bytes are left. */
static struct ram_piece hoard[256];
static int hoarded;

static void hoard_ram_except(gensize_t keep)
{
    hoarded = 0;
    gensize_t size = ram_free_bytes() - keep;
    while (ram_free_bytes() > keep) {
        gensize_t want = ram_free_bytes() - keep;
        size = size < want ? size : want;
        struct ram_piece piece;
        if (err_is_ok(ram_reserve(size, PAGE, &piece))) {
            ck_assert_int_lt(hoarded, 256);
            hoard[hoarded++] = piece;
        } else {
            size = size / 2 > PAGE ? (size / 2) & ~(PAGE - 1) : PAGE;
        }
    }
}

static void release_hoard(void)
{
    for (int i = 0; i < hoarded; i++) {
        ck_assert_ok(ram_release(hoard[i].base, hoard[i].bytes));
    }
    hoarded = 0;
}

/* With a page more RAM each time, spawn_load fails at each allocation it makes, then works. */
START_TEST(too_little_ram_at_every_step_leaves_nothing)
{
    struct spawn_options small = {.ram_bytes = 64 * 1024};
    int failures = 0;
    for (gensize_t keep = 0;; keep += PAGE) {
        ck_assert_uint_lt(keep, 4ull << 20);
        hoard_ram_except(keep);
        errval_t err = spawn_load(&si, &test_pmap, "child", &small);
        if (err_is_ok(err)) {
            ck_assert_ok(spawn_free(&si));
            release_hoard();
            break;
        }
        ck_assert_err(err, LIB_ERR_SPAWN_LOAD);
        failures++;
        release_hoard();
        struct parent_counts after;
        parent_counts_take(&after);
        parent_counts_assert_same(&spawn_before, &after);
    }
    ck_assert_int_gt(failures, 40); /* CNodes, RAM, frames and tables: every page of them */
}
END_TEST

/* A parent with no slot left cannot map the boot information or the module to read them. */
START_TEST(a_parent_out_of_slots_cannot_open_a_window)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER); /* no CNode more */
    static struct capref held[4 * L2_CNODE_SLOTS];
    size_t n = 0;
    while (n < sizeof(held) / sizeof(held[0]) && err_is_ok(slot_alloc(&held[n]))) {
        n++;
    }
    struct spawn_module m;
    errval_t err = spawn_find_module(&test_pmap, "child", &m);
    ck_assert_err(err, LIB_ERR_SPAWN_PARENT_MAP);
    ck_assert_err(err_pop(err), LIB_ERR_PMAP_MAP);
    err = spawn_load(&si, &test_pmap, "child", NULL);
    ck_assert_err(err_pop(err), LIB_ERR_SPAWN_PARENT_MAP);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ok(slot_free(held[i]));
    }
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/*
 * A start that fails for want of RAM or slots: each failure comes under LIB_ERR_SPAWN_START, and
 * leaves the child loaded and not started, with the parent's counts as before the start; with
 * enough, the start works. Records the causes seen (the error under LIB_ERR_SPAWN_START).
 */
struct start_causes {
    bool window, dispatcher, endpoint;
};

/* One start: the hoard (if any) given back after it; a failure must leave the counts at want. */
static errval_t start_once(struct start_causes *seen, const struct parent_counts *want)
{
    errval_t err = spawn_start(&si, NULL_CAP);
    release_hoard();
    if (err_is_ok(err)) {
        return err;
    }
    ck_assert_err(err, LIB_ERR_SPAWN_START);
    enum err_code cause = err_no(err_pop(err));
    seen->window |= cause == LIB_ERR_SPAWN_PARENT_MAP;
    seen->dispatcher |= cause == LIB_ERR_DISPATCHER_CREATE;
    seen->endpoint |= cause == LIB_ERR_ENDPOINT_CREATE;
    ck_assert(!si.started);
    ck_assert_int_eq(child_type(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER), ObjType_Null);
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(want, &after);
    return err;
}

/*
 * A page the parent keeps mapped where its windows go, so that their leaf table stays: a window
 * then needs a slot for its copy and nothing else, and what comes after it can run short.
 */
static struct capref pin;
static genvaddr_t pin_vaddr;

static void pin_window_table(void)
{
    ck_assert_ok(frame_alloc(&pin, PAGE, NULL));
    ck_assert_ok(pmap_determine_addr(&test_pmap, PAGE, PAGE, &pin_vaddr));
    ck_assert_ok(pmap_map(&test_pmap, pin_vaddr, pin, 0, PAGE, VREGION_FLAGS_READ_WRITE));
}

static void unpin_window_table(void)
{
    ck_assert_ok(pmap_unmap(&test_pmap, pin_vaddr, PAGE));
    ck_assert_ok(frame_free(pin));
}

START_TEST(a_start_short_of_ram_leaves_the_child_loaded)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    pin_window_table();
    struct start_causes seen = {0};
    struct parent_counts loaded;
    parent_counts_take(&loaded);
    for (gensize_t keep = 0;; keep += PAGE) {
        ck_assert_uint_lt(keep, 1ull << 20);
        hoard_ram_except(keep);
        if (err_is_ok(start_once(&seen, &loaded))) {
            break;
        }
    }
    ck_assert(seen.dispatcher);
    ck_assert_ok(spawn_free(&si));
    unpin_window_table();
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

START_TEST(a_start_short_of_slots_leaves_the_child_loaded)
{
    ck_assert_ok(spawn_load(&si, &test_pmap, "child", NULL));
    pin_window_table();
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER); /* no CNode more */
    static struct capref held[4 * L2_CNODE_SLOTS];
    size_t n = 0;
    while (n < sizeof(held) / sizeof(held[0]) && err_is_ok(slot_alloc(&held[n]))) {
        n++;
    }
    struct start_causes seen = {0};
    struct parent_counts want;
    parent_counts_take(&want);
    while (err_is_fail(start_once(&seen, &want))) {
        ck_assert_uint_gt(n, 0);
        ck_assert_ok(slot_free(held[--n])); /* one slot more */
        parent_counts_take(&want);
    }
    ck_assert(seen.window && seen.endpoint);
    while (n > 0) {
        ck_assert_ok(slot_free(held[--n]));
    }
    slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
    ck_assert_ok(spawn_free(&si));
    unpin_window_table();
    struct parent_counts after;
    parent_counts_take(&after);
    parent_counts_assert_same(&spawn_before, &after);
}
END_TEST

/*
 * The boot information is the kernel's page; these stand for a kernel that wrote it wrong, which
 * libspawn must not trust: each is refused, and nothing stays mapped.
 */
START_TEST(a_broken_boot_information_is_refused)
{
    struct bootinfo *info = host_machine_phys_ptr(host_machine_bootinfo_base());
    struct spawn_module m;
    info->magic ^= 1;
    ck_assert_err(spawn_find_module(&test_pmap, "child", &m), LIB_ERR_SPAWN_BOOTINFO);
    info->magic ^= 1;
    info->module_count = BOOTINFO_MODULES_MAX + 1;
    ck_assert_err(spawn_find_module(&test_pmap, "child", &m), LIB_ERR_SPAWN_BOOTINFO);
    info->module_count = 5;
    info->modules[1].bytes = 1 << 20; /* more than its frame */
    ck_assert_err(spawn_find_module(&test_pmap, "child", &m), LIB_ERR_SPAWN_BOOTINFO);
    info->modules[1].bytes = child_elf.len;
    ck_assert_ok(spawn_find_module(&test_pmap, "child", &m));
    ck_assert_ok(cap_delete(
        (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_BOOTINFO}));
    ck_assert_err(spawn_find_module(&test_pmap, "child", &m), LIB_ERR_SPAWN_BOOTINFO);
    struct parent_counts after;
    parent_counts_take(&after);
    ck_assert_uint_eq(after.pmap_mappings, spawn_before.pmap_mappings);
    ck_assert_uint_eq(after.r.slots_used, spawn_before.r.slots_used);
}
END_TEST

Suite *spawn_load_suite(void)
{
    Suite *s = suite_create("libspawn load and free");
    TCase *tc = tcase_create("spawn");
    tcase_add_checked_fixture(tc, spawn_boot, pmap_shutdown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_boot_module_is_found_by_its_name);
    tcase_add_test(tc, the_segments_and_stack_hold_their_bytes_with_their_rights);
    tcase_add_test(tc, the_foreign_pmap_knows_every_run_of_the_child);
    tcase_add_test(tc, pagecn_holds_the_root_then_tables_and_frames_in_the_kernels_order);
    tcase_add_test(tc, the_child_cspace_has_inits_layout);
    tcase_add_test(tc, spawning_and_freeing_again_and_again_gives_everything_back);
    tcase_add_test(tc, a_started_child_is_runnable_with_init_s_task_slots);
    tcase_add_test(tc, a_pager_is_set_on_a_started_child);
    tcase_add_test(tc, a_failed_start_leaves_the_child_loaded);
    tcase_add_test(tc, failed_loads_name_their_cause_and_leave_nothing);
    tcase_add_test(tc, running_out_of_l1_slots_at_each_cnode_leaves_nothing);
    tcase_add_test(tc, a_heap_failing_at_each_call_leaves_nothing);
    tcase_add_test(tc, too_little_ram_at_every_step_leaves_nothing);
    tcase_add_test(tc, a_parent_out_of_slots_cannot_open_a_window);
    tcase_add_test(tc, a_start_short_of_ram_leaves_the_child_loaded);
    tcase_add_test(tc, a_start_short_of_slots_leaves_the_child_loaded);
    tcase_add_test(tc, a_broken_boot_information_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
