/* libcap as a domain sees it: caprefs, wrappers that push library errors, and its allocators. */
#include "libcap_support.h"
#include "paging_support.h"
#include "walker.h"
#include <libcap/libcap.h>
#include <mdb.h>

#define KIB(n) ((gensize_t)(n) << 10)
#define MIB(n) ((gensize_t)(n) << 20)

/* ---- Helpers ---------------------------------------------------------------------------- */

/* Everything a leak would show in: slots, free RAM and its ranges, shared pages, live caps. */
struct libcap_state {
    size_t slots;
    gensize_t free_bytes;
    size_t free_ranges;
    size_t shared_pages;
    size_t caps;
};

static struct libcap_state state_now(void)
{
    return (struct libcap_state){slot_alloc_used(), ram_free_bytes(), ram_free_ranges(),
                                 vnode_shared_pages(), mdb_count()};
}

static void assert_state(struct libcap_state want, int line)
{
    struct libcap_state now = state_now();
    ck_assert_msg(now.slots == want.slots, "line %d: %zu slots used, expected %zu", line, now.slots,
                  want.slots);
    ck_assert_msg(now.free_bytes == want.free_bytes, "line %d: %llu bytes free, expected %llu",
                  line, (unsigned long long)now.free_bytes, (unsigned long long)want.free_bytes);
    ck_assert_msg(now.free_ranges == want.free_ranges, "line %d: %zu free ranges, expected %zu",
                  line, now.free_ranges, want.free_ranges);
    ck_assert_msg(now.shared_pages == want.shared_pages, "line %d: %zu shared pages, expected %zu",
                  line, now.shared_pages, want.shared_pages);
    ck_assert_msg(now.caps == want.caps, "line %d: %zu live caps, expected %zu", line, now.caps,
                  want.caps);
}

#define ck_assert_state(want) assert_state((want), __LINE__)

static struct capref alloc_slot(void)
{
    struct capref slot;
    ck_assert_ok(slot_alloc(&slot));
    return slot;
}

static struct capref new_frame(gensize_t bytes)
{
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, bytes, NULL));
    return frame;
}

static struct capref new_vnode(enum objtype type)
{
    struct capref table;
    ck_assert_ok(vnode_create(&table, type));
    return table;
}

static struct capref copy_of(struct capref cap)
{
    struct capref copy = alloc_slot();
    ck_assert_ok(cap_copy(copy, cap));
    return copy;
}

/* The page-table types of this target, from the walker built for it (no machine needed). */
static enum objtype leaf_type(void)
{
    paging_learn_format();
    return fmt.table[fmt.levels - 1];
}

static enum objtype leaf_parent_type(void)
{
    paging_learn_format();
    return fmt.table[fmt.levels - 2];
}

static bool is_format_table(enum objtype type)
{
    paging_learn_format();
    for (int level = 0; level < fmt.levels; level++) {
        if (fmt.table[level] == type) {
            return true;
        }
    }
    return false;
}

/* A page-table type of another architecture. */
static enum objtype foreign_vnode_type(void)
{
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        if (objtype_is_vnode(t) && !is_format_table(t)) {
            return t;
        }
    }
    ck_abort_msg("every page-table type is native");
    return ObjType_Null;
}

static gensize_t round_to_page(gensize_t bytes)
{
    return (bytes + BASE_PAGE_BYTES - 1) / BASE_PAGE_BYTES * BASE_PAGE_BYTES;
}

/* Boots the default machine and starts libcap on it: the checked fixture of every test. */
static void libcap_boot(void)
{
    fixture_boot();
    ck_assert_ok(libcap_init());
}

static TCase *libcap_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, libcap_boot, fixture_shutdown);
    suite_add_tcase(s, tc);
    return tc;
}

/* ---- caprefs ------------------------------------------------------------------------------ */

START_TEST(root_slots_have_level_one_addresses)
{
    struct capref alloc0 = {.cnode = cnode_root(), .slot = ROOTCN_SLOT_SLOT_ALLOC0};
    ck_assert_uint_eq(get_cap_addr(alloc0), capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0));
    ck_assert_int_eq(capref_identity(alloc0).type, ObjType_L2CNode);
    struct capref root = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
    ck_assert_uint_eq(get_cap_addr(root), CAPADDR_ROOTCN);
    ck_assert_int_eq(capref_identity(root).type, ObjType_L1CNode);
    struct capref user = {.cnode = cnode_root(), .slot = ROOTCN_SLOTS_USER};
    ck_assert_uint_eq(get_cap_addr(user), capaddr_l1_slot(ROOTCN_SLOTS_USER));
    ck_assert(capref_slot_is_empty(user));
    ck_assert(capref_is_null(NULL_CAP));
    ck_assert(!capref_is_null(cap_ram_boot(0)));
    ck_assert(capref_equal(cap_ram_boot(0), cap_ram_boot(0)));
    ck_assert(!capref_equal(cap_ram_boot(0), cap_ram_boot(1)));
}
END_TEST

START_TEST(an_installed_l2_cnode_names_its_slots)
{
    const uint32_t l1 = ROOTCN_SLOTS_USER + 7;
    struct ram_piece piece;
    ck_assert_ok(ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece));
    struct capref at = {.cnode = cnode_root(), .slot = l1};
    ck_assert_ok(cap_retype(at, piece.src, piece.offset, ObjType_L2CNode, L2_CNODE_BYTES, 1));
    ck_assert_uint_eq(capref_identity(at).base, piece.base);

    struct cnoderef cnode = cnode_at_l1(l1);
    ck_assert_uint_eq(cnode.address, capaddr_l1_slot(l1));
    struct capref inside = {.cnode = cnode, .slot = 200};
    ck_assert_uint_eq(get_cap_addr(inside), capaddr_make(l1, 200));
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    ck_assert_ok(cap_copy(inside, frame));
    struct cap_identity raw = identify(capaddr_make(l1, 200));
    ck_assert_int_eq(raw.type, ObjType_Frame);
    ck_assert_uint_eq(raw.base, capref_identity(frame).base);
}
END_TEST

START_TEST(the_boot_ram_is_identified_and_all_free)
{
    struct cap_identity ram = capref_identity(cap_ram_boot(0));
    ck_assert_int_eq(ram.type, ObjType_RAM);
    ck_assert_uint_eq(ram.base, host_machine_free_ram_base());
    ck_assert_uint_eq(ram.bytes, host_machine_free_ram_bytes());
    ck_assert_uint_eq(ram_free_bytes(), ram.bytes);
    ck_assert_uint_eq(ram_free_ranges(), 1);
    ck_assert_uint_eq(slot_alloc_used(), 0);
    ck_assert_uint_eq(vnode_shared_pages(), 0);
    struct cap_identity none;
    ck_assert_chain(cap_identify(cap_ram_boot(1), &none), LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

/* ---- Wrappers: library errors over the kernel's ------------------------------------------- */

START_TEST(copy_refusals_come_under_cap_copy)
{
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct capref copy = copy_of(frame);
    struct libcap_state before = state_now();
    errval_t err = cap_copy(copy, frame);
    ck_assert_err(err, LIB_ERR_CAP_COPY);
    ck_assert_err(err_pop(err), SYS_ERR_SLOT_IN_USE);
    ck_assert_err(err_pop(err_pop(err)), SYS_ERR_OK);
    struct capref empty = alloc_slot();
    ck_assert_chain(cap_copy(alloc_slot(), empty), LIB_ERR_CAP_COPY, SYS_ERR_CAP_NOT_FOUND);
    before.slots += 2;
    ck_assert_state(before);
}
END_TEST

START_TEST(retype_refusals_come_under_cap_retype)
{
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct ram_piece piece;
    ck_assert_ok(ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece));
    ck_assert_chain(cap_retype(frame, piece.src, piece.offset, ObjType_Frame, BASE_PAGE_BYTES, 1),
                    LIB_ERR_CAP_RETYPE, SYS_ERR_SLOT_IN_USE);
    struct capref dest = alloc_slot();
    ck_assert_chain(cap_retype(dest, piece.src, piece.offset, ObjType_Frame, BASE_PAGE_BYTES, 0),
                    LIB_ERR_CAP_RETYPE, SYS_ERR_RETYPE_INVALID_COUNT);
    gensize_t frame_offset = capref_identity(frame).base - capref_identity(cap_ram_boot(0)).base;
    ck_assert_chain(
        cap_retype(dest, cap_ram_boot(0), frame_offset, ObjType_Frame, BASE_PAGE_BYTES, 1),
        LIB_ERR_CAP_RETYPE, SYS_ERR_RETYPE_OVERLAP);
    ck_assert(capref_slot_is_empty(dest));
    ck_assert_ok(cap_retype(dest, piece.src, piece.offset, ObjType_Frame, BASE_PAGE_BYTES, 1));
    ck_assert_uint_eq(capref_identity(dest).base, piece.base);
}
END_TEST

START_TEST(mint_refusals_come_under_cap_mint)
{
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct capref read_only = alloc_slot();
    ck_assert_ok(cap_mint(read_only, frame, CAPRIGHTS_READ));
    ck_assert_uint_eq(capref_identity(read_only).rights, CAPRIGHTS_READ);
    struct capref dest = alloc_slot();
    ck_assert_chain(cap_mint(dest, read_only, CAPRIGHTS_READ_WRITE), LIB_ERR_CAP_MINT,
                    SYS_ERR_MINT_RIGHTS_EXCEED);
    ck_assert_chain(cap_mint(dest, frame, 0x80), LIB_ERR_CAP_MINT, SYS_ERR_INVALID_RIGHTS);
    ck_assert_chain(cap_mint(read_only, frame, CAPRIGHTS_READ), LIB_ERR_CAP_MINT,
                    SYS_ERR_SLOT_IN_USE);
    ck_assert(capref_slot_is_empty(dest));
}
END_TEST

START_TEST(delete_revoke_and_identify_of_empty_slots_are_refused)
{
    struct capref empty = alloc_slot();
    struct cap_identity id;
    ck_assert_chain(cap_delete(empty), LIB_ERR_CAP_DELETE, SYS_ERR_CAP_NOT_FOUND);
    ck_assert_chain(cap_revoke(empty), LIB_ERR_CAP_REVOKE, SYS_ERR_CAP_NOT_FOUND);
    ck_assert_chain(cap_identify(empty, &id), LIB_ERR_CAP_IDENTIFY, SYS_ERR_CAP_NOT_FOUND);
    struct capref nowhere = {.cnode = cnode_at_l1(ROOTCN_SLOTS_USER + 100), .slot = 0};
    ck_assert_chain(cap_delete(nowhere), LIB_ERR_CAP_DELETE, SYS_ERR_L1_SLOT_EMPTY);
    ck_assert_chain(cap_identify(nowhere, &id), LIB_ERR_CAP_IDENTIFY, SYS_ERR_L1_SLOT_EMPTY);
}
END_TEST

START_TEST(revoke_removes_copies_and_keeps_the_cap)
{
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct capref copies[3];
    for (int i = 0; i < 3; i++) {
        copies[i] = copy_of(i == 0 ? frame : copies[i - 1]);
    }
    ck_assert_ok(cap_revoke(frame));
    ck_assert_int_eq(capref_identity(frame).type, ObjType_Frame);
    for (int i = 0; i < 3; i++) {
        ck_assert(capref_slot_is_empty(copies[i]));
    }
}
END_TEST

START_TEST(destroy_deletes_and_frees_the_slot)
{
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct libcap_state before = state_now();
    struct capref copy = copy_of(frame);
    ck_assert_ok(cap_destroy(copy));
    ck_assert(capref_slot_is_empty(copy));
    ck_assert_state(before);

    struct capref empty = alloc_slot();
    ck_assert_chain(cap_destroy(empty), LIB_ERR_CAP_DESTROY, LIB_ERR_CAP_DELETE,
                    SYS_ERR_CAP_NOT_FOUND);
    ck_assert_uint_eq(slot_alloc_used(), before.slots + 1); /* still handed out */

    /* A slot the allocator never handed out: deleted, but the slot cannot be freed. */
    struct capref foreign = {.cnode = cnode_at_l1(ROOTCN_SLOT_SLOT_ALLOC0),
                             .slot = L2_CNODE_SLOTS - 1};
    ck_assert_ok(cap_copy(foreign, frame));
    ck_assert_chain(cap_destroy(foreign), LIB_ERR_CAP_DESTROY, LIB_ERR_SLOT_FREE);
    ck_assert(capref_slot_is_empty(foreign));
}
END_TEST

START_TEST(mapping_refusals_come_under_the_vnode_wrappers)
{
    struct capref table = new_vnode(leaf_type());
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct capref copy = copy_of(frame);
    const vregion_flags_t rw = VREGION_FLAGS_READ_WRITE;
    ck_assert_ok(vnode_map(table, 0, frame, rw, 0, 1));
    ck_assert_chain(vnode_map(table, 0, copy, rw, 0, 1), LIB_ERR_VNODE_MAP,
                    SYS_ERR_VM_ENTRY_PRESENT);
    ck_assert_chain(vnode_map(table, 1, frame, rw, 0, 1), LIB_ERR_VNODE_MAP,
                    SYS_ERR_VM_ALREADY_MAPPED);
    ck_assert_chain(vnode_map(table, 1, cap_ram_boot(0), rw, 0, 1), LIB_ERR_VNODE_MAP,
                    SYS_ERR_VM_MAP_NOT_MAPPABLE);
    ck_assert_chain(vnode_unmap(table, copy, 0, 1), LIB_ERR_VNODE_UNMAP, SYS_ERR_VM_NOT_MAPPED);
    ck_assert_chain(vnode_unmap(table, frame, 1, 1), LIB_ERR_VNODE_UNMAP,
                    SYS_ERR_VM_RANGE_MISMATCH);
    ck_assert_chain(vnode_modify_flags(copy, 0, 1, VREGION_FLAGS_READ), LIB_ERR_VNODE_MODIFY_FLAGS,
                    SYS_ERR_VM_NOT_MAPPED);
    ck_assert_chain(vnode_modify_flags(frame, 1, 1, VREGION_FLAGS_READ), LIB_ERR_VNODE_MODIFY_FLAGS,
                    SYS_ERR_VM_BEYOND_MAPPING);
    ck_assert_ok(vnode_modify_flags(frame, 0, 1, VREGION_FLAGS_READ));
    ck_assert_ok(vnode_unmap(table, frame, 0, 1));
    ck_assert_chain(vnode_unmap(table, frame, 0, 1), LIB_ERR_VNODE_UNMAP, SYS_ERR_VM_NOT_MAPPED);
    ck_assert_ok(vnode_map(table, 0, copy, rw, 0, 1));
}
END_TEST

START_TEST(err_format_prints_the_chain)
{
    char text[512];
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    err_format(cap_copy(frame, frame), text, sizeof(text));
    ck_assert_str_eq(text, "LIB_ERR_CAP_COPY (cap_copy failed) <- "
                           "SYS_ERR_SLOT_IN_USE (a destination slot is not empty)");
    struct capref table;
    err_format(vnode_create(&table, foreign_vnode_type()), text, sizeof(text));
    ck_assert_str_eq(text, "LIB_ERR_VNODE_CREATE (vnode_create failed) <- "
                           "LIB_ERR_CAP_RETYPE (cap_retype failed) <- "
                           "SYS_ERR_VNODE_TYPE_UNSUPPORTED (page-table type of another "
                           "architecture)");
}
END_TEST

/* ---- Slot allocator ----------------------------------------------------------------------- */

START_TEST(slots_are_distinct_empty_and_counted)
{
    enum { N = 300 };
    static bool seen[ROOTCN_SLOTS_USER + 2][L2_CNODE_SLOTS];
    size_t duplicates = 0, occupied = 0;
    for (size_t i = 0; i < N; i++) {
        struct capref slot = alloc_slot();
        ck_assert_uint_lt(slot.cnode.l1_index, ROOTCN_SLOTS_USER + 2);
        ck_assert_uint_eq(slot.cnode.address, capaddr_l1_slot(slot.cnode.l1_index));
        duplicates += seen[slot.cnode.l1_index][slot.slot];
        seen[slot.cnode.l1_index][slot.slot] = true;
        occupied += !capref_slot_is_empty(slot);
    }
    ck_assert_uint_eq(duplicates, 0);
    ck_assert_uint_eq(occupied, 0);
    ck_assert_uint_eq(slot_alloc_used(), N);
}
END_TEST

/*
 * Runs of slots (frame_alloc_run's) mix with single ones: every slot handed out once, each run
 * consecutive in one CNode, counted; a retype fills a run; freed one by one, all come back.
 * Out of range, a run is refused by name.
 */
START_TEST(runs_of_slots_are_consecutive_free_and_distinct)
{
    static bool seen[INIT_ROOTCN_SLOTS][L2_CNODE_SLOTS];
    struct capref singles[40], runs[12];
    const size_t lengths[12] = {1, 32, 5, 16, 31, 2, 16, 8, 32, 3, 16, 7};
    size_t total = 0;
    for (size_t i = 0; i < 12; i++) {
        singles[i] = alloc_slot(); /* singles between the runs, taking parts of words */
        ck_assert(!seen[singles[i].cnode.l1_index][singles[i].slot]);
        seen[singles[i].cnode.l1_index][singles[i].slot] = true;
        ck_assert_ok(slot_alloc_run(lengths[i], &runs[i]));
        ck_assert_uint_le(runs[i].slot + lengths[i], L2_CNODE_SLOTS);
        for (size_t k = 0; k < lengths[i]; k++) {
            struct capref s = {.cnode = runs[i].cnode, .slot = (cslot_t)(runs[i].slot + k)};
            ck_assert(!seen[s.cnode.l1_index][s.slot]);
            seen[s.cnode.l1_index][s.slot] = true;
            ck_assert(capref_slot_is_empty(s));
        }
        total += 1 + lengths[i];
    }
    ck_assert_uint_eq(slot_alloc_used(), total);
    genpaddr_t base;
    struct capref frames;
    ck_assert_ok(frame_alloc_run(&frames, 32, &base)); /* the retype fills a whole run */
    for (size_t k = 0; k < 32; k++) {
        struct capref f = {.cnode = frames.cnode, .slot = (cslot_t)(frames.slot + k)};
        ck_assert_uint_eq(identify(get_cap_addr(f)).base, base + k * BASE_PAGE_BYTES);
        ck_assert_ok(frame_free(f));
    }
    for (size_t i = 0; i < 12; i++) {
        ck_assert_ok(slot_free(singles[i]));
        for (size_t k = 0; k < lengths[i]; k++) {
            ck_assert_ok(slot_free(
                (struct capref){.cnode = runs[i].cnode, .slot = (cslot_t)(runs[i].slot + k)}));
        }
    }
    ck_assert_uint_eq(slot_alloc_used(), 0);
    struct capref none;
    ck_assert_err(err_pop(slot_alloc_run(0, &none)), LIB_ERR_SLOT_RUN);
    ck_assert_err(err_pop(slot_alloc_run(33, &none)), LIB_ERR_SLOT_RUN);
    ck_assert_uint_eq(slot_alloc_used(), 0);
}
END_TEST

START_TEST(a_freed_slot_is_handed_out_again)
{
    struct capref a = alloc_slot();
    struct capref b = alloc_slot();
    ck_assert(!capref_equal(a, b));
    ck_assert_uint_eq(slot_alloc_used(), 2);
    ck_assert_ok(slot_free(a));
    ck_assert_uint_eq(slot_alloc_used(), 1);
    ck_assert(capref_equal(alloc_slot(), a));
    ck_assert_uint_eq(slot_alloc_used(), 2);
}
END_TEST

START_TEST(freeing_a_slot_not_handed_out_is_refused)
{
    struct capref a = alloc_slot();
    struct capref never = {.cnode = a.cnode, .slot = a.slot + 100};
    ck_assert_chain(slot_free(never), LIB_ERR_SLOT_FREE);
    ck_assert_chain(slot_free((struct capref){.cnode = a.cnode, .slot = L2_CNODE_SLOTS}),
                    LIB_ERR_SLOT_FREE);
    ck_assert_chain(slot_free((struct capref){.cnode = cnode_root(), .slot = 5}),
                    LIB_ERR_SLOT_FREE);
    ck_assert_chain(slot_free((struct capref){.cnode = cnode_at_l1(ROOTCN_SLOTS_USER + 9)}),
                    LIB_ERR_SLOT_FREE);
    ck_assert_chain(slot_free(cap_ram_boot(0)), LIB_ERR_SLOT_FREE);
    ck_assert_chain(slot_free(NULL_CAP), LIB_ERR_SLOT_FREE);
    ck_assert_uint_eq(slot_alloc_used(), 1);
    ck_assert_ok(slot_free(a));
    ck_assert_chain(slot_free(a), LIB_ERR_SLOT_FREE);
    ck_assert_uint_eq(slot_alloc_used(), 0);
}
END_TEST

/* Allocates count slots, asserting each succeeds. */
static void alloc_slots(size_t count)
{
    size_t failed = 0;
    for (size_t i = 0; i < count; i++) {
        struct capref slot;
        failed += err_is_fail(slot_alloc(&slot));
    }
    ck_assert_uint_eq(failed, 0);
}

START_TEST(more_slots_install_new_l2_cnodes_from_ram)
{
    struct libcap_state start = state_now();
    alloc_slots(L2_CNODE_SLOTS);
    ck_assert_uint_eq(ram_free_bytes(), start.free_bytes);
    ck_assert(slot_is_empty(capaddr_l1_slot(ROOTCN_SLOTS_USER)));

    struct capref next = alloc_slot();
    ck_assert_uint_eq(next.cnode.l1_index, ROOTCN_SLOTS_USER);
    struct cap_identity cnode = identify(capaddr_l1_slot(ROOTCN_SLOTS_USER));
    ck_assert_int_eq(cnode.type, ObjType_L2CNode);
    ck_assert_uint_eq(cnode.bytes, L2_CNODE_BYTES);
    ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - KIB(32));
    ck_assert_uint_eq(mdb_count(), start.caps + 1);

    alloc_slots(L2_CNODE_SLOTS);
    ck_assert_int_eq(identify(capaddr_l1_slot(ROOTCN_SLOTS_USER + 1)).type, ObjType_L2CNode);
    ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - KIB(64));
    ck_assert_uint_eq(slot_alloc_used(), 2 * L2_CNODE_SLOTS + 1);
}
END_TEST

/*
 * With every CNode but the newest full, alloc and free of one slot empties
 * that CNode each time: it must be listed as empty once, not once per cycle
 * (the list overflowed after INIT_ROOTCN_SLOTS cycles).
 */
START_TEST(alternating_alloc_and_free_in_a_fresh_cnode_stays_bounded)
{
    alloc_slots(L2_CNODE_SLOTS); /* SLOT_ALLOC0 is full */
    size_t used = slot_alloc_used();
    for (size_t i = 0; i < 3 * INIT_ROOTCN_SLOTS; i++) {
        struct capref slot = alloc_slot();
        ck_assert_uint_eq(slot.cnode.l1_index, ROOTCN_SLOTS_USER);
        ck_assert_ok(slot_free(slot));
    }
    ck_assert_uint_eq(slot_alloc_used(), used);
    ck_assert_uint_eq(slot_alloc_cnodes(), 2);
    struct capref again = alloc_slot();
    ck_assert_uint_eq(again.cnode.l1_index, ROOTCN_SLOTS_USER);
}
END_TEST

START_TEST(no_l1_slot_left_means_no_space_until_a_slot_is_freed)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER + 1);
    gensize_t start_bytes = ram_free_bytes();
    struct capref last;
    size_t allocated = 0;
    errval_t err;
    while (err_is_ok(err = slot_alloc(&last)) && allocated < 4 * L2_CNODE_SLOTS) {
        allocated++;
    }
    ck_assert_chain(err, LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_NO_SPACE);
    ck_assert_uint_eq(allocated, 2 * L2_CNODE_SLOTS);
    ck_assert_uint_eq(slot_alloc_used(), allocated);
    ck_assert_uint_eq(ram_free_bytes(), start_bytes - KIB(32));
    ck_assert(slot_is_empty(capaddr_l1_slot(ROOTCN_SLOTS_USER + 1)));

    struct capref some = {.cnode = cnode_at_l1(ROOTCN_SLOTS_USER), .slot = 17};
    ck_assert_ok(slot_free(some));
    ck_assert(capref_equal(alloc_slot(), some));
    ck_assert_chain(slot_alloc(&last), LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_NO_SPACE);
}
END_TEST

START_TEST(no_ram_for_a_new_cnode_is_a_refill_error_until_ram_returns)
{
    gensize_t total = ram_free_bytes();
    struct ram_piece all;
    ck_assert_ok(ram_reserve(total, BASE_PAGE_BYTES, &all));
    ck_assert_uint_eq(ram_free_bytes(), 0);
    alloc_slots(L2_CNODE_SLOTS);
    struct libcap_state full = state_now();

    struct capref slot;
    ck_assert_chain(slot_alloc(&slot), LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_REFILL,
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_chain(ram_alloc(&slot, BASE_PAGE_BYTES), LIB_ERR_RAM_ALLOC, LIB_ERR_SLOT_ALLOC,
                    LIB_ERR_SLOT_ALLOC_REFILL, LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_state(full);
    ck_assert(slot_is_empty(capaddr_l1_slot(ROOTCN_SLOTS_USER)));

    ck_assert_ok(ram_release(all.base, all.bytes));
    slot = alloc_slot();
    ck_assert_uint_eq(slot.cnode.l1_index, ROOTCN_SLOTS_USER);
    ck_assert_uint_eq(ram_free_bytes(), total - KIB(32));
}
END_TEST

START_TEST(a_refill_that_failed_for_ram_leaves_its_l1_slot_free)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER + 1); /* room for exactly one more CNode */
    struct ram_piece all;
    ck_assert_ok(ram_reserve(ram_free_bytes(), BASE_PAGE_BYTES, &all));
    alloc_slots(L2_CNODE_SLOTS);
    struct capref slot;
    for (int i = 0; i < 3; i++) {
        ck_assert_chain(slot_alloc(&slot), LIB_ERR_SLOT_ALLOC, LIB_ERR_SLOT_ALLOC_REFILL,
                        LIB_ERR_RAM_ALLOC_EXHAUSTED);
    }
    ck_assert_ok(ram_release(all.base, all.bytes));
    ck_assert_ok(slot_alloc(&slot));
    ck_assert_uint_eq(slot.cnode.l1_index, ROOTCN_SLOTS_USER);
}
END_TEST

/* ---- RAM allocator ------------------------------------------------------------------------ */

START_TEST(ram_reserve_aligns_the_base)
{
    struct libcap_state start = state_now();
    struct ram_piece first, pieces[10];
    ck_assert_ok(ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &first));
    for (int i = 0; i < 10; i++) {
        gensize_t align = KIB(8) << i; /* 8 KiB .. 4 MiB */
        ck_assert_ok(ram_reserve(BASE_PAGE_BYTES, align, &pieces[i]));
        ck_assert_uint_eq(pieces[i].base % align, 0);
        ck_assert_uint_eq(pieces[i].bytes, BASE_PAGE_BYTES);
        ck_assert(capref_equal(pieces[i].src, cap_ram_boot(0)));
        ck_assert_uint_eq(pieces[i].offset, pieces[i].base - host_machine_free_ram_base());
    }
    ck_assert_uint_eq(pieces[8].base % MIB(2), 0);
    ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - 11 * BASE_PAGE_BYTES);

    /* The piece is the caller's to retype. */
    struct capref frame = alloc_slot();
    ck_assert_ok(
        cap_retype(frame, pieces[8].src, pieces[8].offset, ObjType_Frame, BASE_PAGE_BYTES, 1));
    ck_assert_uint_eq(capref_identity(frame).base, pieces[8].base);
    ck_assert_ok(cap_destroy(frame));
    for (int i = 0; i < 10; i++) {
        ck_assert_ok(ram_release(pieces[i].base, pieces[i].bytes));
    }
    ck_assert_ok(ram_release(first.base, first.bytes));
    ck_assert_state(start);
}
END_TEST

START_TEST(bad_sizes_and_alignments_are_refused)
{
    struct libcap_state start = state_now();
    struct ram_piece piece;
    ck_assert_chain(ram_reserve(0, BASE_PAGE_BYTES, &piece), LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(ram_reserve(100, BASE_PAGE_BYTES, &piece), LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES + 1, BASE_PAGE_BYTES, &piece),
                    LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES, 0, &piece), LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES, 3 * BASE_PAGE_BYTES, &piece),
                    LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES, 6000, &piece), LIB_ERR_RAM_ALLOC_SIZE);
    struct capref cap;
    ck_assert_chain(ram_alloc(&cap, 0), LIB_ERR_RAM_ALLOC, LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(frame_alloc(&cap, 0, NULL), LIB_ERR_FRAME_ALLOC, LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_chain(frame_alloc_aligned(&cap, BASE_PAGE_BYTES, KIB(12)), LIB_ERR_FRAME_ALLOC,
                    LIB_ERR_RAM_ALLOC_SIZE);
    ck_assert_state(start);
}
END_TEST

START_TEST(asking_for_more_than_is_free_is_refused)
{
    struct libcap_state start = state_now();
    struct ram_piece piece;
    struct capref cap;
    ck_assert_chain(ram_reserve(start.free_bytes + BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece),
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES, UINT64_C(1) << 63, &piece),
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_chain(ram_alloc(&cap, UINT64_C(1) << 40), LIB_ERR_RAM_ALLOC,
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_state(start);

    struct ram_piece all;
    ck_assert_ok(ram_reserve(start.free_bytes, BASE_PAGE_BYTES, &all));
    ck_assert_chain(ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &piece),
                    LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_chain(ram_alloc(&cap, 1), LIB_ERR_RAM_ALLOC, LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_chain(frame_alloc(&cap, 1, NULL), LIB_ERR_FRAME_ALLOC, LIB_ERR_RAM_ALLOC_EXHAUSTED);
    ck_assert_uint_eq(slot_alloc_used(), 0); /* the failed allocations gave their slots back */
    ck_assert_uint_eq(mdb_count(), start.caps);
    ck_assert_ok(ram_release(all.base, all.bytes));
    ck_assert_state(start);
}
END_TEST

START_TEST(released_pieces_merge_back_in_any_order)
{
    enum { N = 16 };
    struct libcap_state start = state_now();
    struct ram_piece pieces[N];
    for (int i = 0; i < N; i++) {
        ck_assert_ok(
            ram_reserve((gensize_t)(i % 5 + 1) * BASE_PAGE_BYTES, BASE_PAGE_BYTES, &pieces[i]));
    }
    size_t most_ranges = 0;
    for (int k = 0; k < N; k++) {
        const struct ram_piece *p = &pieces[(k * 7 + 3) % N];
        ck_assert_ok(ram_release(p->base, p->bytes));
        most_ranges = ram_free_ranges() > most_ranges ? ram_free_ranges() : most_ranges;
    }
    ck_assert_uint_gt(most_ranges, 2);
    ck_assert_uint_eq(ram_free_ranges(), 1);
    ck_assert_state(start);
}
END_TEST

/* A domain without RAM capabilities cannot start libcap, and is told why. */
START_TEST(libcap_init_without_ram_is_refused)
{
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, RAM_CAP));
    ck_assert_chain(libcap_init(), LIB_ERR_RAM_ALLOC, LIB_ERR_RAM_ALLOC_EXHAUSTED);
}
END_TEST

/* A machine with room for more free ranges than the allocator's table holds. */
static void libcap_boot_large(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = MIB(256);
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
    ck_assert_ok(libcap_init());
}

/*
 * Every other page given back makes one free range each; when the table of ranges is full,
 * giving back one more, or taking from the middle of a range, is refused as fragmented and
 * changes nothing; once pages merge again both work.
 */
START_TEST(a_full_table_of_free_ranges_is_refused_as_fragmented)
{
    enum { PIECES = 2 * 8192 + 2 };
    static struct ram_piece pieces[PIECES];
    struct libcap_state start = state_now();
    for (int i = 0; i < PIECES; i++) {
        ck_assert_ok(ram_reserve(BASE_PAGE_BYTES, BASE_PAGE_BYTES, &pieces[i]));
    }
    int i = 0;
    for (; ram_free_ranges() < 8192; i += 2) {
        ck_assert_ok(ram_release(pieces[i].base, pieces[i].bytes));
    }
    gensize_t free_bytes = ram_free_bytes();
    ck_assert_err(ram_release(pieces[i].base, pieces[i].bytes), LIB_ERR_RAM_ALLOC_FRAGMENTED);
    ck_assert_uint_eq(ram_free_bytes(), free_bytes);
    ck_assert_uint_eq(ram_free_ranges(), 8192);
    /* Two pages aligned so that they start inside the large range above the pieces. */
    genpaddr_t rest = pieces[PIECES - 1].base + BASE_PAGE_BYTES;
    gensize_t align = (rest & (0 - rest)) * 2;
    struct ram_piece middle;
    ck_assert_err(ram_reserve(2 * BASE_PAGE_BYTES, align, &middle), LIB_ERR_RAM_ALLOC_FRAGMENTED);
    ck_assert_uint_eq(ram_free_bytes(), free_bytes);
    for (int odd = 1; odd < PIECES; odd += 2) {
        ck_assert_ok(ram_release(pieces[odd].base, pieces[odd].bytes));
    }
    for (; i < PIECES; i += 2) {
        ck_assert_ok(ram_release(pieces[i].base, pieces[i].bytes));
    }
    ck_assert_ok(ram_reserve(2 * BASE_PAGE_BYTES, align, &middle));
    ck_assert_uint_eq(middle.base % align, 0);
    ck_assert_ok(ram_release(middle.base, middle.bytes));
    ck_assert_state(start);
}
END_TEST

START_TEST(ram_alloc_rounds_to_pages_and_ram_free_undoes_it)
{
    static const gensize_t sizes[] = {1, 100, 4095, 4096, 4097, 3 * 4096 + 5, MIB(1), MIB(1) + 1};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct libcap_state before = state_now();
        struct capref ram;
        ck_assert_ok(ram_alloc(&ram, sizes[i]));
        struct cap_identity id = capref_identity(ram);
        ck_assert_int_eq(id.type, ObjType_RAM);
        ck_assert_uint_eq(id.bytes, round_to_page(sizes[i]));
        ck_assert_uint_eq(id.base % BASE_PAGE_BYTES, 0);
        ck_assert_uint_eq(ram_free_bytes(), before.free_bytes - id.bytes);
        ck_assert_uint_eq(slot_alloc_used(), before.slots + 1);
        ck_assert_uint_eq(mdb_count(), before.caps + 1);
        ck_assert_ok(ram_free(ram));
        ck_assert(capref_slot_is_empty(ram));
        ck_assert_state(before);
    }
}
END_TEST

START_TEST(ram_free_revokes_what_was_made_from_it)
{
    struct libcap_state start = state_now();
    struct capref ram;
    ck_assert_ok(ram_alloc(&ram, KIB(64)));
    struct capref frames[2] = {alloc_slot(), alloc_slot()};
    for (int i = 0; i < 2; i++) {
        ck_assert_ok(cap_retype(frames[i], ram, i * KIB(32), ObjType_Frame, KIB(32), 1));
    }
    ck_assert_ok(ram_free(ram));
    ck_assert(capref_slot_is_empty(frames[0]) && capref_slot_is_empty(frames[1]));
    ck_assert_ok(slot_free(frames[0]));
    ck_assert_ok(slot_free(frames[1]));
    ck_assert_state(start);
    ck_assert_chain(ram_free(ram), LIB_ERR_RAM_FREE, LIB_ERR_CAP_RECLAIM, SYS_ERR_CAP_NOT_FOUND);
    ck_assert_state(start);
}
END_TEST

/* ---- Frames ------------------------------------------------------------------------------- */

START_TEST(frame_alloc_rounds_to_pages)
{
    static const gensize_t sizes[] = {1, 4096, 4097, KIB(20) - 1, MIB(2) + 1};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct capref frame;
        gensize_t bytes = 0;
        ck_assert_ok(frame_alloc(&frame, sizes[i], &bytes));
        ck_assert_uint_eq(bytes, round_to_page(sizes[i]));
        struct cap_identity id = capref_identity(frame);
        ck_assert_int_eq(id.type, ObjType_Frame);
        ck_assert_uint_eq(id.bytes, bytes);
        ck_assert_uint_eq(id.rights, CAPRIGHTS_ALLRIGHTS);
    }
}
END_TEST

/* Fills the frame's memory with byte, through the simulated physical memory. */
static void fill_frame(struct cap_identity id, uint8_t byte)
{
    for (gensize_t at = 0; at < id.bytes; at++) {
        *(uint8_t *)host_machine_phys_ptr(id.base + at) = byte;
    }
}

static size_t nonzero_bytes(struct cap_identity id)
{
    size_t count = 0;
    for (gensize_t at = 0; at < id.bytes; at++) {
        count += *(const uint8_t *)host_machine_phys_ptr(id.base + at) != 0;
    }
    return count;
}

START_TEST(a_reallocated_frame_is_zeroed)
{
    struct capref frame = new_frame(KIB(8));
    struct cap_identity first = capref_identity(frame);
    ck_assert_uint_eq(nonzero_bytes(first), 0);
    fill_frame(first, 0xa5);
    ck_assert_uint_eq(nonzero_bytes(first), first.bytes);
    ck_assert_ok(frame_free(frame));
    frame = new_frame(KIB(8));
    struct cap_identity again = capref_identity(frame);
    ck_assert_uint_eq(again.base, first.base); /* the same memory, to prove it was cleared */
    ck_assert_uint_eq(nonzero_bytes(again), 0);
}
END_TEST

START_TEST(frame_alloc_aligned_aligns_the_base)
{
    new_frame(BASE_PAGE_BYTES); /* the free RAM then starts one page past any alignment */
    static const gensize_t aligns[] = {KIB(4), KIB(64), MIB(1), MIB(2), MIB(4)};
    for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
        struct capref frame;
        ck_assert_ok(frame_alloc_aligned(&frame, aligns[i], aligns[i]));
        struct cap_identity id = capref_identity(frame);
        ck_assert_int_eq(id.type, ObjType_Frame);
        ck_assert_uint_eq(id.bytes, aligns[i]);
        ck_assert_uint_eq(id.base % aligns[i], 0);
    }
    struct capref small;
    ck_assert_ok(frame_alloc_aligned(&small, 10, MIB(2)));
    ck_assert_uint_eq(capref_identity(small).bytes, BASE_PAGE_BYTES);
    ck_assert_uint_eq(capref_identity(small).base % MIB(2), 0);
}
END_TEST

START_TEST(ram_alloc_aligned_aligns_the_base_and_ram_free_undoes_it)
{
    struct capref first;
    ck_assert_ok(
        ram_alloc(&first, BASE_PAGE_BYTES)); /* free RAM starts one page past any alignment */
    struct libcap_state start = state_now();
    static const struct {
        gensize_t bytes, align, want_bytes;
    } cases[] = {
        {KIB(4), KIB(4), KIB(4)}, {KIB(64), KIB(64), KIB(64)}, {10, MIB(1), KIB(4)},
        {MIB(2), MIB(2), MIB(2)}, {KIB(12), MIB(4), KIB(12)},
    };
    struct capref ram[sizeof(cases) / sizeof(cases[0])];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_ok(ram_alloc_aligned(&ram[i], cases[i].bytes, cases[i].align));
        struct cap_identity id = capref_identity(ram[i]);
        ck_assert_int_eq(id.type, ObjType_RAM);
        ck_assert_uint_eq(id.bytes, cases[i].want_bytes);
        ck_assert_uint_eq(id.base % cases[i].align, 0);
    }
    struct capref none;
    ck_assert_chain(ram_alloc_aligned(&none, KIB(4), KIB(4) + 1), LIB_ERR_RAM_ALLOC,
                    LIB_ERR_RAM_ALLOC_SIZE);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_ok(ram_free(ram[i]));
    }
    ck_assert_state(start);
}
END_TEST

START_TEST(frame_free_revokes_copies_and_returns_the_memory)
{
    struct libcap_state start = state_now();
    struct capref frame = new_frame(KIB(16));
    struct capref copy = copy_of(frame);
    struct capref read_only = alloc_slot();
    ck_assert_ok(cap_mint(read_only, copy, CAPRIGHTS_READ));
    ck_assert_ok(frame_free(frame));
    struct cap_identity id;
    ck_assert_chain(cap_identify(copy, &id), LIB_ERR_CAP_IDENTIFY, SYS_ERR_CAP_NOT_FOUND);
    ck_assert(capref_slot_is_empty(read_only) && capref_slot_is_empty(frame));
    ck_assert_uint_eq(slot_alloc_used(), start.slots + 2); /* the copies' slots are the caller's */
    ck_assert_ok(slot_free(copy));
    ck_assert_ok(slot_free(read_only));
    ck_assert_state(start);
    ck_assert_chain(frame_free(frame), LIB_ERR_FRAME_FREE, LIB_ERR_CAP_RECLAIM,
                    SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

START_TEST(frame_free_unmaps_a_mapped_copy)
{
    struct capref table = new_vnode(leaf_type());
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    struct capref copy = copy_of(frame);
    ck_assert_ok(vnode_map(table, 5, copy, VREGION_FLAGS_READ_WRITE, 0, 1));
    ck_assert_ok(frame_free(frame));
    ck_assert(capref_slot_is_empty(copy));
    struct capref other = new_frame(BASE_PAGE_BYTES);
    ck_assert_ok(vnode_map(table, 5, other, VREGION_FLAGS_READ_WRITE, 0, 1));
}
END_TEST

/* ---- Page tables -------------------------------------------------------------------------- */

/* Tries to create a table of type: true if it could (then checks and destroys it). */
static bool try_vnode_create(enum objtype type)
{
    struct capref table;
    errval_t err = vnode_create(&table, type);
    if (err_is_fail(err)) {
        ck_assert_chain(err, LIB_ERR_VNODE_CREATE, LIB_ERR_CAP_RETYPE,
                        SYS_ERR_VNODE_TYPE_UNSUPPORTED);
        return false;
    }
    struct cap_identity id = capref_identity(table);
    ck_assert_int_eq(id.type, type);
    ck_assert_uint_eq(id.bytes, objtype_info[type].fixed_bytes);
    ck_assert_uint_eq(id.base % objtype_info[type].align_bytes, 0);
    ck_assert_ok(vnode_destroy(table));
    return true;
}

START_TEST(exactly_the_native_page_table_types_can_be_created)
{
    struct libcap_state start = state_now();
    size_t natives = 0;
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        if (objtype_is_vnode(t)) {
            bool native = try_vnode_create(t);
            ck_assert_msg(native == is_format_table(t), "%s: created %d", objtype_name(t), native);
            natives += native;
            ck_assert_state(start);
        }
    }
    ck_assert_uint_eq(natives, (size_t)fmt.levels);
}
END_TEST

START_TEST(a_type_that_is_not_a_page_table_is_refused)
{
    struct libcap_state start = state_now();
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        struct capref table;
        if (!objtype_is_vnode(t)) {
            ck_assert_chain(vnode_create(&table, t), LIB_ERR_VNODE_CREATE,
                            LIB_ERR_VNODE_CREATE_TYPE);
        }
    }
    ck_assert_state(start);
}
END_TEST

START_TEST(an_out_of_range_type_is_refused)
{
    struct libcap_state start = state_now();
    struct capref table;
    ck_assert_chain(vnode_create(&table, ObjType_Num), LIB_ERR_VNODE_CREATE,
                    LIB_ERR_VNODE_CREATE_TYPE);
    ck_assert_state(start);
}
END_TEST

START_TEST(vnode_destroy_returns_memory_and_slot)
{
    paging_learn_format();
    struct libcap_state start = state_now();
    for (int level = 0; level < fmt.levels; level++) {
        enum objtype type = fmt.table[level];
        struct capref table = new_vnode(type);
        ck_assert_uint_eq(slot_alloc_used(), start.slots + 1);
        ck_assert_uint_eq(mdb_count(), start.caps + 1);
        gensize_t taken = objtype_info[type].fixed_bytes;
        ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - round_to_page(taken));
        ck_assert_ok(vnode_destroy(table));
        ck_assert(capref_slot_is_empty(table));
        ck_assert_state(start);
    }
    struct capref empty = alloc_slot();
    ck_assert_chain(vnode_destroy(empty), LIB_ERR_VNODE_DESTROY, LIB_ERR_CAP_RECLAIM,
                    SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

START_TEST(a_destroyed_table_releases_the_frames_mapped_in_it)
{
    struct capref table = new_vnode(leaf_type());
    struct capref other = new_vnode(leaf_type());
    struct capref frame = new_frame(BASE_PAGE_BYTES);
    ck_assert_ok(vnode_map(table, 3, frame, VREGION_FLAGS_READ_WRITE, 0, 1));
    ck_assert_chain(vnode_map(other, 3, frame, VREGION_FLAGS_READ_WRITE, 0, 1), LIB_ERR_VNODE_MAP,
                    SYS_ERR_VM_ALREADY_MAPPED);
    ck_assert_ok(vnode_destroy(table));
    ck_assert_ok(vnode_map(other, 3, frame, VREGION_FLAGS_READ_WRITE, 0, 1));
    ck_assert_ok(vnode_unmap(other, frame, 3, 1));
}
END_TEST

START_TEST(a_destroyed_table_is_unmapped_from_its_parent)
{
    struct capref parent = new_vnode(leaf_parent_type());
    struct capref table = new_vnode(leaf_type());
    struct capref second = new_vnode(leaf_type());
    ck_assert_ok(vnode_map(parent, 0, table, VREGION_FLAGS_READ, 0, 1));
    ck_assert_chain(vnode_map(parent, 0, second, VREGION_FLAGS_READ, 0, 1), LIB_ERR_VNODE_MAP,
                    SYS_ERR_VM_ENTRY_PRESENT);
    ck_assert_ok(vnode_destroy(table));
    ck_assert_ok(vnode_map(parent, 0, second, VREGION_FLAGS_READ, 0, 1));
}
END_TEST

/* ---- Page tables smaller than a page (registered only where the target has them) ---------- */

static enum objtype small_vnode_type = ObjType_Null;

static genpaddr_t page_of(struct capref table)
{
    return capref_identity(table).base & ~(BASE_PAGE_BYTES - 1);
}

START_TEST(four_small_tables_share_one_page_and_a_fifth_takes_another)
{
    const gensize_t bytes = objtype_info[small_vnode_type].fixed_bytes;
    ck_assert_uint_eq(BASE_PAGE_BYTES / bytes, 4);
    gensize_t start = ram_free_bytes();
    struct capref tables[5];
    for (int i = 0; i < 4; i++) {
        tables[i] = new_vnode(small_vnode_type);
        ck_assert_uint_eq(capref_identity(tables[i]).bytes, bytes);
        ck_assert_uint_eq(page_of(tables[i]), page_of(tables[0]));
        for (int j = 0; j < i; j++) {
            ck_assert_uint_ne(capref_identity(tables[i]).base, capref_identity(tables[j]).base);
        }
    }
    ck_assert_uint_eq(vnode_shared_pages(), 1);
    ck_assert_uint_eq(ram_free_bytes(), start - BASE_PAGE_BYTES);
    tables[4] = new_vnode(small_vnode_type);
    ck_assert_uint_ne(page_of(tables[4]), page_of(tables[0]));
    ck_assert_uint_eq(vnode_shared_pages(), 2);
    ck_assert_uint_eq(ram_free_bytes(), start - 2 * BASE_PAGE_BYTES);
}
END_TEST

START_TEST(a_shared_page_returns_only_with_its_last_table)
{
    struct libcap_state start = state_now();
    struct capref tables[5];
    for (int i = 0; i < 5; i++) {
        tables[i] = new_vnode(small_vnode_type);
    }
    static const int order[] = {1, 3, 0};
    for (int i = 0; i < 3; i++) {
        ck_assert_ok(vnode_destroy(tables[order[i]]));
        ck_assert_uint_eq(vnode_shared_pages(), 2);
        ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - 2 * BASE_PAGE_BYTES);
    }
    ck_assert_ok(vnode_destroy(tables[2]));
    ck_assert_uint_eq(vnode_shared_pages(), 1);
    ck_assert_uint_eq(ram_free_bytes(), start.free_bytes - BASE_PAGE_BYTES);
    ck_assert_ok(vnode_destroy(tables[4]));
    ck_assert_state(start);
}
END_TEST

/* Maps table i of four sharing a page at root slot i, and a frame at its entry 0. */
static void map_shared_tables(struct capref root, struct capref tables[4])
{
    for (cslot_t i = 0; i < 4; i++) {
        tables[i] = new_vnode(small_vnode_type);
        ck_assert_uint_eq(page_of(tables[i]), page_of(tables[0]));
        ck_assert_ok(vnode_map(root, i, tables[i], VREGION_FLAGS_READ, 0, 1));
        ck_assert_ok(vnode_map(tables[i], 0, new_frame(BASE_PAGE_BYTES), VREGION_FLAGS_READ, 0, 1));
    }
}

START_TEST(tables_sharing_a_page_work_independently)
{
    ck_assert_int_eq(small_vnode_type, leaf_type());
    struct capref root = new_vnode(fmt.table[0]);
    struct capref tables[4];
    map_shared_tables(root, tables);
    genpaddr_t root_paddr = capref_identity(root).base;
    genpaddr_t paddrs[4];
    for (int i = 0; i < 4; i++) {
        struct walk_result walk = walk_translate(root_paddr, i * fmt.span_bytes[0]);
        ck_assert(walk.present);
        paddrs[i] = walk.paddr;
        ck_assert(i == 0 || paddrs[i] != paddrs[i - 1]);
    }
    ck_assert_ok(vnode_destroy(tables[1]));
    ck_assert(!walk_translate(root_paddr, fmt.span_bytes[0]).present);
    for (int i = 0; i < 4; i++) {
        if (i == 1) {
            continue;
        }
        struct walk_result walk = walk_translate(root_paddr, i * fmt.span_bytes[0]);
        ck_assert(walk.present);
        ck_assert_uint_eq(walk.paddr, paddrs[i]);
    }
}
END_TEST

/* Boots a machine to learn whether a native page-table type is smaller than a page. */
/* No page-table type that vnode_create makes is smaller than a page: the format has none. */
START_TEST(no_page_table_type_is_smaller_than_a_page)
{
    for (enum objtype t = 0; t < ObjType_Num; t++) {
        struct capref table;
        if (objtype_is_vnode(t) && err_is_ok(vnode_create(&table, t))) {
            ck_assert_uint_ge(objtype_info[t].fixed_bytes, BASE_PAGE_BYTES);
            ck_assert_ok(vnode_destroy(table));
        }
    }
}
END_TEST

/* ---- No leaks ----------------------------------------------------------------------------- */

enum item_kind { ITEM_RAM, ITEM_FRAME, ITEM_VNODE, ITEM_SLOT, ITEM_COPY, ITEM_KINDS };

struct item {
    enum item_kind kind;
    struct capref cap;
};

#define MAX_LIVE 64

static uint64_t rng_state;

static uint32_t rng_next(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

/* A live frame to copy, if there is one. */
static const struct item *some_frame(const struct item *live, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (live[i].kind == ITEM_FRAME) {
            return &live[i];
        }
    }
    return NULL;
}

static struct item make_item(const struct item *live, size_t count)
{
    struct item it = {.kind = (enum item_kind)(rng_next() % ITEM_KINDS)};
    const struct item *frame = some_frame(live, count);
    gensize_t bytes = 1 + rng_next() % KIB(40);
    if (it.kind == ITEM_COPY && frame == NULL) {
        it.kind = ITEM_FRAME;
    }
    switch (it.kind) {
    case ITEM_RAM:
        ck_assert_ok(ram_alloc(&it.cap, bytes));
        break;
    case ITEM_FRAME:
        ck_assert_ok(rng_next() % 4 == 0 ? frame_alloc_aligned(&it.cap, bytes, KIB(64))
                                         : frame_alloc(&it.cap, bytes, NULL));
        break;
    case ITEM_VNODE:
        it.cap = new_vnode(fmt.table[rng_next() % fmt.levels]);
        break;
    case ITEM_SLOT:
        it.cap = alloc_slot();
        break;
    default:
        it.cap = copy_of(frame->cap);
        break;
    }
    return it;
}

/* Frees an item; a copy may already be gone with its frame, leaving only its slot. */
static void free_item(const struct item *it)
{
    struct cap_identity id;
    switch (it->kind) {
    case ITEM_RAM:
        ck_assert_ok(ram_free(it->cap));
        break;
    case ITEM_FRAME:
        ck_assert_ok(frame_free(it->cap));
        break;
    case ITEM_VNODE:
        ck_assert_ok(vnode_destroy(it->cap));
        break;
    case ITEM_SLOT:
        ck_assert_ok(slot_free(it->cap));
        break;
    default:
        ck_assert_ok(err_is_ok(cap_identify(it->cap, &id)) ? cap_destroy(it->cap)
                                                           : slot_free(it->cap));
        break;
    }
}

START_TEST(a_long_mixed_sequence_leaks_nothing)
{
    paging_learn_format();
    rng_state = 12345;
    struct libcap_state start = state_now();
    struct item live[MAX_LIVE];
    size_t count = 0;
    for (int step = 0; step < 2000; step++) {
        if (count == MAX_LIVE || (count > 0 && rng_next() % 5 < 2)) {
            size_t victim = rng_next() % count;
            free_item(&live[victim]);
            live[victim] = live[--count];
        } else {
            live[count] = make_item(live, count);
            count++;
        }
    }
    ck_assert_uint_gt(start.free_bytes, ram_free_bytes());
    while (count > 0) {
        free_item(&live[--count]);
    }
    ck_assert_state(start);
    ck_assert(mdb_check_invariants());
}
END_TEST

Suite *libcap_suite(void)
{
    Suite *s = suite_create("libcap");
    TCase *caprefs = libcap_tcase(s, "caprefs");
    tcase_add_test(caprefs, root_slots_have_level_one_addresses);
    tcase_add_test(caprefs, an_installed_l2_cnode_names_its_slots);
    tcase_add_test(caprefs, the_boot_ram_is_identified_and_all_free);

    TCase *wrappers = libcap_tcase(s, "wrappers");
    tcase_add_test(wrappers, copy_refusals_come_under_cap_copy);
    tcase_add_test(wrappers, retype_refusals_come_under_cap_retype);
    tcase_add_test(wrappers, mint_refusals_come_under_cap_mint);
    tcase_add_test(wrappers, delete_revoke_and_identify_of_empty_slots_are_refused);
    tcase_add_test(wrappers, revoke_removes_copies_and_keeps_the_cap);
    tcase_add_test(wrappers, destroy_deletes_and_frees_the_slot);
    tcase_add_test(wrappers, mapping_refusals_come_under_the_vnode_wrappers);
    tcase_add_test(wrappers, err_format_prints_the_chain);

    TCase *slots = libcap_tcase(s, "slot allocator");
    tcase_add_test(slots, slots_are_distinct_empty_and_counted);
    tcase_add_test(slots, runs_of_slots_are_consecutive_free_and_distinct);
    tcase_add_test(slots, a_freed_slot_is_handed_out_again);
    tcase_add_test(slots, freeing_a_slot_not_handed_out_is_refused);
    tcase_add_test(slots, more_slots_install_new_l2_cnodes_from_ram);
    tcase_add_test(slots, alternating_alloc_and_free_in_a_fresh_cnode_stays_bounded);
    tcase_add_test(slots, no_l1_slot_left_means_no_space_until_a_slot_is_freed);
    tcase_add_test(slots, no_ram_for_a_new_cnode_is_a_refill_error_until_ram_returns);
    tcase_add_test(slots, a_refill_that_failed_for_ram_leaves_its_l1_slot_free);

    TCase *ram = libcap_tcase(s, "RAM allocator");
    tcase_add_test(ram, ram_reserve_aligns_the_base);
    tcase_add_test(ram, bad_sizes_and_alignments_are_refused);
    tcase_add_test(ram, asking_for_more_than_is_free_is_refused);
    tcase_add_test(ram, released_pieces_merge_back_in_any_order);
    tcase_add_test(ram, ram_alloc_rounds_to_pages_and_ram_free_undoes_it);
    tcase_add_test(ram, ram_free_revokes_what_was_made_from_it);
    tcase_add_test(ram, ram_alloc_aligned_aligns_the_base_and_ram_free_undoes_it);
    tcase_add_test(ram, libcap_init_without_ram_is_refused);
    TCase *ranges = tcase_create("RAM allocator: full range table");
    tcase_add_checked_fixture(ranges, libcap_boot_large, fixture_shutdown);
    tcase_add_test(ranges, a_full_table_of_free_ranges_is_refused_as_fragmented);
    suite_add_tcase(s, ranges);

    TCase *frames = libcap_tcase(s, "frames");
    tcase_add_test(frames, frame_alloc_rounds_to_pages);
    tcase_add_test(frames, a_reallocated_frame_is_zeroed);
    tcase_add_test(frames, frame_alloc_aligned_aligns_the_base);
    tcase_add_test(frames, frame_free_revokes_copies_and_returns_the_memory);
    tcase_add_test(frames, frame_free_unmaps_a_mapped_copy);

    TCase *vnodes = libcap_tcase(s, "page tables");
    tcase_add_test(vnodes, exactly_the_native_page_table_types_can_be_created);
    tcase_add_test(vnodes, a_type_that_is_not_a_page_table_is_refused);
    tcase_add_test(vnodes, an_out_of_range_type_is_refused);
    tcase_add_test(vnodes, vnode_destroy_returns_memory_and_slot);
    tcase_add_test(vnodes, a_destroyed_table_releases_the_frames_mapped_in_it);
    tcase_add_test(vnodes, a_destroyed_table_is_unmapped_from_its_parent);

    /* Which tests apply comes from the format's oracle (the walker), never from a probe of
       the kernel under test: a broken kernel cannot make them vanish. */
    small_vnode_type = walk_small_table_type();
    TCase *small = libcap_tcase(s, "page tables smaller than a page");
    if (small_vnode_type != ObjType_Null) {
        tcase_add_test(small, four_small_tables_share_one_page_and_a_fifth_takes_another);
        tcase_add_test(small, a_shared_page_returns_only_with_its_last_table);
        tcase_add_test(small, tables_sharing_a_page_work_independently);
    } else {
        tcase_add_test(small, no_page_table_type_is_smaller_than_a_page);
    }

    TCase *leaks = libcap_tcase(s, "no leaks");
    tcase_add_test(leaks, a_long_mixed_sequence_leaks_nothing);
    return s;
}
