/* pmap_adopt: an address space built through raw invocations, as a parent builds a child's. */
#include "pmap_fixture.h"
#include <domain_layout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES
#define RW VREGION_FLAGS_READ_WRITE
#define RX (VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE)

/*
 * The child's CNode: PAGECN, empty on the hosted machine. The parent puts a copy of every table
 * and frame it maps there, from CHILD_TOP downwards, so a table lies before its parent and a
 * frame before its table: adoption takes them in any order.
 */
#define CHILD_TOP 64
#define MADE_MAX 64

static cslot_t child_next; /* the lowest child slot filled */
static struct capref made[MADE_MAX];
static bool made_is_table[MADE_MAX];
static size_t made_count;
static struct pmap other; /* static: a pmap carries its bootstrap area */

/* Tables the parent made, by level and the address range their parent entry covers. */
static struct {
    int level;
    genvaddr_t range;
    struct capref cap;
} paths[16];
static size_t path_count;

static const struct pmap_layout *layout(void)
{
    return pmap_arch_layout();
}

static int leaf(void)
{
    return layout()->levels - 1;
}

/* What one leaf table maps, and the smallest large page (x86-64: 2 MiB; ARMv7: 1 MiB). */
static gensize_t lspan(void)
{
    return layout()->span_bytes[leaf() - 1];
}

static struct capref child_slot(cslot_t slot)
{
    return (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = slot};
}

static void parent_start(void)
{
    child_next = CHILD_TOP;
    made_count = 0;
    path_count = 0;
}

/* Gives the child a copy of what libcap made (kept to free at the end); returns the copy. */
static struct capref give(struct capref original, bool table)
{
    ck_assert_uint_lt(made_count, MADE_MAX);
    made[made_count] = original;
    made_is_table[made_count++] = table;
    struct capref copy = child_slot(--child_next);
    ck_assert_ok(cap_copy(copy, original));
    return copy;
}

static struct capref give_frame(gensize_t bytes, gensize_t align)
{
    struct capref frame;
    ck_assert_ok(frame_alloc_aligned(&frame, bytes, align));
    return give(frame, false);
}

/* The child's table of level for vaddr, made and mapped on the way down if missing. */
static struct capref parent_table(genvaddr_t vaddr, int level)
{
    struct capref table = test_root;
    for (int l = 1; l <= level; l++) {
        genvaddr_t range = vaddr / layout()->span_bytes[l - 1];
        size_t i = 0;
        while (i < path_count && (paths[i].level != l || paths[i].range != range)) {
            i++;
        }
        if (i == path_count) {
            ck_assert_uint_lt(path_count, sizeof(paths) / sizeof(paths[0]));
            struct capref made_table;
            ck_assert_ok(vnode_create(&made_table, layout()->table_type[l]));
            paths[i].cap = give(made_table, true);
            paths[i].level = l;
            paths[i].range = range;
            path_count++;
            cslot_t slot = (cslot_t)(range % layout()->entries[l - 1]);
            ck_assert_ok(vnode_map(table, slot, paths[i].cap, VREGION_FLAGS_READ, 0, 1));
        }
        table = paths[i].cap;
    }
    return table;
}

/* Maps count entries of level's table from vaddr on, the way a parent does: raw invocations. */
static void parent_map(genvaddr_t vaddr, int level, struct capref frame, gensize_t offset,
                       size_t count, vregion_flags_t flags)
{
    cslot_t slot = (cslot_t)((vaddr / layout()->span_bytes[level]) % layout()->entries[level]);
    ck_assert_ok(vnode_map(parent_table(vaddr, level), slot, frame, flags, offset, count));
}

/* Frees what the parent made: the child's copies (and so their mappings), then the originals. */
static void parent_take_back(void)
{
    for (cslot_t s = child_next; s < CHILD_TOP; s++) {
        cap_delete(child_slot(s)); /* may be empty already */
    }
    for (size_t i = made_count; i-- > 0;) {
        ck_assert_ok(made_is_table[i] ? vnode_destroy(made[i]) : frame_free(made[i]));
    }
}

/* The address space the tests adopt: three runs (two across a leaf-table border) and a large
 * page. */
struct space {
    genvaddr_t a, b, large;
    struct capref fa, fb, fb2, fl; /* the child's copies that hold the mappings */
};

static void build_space(struct space *s)
{
    parent_start();
    gensize_t span = lspan();
    s->a = 64 * span + 4 * PAGE; /* 8 pages from the frame's third page on, read-write */
    s->b = 66 * span - 3 * PAGE; /* 6 pages over a leaf-table border: two runs, two copies */
    s->large = 72 * span;        /* one large page from the frame's second large page */
    s->fl = give_frame(2 * span, span);
    s->fb = give_frame(6 * PAGE, PAGE);
    s->fa = give_frame(16 * PAGE, PAGE);
    parent_map(s->large, leaf() - 1, s->fl, span, 1, RW);
    parent_map(s->a, leaf(), s->fa, 2 * PAGE, 8, RW);
    parent_map(s->b, leaf(), s->fb, 0, 3, RX);
    s->fb2 = child_slot(--child_next);
    ck_assert_ok(cap_copy(s->fb2, s->fb));
    parent_map(s->b + 3 * PAGE, leaf(), s->fb2, 3 * PAGE, 3, RX);
}

static errval_t adopt_all(unsigned flags)
{
    return pmap_adopt(&test_pmap, child_slot(child_next), CHILD_TOP - child_next, flags);
}

static genpaddr_t base_of(struct capref cap)
{
    struct cap_identity id;
    ck_assert_ok(cap_identify(cap, &id));
    return id.base;
}

static struct walk_result walk(genvaddr_t va)
{
    return walk_translate(test_pmap.root_base, va);
}

static void assert_page(genvaddr_t va, genpaddr_t paddr, vregion_flags_t flags)
{
    struct walk_result w = walk(va);
    ck_assert_msg(w.present, "%#llx does not translate", (unsigned long long)va);
    ck_assert_uint_eq(w.paddr, paddr);
    ck_assert_int_eq(w.writable, (flags & VREGION_FLAGS_WRITE) != 0);
    ck_assert_int_eq(w.executable, (flags & VREGION_FLAGS_EXECUTE) != 0);
}

static void assert_lookup(genvaddr_t va, genvaddr_t start, gensize_t bytes, struct capref frame,
                          gensize_t offset, gensize_t page_bytes, vregion_flags_t flags)
{
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, va, &info));
    ck_assert_uint_eq(info.vaddr, start);
    ck_assert_uint_eq(info.bytes, bytes);
    ck_assert(capref_equal(info.frame, frame));
    ck_assert_uint_eq(info.offset_bytes, offset);
    ck_assert_uint_eq(info.page_bytes, page_bytes);
    ck_assert_uint_eq(info.flags, flags);
}

static void assert_not_in_tree(genvaddr_t va)
{
    struct pmap_mapping_info info;
    ck_assert_err(pmap_lookup(&test_pmap, va, &info), LIB_ERR_PMAP_NOT_MAPPED);
}

static bool holds_mapping(struct capref cap)
{
    struct cap_mapping m;
    return err_is_ok(cap_identify_mapping(cap, &m));
}

/* The runs the tree holds besides its metadata blocks' own. */
static size_t user_runs(void)
{
    struct pmap_stats st;
    pmap_get_stats(&test_pmap, &st);
    return st.mappings - st.meta_blocks;
}

/* Ends a test: the pmap, then what the parent made (the child's copies first), then the root. */
static void finish(void)
{
    ck_assert_ok(pmap_destroy(&test_pmap));
    parent_take_back();
    assert_no_leaks();
}

/* The parent's own capability of the frame the child's copy names. */
static struct capref original_of(struct capref copy)
{
    for (size_t i = 0; i < made_count; i++) {
        if (!made_is_table[i] && base_of(made[i]) == base_of(copy)) {
            return made[i];
        }
    }
    ck_abort_msg("no original");
    return NULL_CAP;
}

/* ---- Adoption ------------------------------------------------------------------------------ */

START_TEST(adopt_takes_tables_runs_and_large_pages_in_any_order)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    struct pmap_stats st;
    pmap_get_stats(&test_pmap, &st);
    ck_assert_uint_ge(st.tables, path_count); /* the adopted ones, and the metadata's */
    ck_assert_uint_eq(user_runs(), 4);
    assert_lookup(s.a + 5 * PAGE, s.a, 8 * PAGE, s.fa, 2 * PAGE, PAGE, RW);
    assert_lookup(s.b + PAGE, s.b, 3 * PAGE, s.fb, 0, PAGE, RX);
    assert_lookup(s.b + 4 * PAGE, s.b + 3 * PAGE, 3 * PAGE, s.fb2, 3 * PAGE, PAGE, RX);
    assert_lookup(s.large + 8 * PAGE, s.large, lspan(), s.fl, lspan(), lspan(),
                  RW | VREGION_FLAGS_LARGE);
    assert_not_in_tree(s.a - PAGE);
    assert_not_in_tree(s.a + 8 * PAGE);
    assert_not_in_tree(s.b + 6 * PAGE);
    /* Nothing of the hardware changed; the capabilities are where the parent put them. */
    assert_page(s.a + 7 * PAGE, base_of(s.fa) + 9 * PAGE, RW);
    ck_assert(holds_mapping(s.fa) && holds_mapping(s.fb2) && holds_mapping(paths[0].cap));
    finish();
}
END_TEST

/* Empty slots, unmapped copies and things that cannot be mapped are passed over. */
START_TEST(adopt_passes_over_what_holds_no_mapping)
{
    struct space s;
    build_space(&s);
    struct capref unmapped = child_slot(--child_next);
    ck_assert_ok(cap_copy(unmapped, s.fa));
    struct capref ram;
    ck_assert_ok(ram_alloc(&ram, PAGE));
    ck_assert_ok(cap_copy(child_slot(--child_next), ram));
    child_next -= 3; /* three empty slots first */
    ck_assert_ok(adopt_all(0));
    ck_assert_uint_eq(user_runs(), 4);
    assert_lookup(s.a, s.a, 8 * PAGE, s.fa, 2 * PAGE, PAGE, RW);
    ck_assert_ok(pmap_destroy(&test_pmap));
    parent_take_back();
    ck_assert_ok(ram_free(ram));
    assert_no_leaks();
}
END_TEST

/* Adopted runs split, unmap, map again and change flags like runs pmap_map made. */
START_TEST(adopted_runs_unmap_split_remap_and_modify_like_mapped_ones)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    genpaddr_t fa = base_of(s.fa);
    ck_assert_ok(pmap_unmap(&test_pmap, s.a + 3 * PAGE, PAGE));
    ck_assert(!walk(s.a + 3 * PAGE).present);
    assert_page(s.a + 2 * PAGE, fa + 4 * PAGE, RW);
    assert_page(s.a + 4 * PAGE, fa + 6 * PAGE, RW);
    assert_lookup(s.a, s.a, 3 * PAGE, s.fa, 2 * PAGE, PAGE, RW);
    assert_lookup(s.a + 4 * PAGE, s.a + 4 * PAGE, 4 * PAGE, s.fa, 6 * PAGE, PAGE, RW);
    struct cap_mapping m; /* the parent's copy holds the left part now, and stays in its slot */
    ck_assert_ok(cap_identify_mapping(s.fa, &m));
    ck_assert_uint_eq(m.pte_count, 3);
    /* The page comes back from the frame lookup names, at another offset. */
    ck_assert_ok(pmap_map(&test_pmap, s.a + 3 * PAGE, s.fa, 12 * PAGE, PAGE, RX));
    assert_page(s.a + 3 * PAGE, fa + 12 * PAGE, RX);
    ck_assert_ok(pmap_modify_flags(&test_pmap, s.b, 6 * PAGE, VREGION_FLAGS_READ));
    assert_page(s.b, base_of(s.fb), VREGION_FLAGS_READ);
    assert_page(s.b + 5 * PAGE, base_of(s.fb) + 5 * PAGE, VREGION_FLAGS_READ);
    assert_lookup(s.b + 4 * PAGE, s.b + 3 * PAGE, 3 * PAGE, s.fb2, 3 * PAGE, PAGE,
                  VREGION_FLAGS_READ);
    /* A page inside the large page: the rest stays, as small pages. */
    genpaddr_t fl = base_of(s.fl) + lspan();
    ck_assert_ok(pmap_unmap(&test_pmap, s.large + lspan() / 2, PAGE));
    ck_assert(!walk(s.large + lspan() / 2).present);
    assert_page(s.large, fl, RW);
    assert_page(s.large + lspan() - PAGE, fl + lspan() - PAGE, RW);
    ck_assert_uint_eq(walk(s.large).page_bytes, PAGE);
    /* Unmapping all of it takes the adopted tables down too; the parent's capabilities stay. */
    ck_assert_ok(pmap_unmap(&test_pmap, s.a, 8 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, s.b, 6 * PAGE));
    ck_assert_ok(pmap_unmap(&test_pmap, s.large, lspan()));
    ck_assert_uint_eq(user_runs(), 0);
    for (size_t i = 0; i < path_count; i++) {
        ck_assert(!holds_mapping(paths[i].cap));
        ck_assert_uint_ne(base_of(paths[i].cap), 0);
    }
    ck_assert(!walk(s.a).present && !walk(s.b).present && !walk(s.large).present);
    finish();
}
END_TEST

/*
 * Splitting an adopted run leaves the rest of it in the hardware all along: it may hold the code,
 * stack or pmap running the split. The only flush that touches the run is the unmapped page's.
 */
START_TEST(a_split_never_takes_the_rest_of_the_run_out_of_the_hardware)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    host_maintenance_reset();
    ck_assert_ok(pmap_unmap(&test_pmap, s.a + 3 * PAGE, PAGE));
    size_t flushes = 0;
    for (size_t i = 0; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        ck_assert_int_ne(e->kind, HOST_TLB_FLUSH_ALL);
        if (e->kind == HOST_TLB_FLUSH_RANGE && e->addr < s.a + 8 * PAGE &&
            s.a < e->addr + e->bytes) {
            ck_assert_uint_eq(e->addr, s.a + 3 * PAGE);
            ck_assert_uint_eq(e->bytes, PAGE);
            flushes++;
        }
    }
    ck_assert_uint_eq(flushes, 1);
    finish();
}
END_TEST

/* What a pmap adopted goes with it, pmap_map's runs in adopted tables included. */
START_TEST(destroy_takes_adopted_mappings_down)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(pmap_map(&test_pmap, s.a + 12 * PAGE, frame, 0, PAGE, RW));
    ck_assert_ok(pmap_destroy(&test_pmap));
    ck_assert(!walk(s.a).present && !walk(s.b + 5 * PAGE).present);
    ck_assert(!walk(s.large).present && !walk(s.a + 12 * PAGE).present);
    ck_assert(!holds_mapping(s.fa) && !holds_mapping(s.fl));
    for (size_t i = 0; i < path_count; i++) {
        ck_assert(!holds_mapping(paths[i].cap));
    }
    ck_assert_ok(frame_free(frame));
    parent_take_back();
    assert_no_leaks();
}
END_TEST

/* PMAP_ADOPT_KEEP: destroy leaves those runs and the tables above them, and takes the rest. */
START_TEST(destroy_keeps_what_was_adopted_to_be_kept)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(PMAP_ADOPT_KEEP));
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, 2 * PAGE, NULL));
    genvaddr_t far = 200 * lspan();
    ck_assert_ok(pmap_map(&test_pmap, s.a + 12 * PAGE, frame, 0, PAGE, RW)); /* an adopted table */
    struct pmap_stats st = {0};
    for (int i = 0; i < 256 && st.meta_blocks == 0; i++) { /* its own tables, and runs until */
        ck_assert_ok(pmap_map(&test_pmap, far + 2 * i * PAGE, frame, PAGE, PAGE, RW)); /* a */
        pmap_get_stats(&test_pmap, &st); /* metadata block is needed */
    }
    ck_assert_uint_gt(st.meta_blocks, 0);
    ck_assert(walk(test_pmap.meta_base).present);
    ck_assert_ok(pmap_destroy(&test_pmap));
    assert_page(s.a, base_of(s.fa) + 2 * PAGE, RW);
    assert_page(s.b + 5 * PAGE, base_of(s.fb) + 5 * PAGE, RX);
    assert_page(s.large + PAGE, base_of(s.fl) + lspan() + PAGE, RW);
    ck_assert(!walk(s.a + 12 * PAGE).present && !walk(far).present);
    ck_assert(!walk(test_pmap.meta_base).present);
    for (size_t i = 0; i < path_count; i++) {
        ck_assert(holds_mapping(paths[i].cap));
    }
    ck_assert_ok(frame_free(frame));
    parent_take_back();
    assert_no_leaks();
}
END_TEST

/* A foreign pmap (metadata on the heap) keeps them too, with the tables above them. */
START_TEST(a_foreign_pmap_keeps_what_was_adopted_to_be_kept)
{
    struct space s;
    build_space(&s);
    struct pmap_options foreign = {.heap_alloc = malloc, .heap_free = free};
    ck_assert_ok(pmap_init(&other, test_root, &foreign));
    ck_assert_ok(
        pmap_adopt(&other, child_slot(child_next), CHILD_TOP - child_next, PMAP_ADOPT_KEEP));
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(pmap_map(&other, s.a + 12 * PAGE, frame, 0, PAGE, RW));
    ck_assert_ok(pmap_map(&other, 200 * lspan(), frame, 0, PAGE, RW));
    ck_assert_ok(pmap_destroy(&other));
    assert_page(s.a, base_of(s.fa) + 2 * PAGE, RW);
    assert_page(s.large, base_of(s.fl) + lspan(), RW);
    ck_assert(!walk(s.a + 12 * PAGE).present && !walk(200 * lspan()).present);
    ck_assert_ok(frame_free(frame));
    finish();
}
END_TEST

/*
 * A kept run split in two stays whole at destroy, the part with a copy of the pmap's own too
 * (its slot stays taken: no leak count here). The page mapped by pmap_map in between goes.
 */
START_TEST(destroy_keeps_both_parts_of_a_kept_run)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(PMAP_ADOPT_KEEP));
    ck_assert_ok(pmap_unmap(&test_pmap, s.a + 3 * PAGE, PAGE));
    ck_assert_ok(pmap_map(&test_pmap, s.a + 3 * PAGE, s.fa, 0, PAGE, RW));
    ck_assert_ok(pmap_destroy(&test_pmap));
    genpaddr_t fa = base_of(s.fa);
    assert_page(s.a + 2 * PAGE, fa + 4 * PAGE, RW);
    ck_assert(!walk(s.a + 3 * PAGE).present);
    assert_page(s.a + 4 * PAGE, fa + 6 * PAGE, RW);
    assert_page(s.a + 7 * PAGE, fa + 9 * PAGE, RW);
    parent_take_back();
}
END_TEST

/* Does [va, va + bytes) keep clear of every adopted run of s? */
static bool clear_of(const struct space *s, genvaddr_t va, gensize_t bytes)
{
    const genvaddr_t start[3] = {s->a, s->b, s->large};
    const gensize_t size[3] = {8 * PAGE, 6 * PAGE, lspan()};
    for (int i = 0; i < 3; i++) {
        if (va < start[i] + size[i] && start[i] < va + bytes) {
            return false;
        }
    }
    return true;
}

/*
 * A kept run's tables may also carry metadata blocks mapped after the adoption: destroy takes the
 * blocks down and leaves the tables. The window's two blocks straddle the end of root entry 0;
 * the second lies in the leaf table of a run kept in root entry 1.
 */
START_TEST(destroy_keeps_a_kept_table_that_metadata_shared)
{
    gensize_t root_span = layout()->span_bytes[0];
    struct pmap_options window = {.meta_base = root_span - PMAP_REFILL_BYTES,
                                  .meta_window_bytes = 2 * PMAP_REFILL_BYTES};
    ck_assert_ok(pmap_init(&other, test_root, &window));
    parent_start();
    struct capref kept = give_frame(4 * PAGE, PAGE);
    genvaddr_t run = root_span + 2 * PMAP_REFILL_BYTES;
    parent_map(run, leaf(), kept, 0, 4, RW);
    ck_assert_ok(
        pmap_adopt(&other, child_slot(child_next), CHILD_TOP - child_next, PMAP_ADOPT_KEEP));
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    struct pmap_stats st = {0};
    genvaddr_t va = 100 * lspan();
    for (int i = 0; i < 4000 && st.meta_blocks < 2; i++, va += PAGE) {
        ck_assert_ok(pmap_map(&other, va, frame, 0, PAGE, VREGION_FLAGS_READ));
        pmap_get_stats(&other, &st);
    }
    ck_assert_uint_eq(st.meta_blocks, 2);
    ck_assert(walk(root_span).present); /* the second block, beside the kept run */
    ck_assert_ok(pmap_destroy(&other));
    ck_assert(!walk(root_span).present && !walk(root_span - PMAP_REFILL_BYTES).present);
    assert_page(run + 3 * PAGE, base_of(kept) + 3 * PAGE, RW);
    ck_assert_ok(frame_free(frame));
    finish();
}
END_TEST

/* Address selection steps over what was adopted, from vaddr_min on. */
START_TEST(determine_addr_never_hands_out_adopted_ranges)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    ck_assert_uint_eq(test_pmap.addr_hint, test_pmap.vaddr_min);
    genvaddr_t va;
    gensize_t past_a = s.a - test_pmap.vaddr_min + PAGE; /* fits below a only by taking a page */
    ck_assert_ok(pmap_determine_addr(&test_pmap, past_a, PAGE, &va));
    ck_assert_msg(va > s.a && clear_of(&s, va, past_a), "got %#llx", (unsigned long long)va);
    for (int i = 0; i < 64; i++) {
        ck_assert_ok(pmap_determine_addr(&test_pmap, lspan() / 2, PAGE, &va));
        ck_assert_msg(clear_of(&s, va, lspan() / 2), "got %#llx", (unsigned long long)va);
    }
    finish();
}
END_TEST

/*
 * The parent revokes a frame under an adopted run: the kernel takes the mapping down with the
 * child's copy, and unmapping the run there counts it as revoked instead of failing.
 */
START_TEST(an_adopted_run_revoked_under_the_pmap_unmaps_as_gone)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    ck_assert_ok(cap_revoke(original_of(s.fa))); /* the child's copy goes */
    ck_assert(!walk(s.a).present);
    ck_assert_ok(pmap_unmap(&test_pmap, s.a, 8 * PAGE));
    struct pmap_stats st;
    pmap_get_stats(&test_pmap, &st);
    ck_assert_uint_eq(st.runs_revoked, 1);
    assert_not_in_tree(s.a);
    ck_assert_uint_eq(user_runs(), 3);
    assert_lookup(s.b, s.b, 3 * PAGE, s.fb, 0, PAGE, RX); /* the others stay */
    finish();
}
END_TEST

/* ---- Refusals: each named, and the tree as it was ---------------------------------------- */

static void assert_nothing_adopted(const struct space *s)
{
    ck_assert_uint_eq(user_runs(), 0);
    assert_not_in_tree(s->a);
    assert_not_in_tree(s->b);
    assert_not_in_tree(s->large);
}

START_TEST(a_run_in_a_table_outside_the_tree_is_unreachable)
{
    struct space s;
    build_space(&s);
    /* A path of tables and a frame mapped under another root, in the same CNode. */
    struct capref other_root;
    ck_assert_ok(vnode_create(&other_root, layout()->table_type[0]));
    struct capref table = other_root;
    cslot_t first_stranger = child_next;
    for (int l = 1; l <= leaf(); l++) {
        struct capref t;
        ck_assert_ok(vnode_create(&t, layout()->table_type[l]));
        struct capref tc = give(t, true);
        ck_assert_ok(vnode_map(table, 3, tc, VREGION_FLAGS_READ, 0, 1));
        table = tc;
    }
    ck_assert_ok(vnode_map(table, 5, give_frame(PAGE, PAGE), RW, 0, 1));
    ck_assert_chain(adopt_all(0), LIB_ERR_PMAP_ADOPT, LIB_ERR_PMAP_ADOPT_UNREACHABLE);
    assert_nothing_adopted(&s);
    /* Frames whose tables are not in the list are just as unreachable. */
    ck_assert_chain(pmap_adopt(&test_pmap, child_slot(CHILD_TOP - 3), 3, 0), LIB_ERR_PMAP_ADOPT,
                    LIB_ERR_PMAP_ADOPT_UNREACHABLE);
    assert_nothing_adopted(&s);
    /* Without the strangers, the same slots are adopted: nothing was left half-done. */
    ck_assert_ok(pmap_adopt(&test_pmap, child_slot(first_stranger), CHILD_TOP - first_stranger, 0));
    ck_assert_uint_eq(user_runs(), 4);
    ck_assert_ok(pmap_destroy(&test_pmap));
    parent_take_back();
    ck_assert_ok(vnode_destroy(other_root));
    assert_no_leaks();
}
END_TEST

START_TEST(adopting_twice_overlaps_and_keeps_the_first)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(adopt_all(0));
    struct pmap_stats before, after;
    pmap_get_stats(&test_pmap, &before);
    ck_assert_chain(adopt_all(0), LIB_ERR_PMAP_ADOPT, LIB_ERR_PMAP_ADOPT_OVERLAP);
    /* Only a part again: the frame in a table already adopted. */
    ck_assert_chain(pmap_adopt(&test_pmap, child_slot(CHILD_TOP - 3), 1, 0), LIB_ERR_PMAP_ADOPT,
                    LIB_ERR_PMAP_ADOPT_OVERLAP);
    pmap_get_stats(&test_pmap, &after);
    ck_assert_uint_eq(after.tables, before.tables);
    ck_assert_uint_eq(after.mappings, before.mappings);
    assert_lookup(s.a, s.a, 8 * PAGE, s.fa, 2 * PAGE, PAGE, RW);
    finish();
}
END_TEST

/* Tables adopted by one call take the runs of a later one. */
START_TEST(a_later_call_adopts_into_tables_adopted_before)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(pmap_adopt(&test_pmap, child_slot(child_next), CHILD_TOP - 3 - child_next, 0));
    ck_assert_uint_eq(user_runs(), 1); /* fb2 lies among the tables; fa, fb, fl come later */
    assert_lookup(s.b + 3 * PAGE, s.b + 3 * PAGE, 3 * PAGE, s.fb2, 3 * PAGE, PAGE, RX);
    ck_assert_ok(pmap_adopt(&test_pmap, child_slot(CHILD_TOP - 3), 3, 0));
    ck_assert_uint_eq(user_runs(), 4);
    assert_lookup(s.large, s.large, lspan(), s.fl, lspan(), lspan(), RW | VREGION_FLAGS_LARGE);
    finish();
}
END_TEST

START_TEST(entries_with_different_flags_are_refused)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(vnode_modify_flags(s.fa, 2, 1, VREGION_FLAGS_READ));
    ck_assert_chain(adopt_all(0), LIB_ERR_PMAP_ADOPT, LIB_ERR_PMAP_ADOPT_FLAGS_MIXED);
    assert_nothing_adopted(&s);
    ck_assert_ok(vnode_modify_flags(s.fa, 0, 8, RW));
    ck_assert_ok(adopt_all(0));
    finish();
}
END_TEST

/* Runs below vaddr_min, or in the metadata window, are not this pmap's to have. */
START_TEST(runs_outside_what_the_pmap_manages_are_refused)
{
    struct space s;
    build_space(&s);
    struct pmap_options above = {.vaddr_min = s.b};
    ck_assert_ok(pmap_init(&other, test_root, &above));
    ck_assert_chain(pmap_adopt(&other, child_slot(child_next), CHILD_TOP - child_next, 0),
                    LIB_ERR_PMAP_ADOPT, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE);
    ck_assert_ok(pmap_destroy(&other));
    struct pmap_options window = {.meta_base = s.b & ~(gensize_t)(PMAP_REFILL_BYTES - 1),
                                  .meta_window_bytes = PMAP_REFILL_BYTES};
    ck_assert_ok(pmap_init(&other, test_root, &window));
    ck_assert_chain(pmap_adopt(&other, child_slot(child_next), CHILD_TOP - child_next, 0),
                    LIB_ERR_PMAP_ADOPT, LIB_ERR_PMAP_ADDR_RESERVED);
    struct pmap_stats st;
    pmap_get_stats(&other, &st);
    ck_assert_uint_eq(st.mappings, 0);
    ck_assert_uint_eq(st.tables, 0);
    ck_assert_ok(pmap_destroy(&other));
    finish();
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    struct space s;
    build_space(&s);
    ck_assert_chain(pmap_adopt(&test_pmap, child_slot(200), 57, 0), LIB_ERR_PMAP_ADOPT,
                    LIB_ERR_PMAP_ADOPT_SLOTS);
    ck_assert_chain(pmap_adopt(&test_pmap, child_slot(child_next), 1, 2), LIB_ERR_PMAP_ADOPT,
                    LIB_ERR_PMAP_FLAGS_INVALID);
    ck_assert_ok(pmap_adopt(&test_pmap, child_slot(200), 56, 0)); /* to the end: nothing there */
    ck_assert_ok(pmap_adopt(&test_pmap, child_slot(child_next), 0, 0));
    assert_nothing_adopted(&s);
    finish();
}
END_TEST

/* ---- init: pmap_init_self adopts the image and stack from PAGECN ------------------------- */

START_TEST(init_self_adopts_the_image_and_keeps_it_at_destroy)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(cap_copy(child_slot(PAGECN_SLOT_VROOT), test_root));
    struct pmap self;
    ck_assert_ok(pmap_init_self(&self));
    ck_assert_uint_eq(self.vaddr_min, layout()->user_min);
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&self, s.a, &info));
    ck_assert(capref_equal(info.frame, s.fa));
    ck_assert_ok(pmap_lookup(&self, s.large, &info));
    genvaddr_t va;
    ck_assert_ok(pmap_determine_addr(&self, PAGE, PAGE, &va));
    ck_assert_uint_ge(va, DOMAIN_PMAP_VADDR_MIN); /* above the image first */
    ck_assert_ok(pmap_destroy(&self));
    assert_page(s.a, base_of(s.fa) + 2 * PAGE, RW);
    assert_page(s.large, base_of(s.fl) + lspan(), RW);
    ck_assert_ok(cap_delete(child_slot(PAGECN_SLOT_VROOT)));
    finish();
}
END_TEST

/* An image pmap_init_self cannot adopt (entries of one run with different flags): refused under
   LIB_ERR_PMAP_INIT, the mappings as they were; once they agree, it adopts them. */
START_TEST(init_self_refuses_an_image_it_cannot_adopt)
{
    struct space s;
    build_space(&s);
    ck_assert_ok(cap_copy(child_slot(PAGECN_SLOT_VROOT), test_root));
    ck_assert_ok(vnode_modify_flags(s.fa, 2, 1, VREGION_FLAGS_READ));
    struct pmap self;
    ck_assert_chain(pmap_init_self(&self), LIB_ERR_PMAP_INIT, LIB_ERR_PMAP_ADOPT,
                    LIB_ERR_PMAP_ADOPT_FLAGS_MIXED);
    assert_page(s.a, base_of(s.fa) + 2 * PAGE, RW);
    assert_page(s.a + 2 * PAGE, base_of(s.fa) + 4 * PAGE, VREGION_FLAGS_READ);
    ck_assert_ok(vnode_modify_flags(s.fa, 2, 1, RW));
    ck_assert_ok(pmap_init_self(&self));
    ck_assert_ok(pmap_destroy(&self));
    ck_assert_ok(cap_delete(child_slot(PAGECN_SLOT_VROOT)));
    finish();
}
END_TEST

Suite *pmap_adopt_suite(void)
{
    Suite *s = suite_create("pmap adopt");
    TCase *tc = pmap_tcase(s, "adopt");
    tcase_add_test(tc, adopt_takes_tables_runs_and_large_pages_in_any_order);
    tcase_add_test(tc, adopt_passes_over_what_holds_no_mapping);
    tcase_add_test(tc, adopted_runs_unmap_split_remap_and_modify_like_mapped_ones);
    tcase_add_test(tc, a_split_never_takes_the_rest_of_the_run_out_of_the_hardware);
    tcase_add_test(tc, destroy_takes_adopted_mappings_down);
    tcase_add_test(tc, destroy_keeps_what_was_adopted_to_be_kept);
    tcase_add_test(tc, a_foreign_pmap_keeps_what_was_adopted_to_be_kept);
    tcase_add_test(tc, destroy_keeps_both_parts_of_a_kept_run);
    tcase_add_test(tc, destroy_keeps_a_kept_table_that_metadata_shared);
    tcase_add_test(tc, determine_addr_never_hands_out_adopted_ranges);
    tcase_add_test(tc, a_later_call_adopts_into_tables_adopted_before);
    tcase_add_test(tc, an_adopted_run_revoked_under_the_pmap_unmaps_as_gone);
    tc = pmap_tcase(s, "refusals");
    tcase_add_test(tc, a_run_in_a_table_outside_the_tree_is_unreachable);
    tcase_add_test(tc, adopting_twice_overlaps_and_keeps_the_first);
    tcase_add_test(tc, entries_with_different_flags_are_refused);
    tcase_add_test(tc, runs_outside_what_the_pmap_manages_are_refused);
    tcase_add_test(tc, bad_arguments_are_refused);
    tc = pmap_tcase(s, "init");
    tcase_add_test(tc, init_self_adopts_the_image_and_keeps_it_at_destroy);
    tcase_add_test(tc, init_self_refuses_an_image_it_cannot_adopt);
    return s;
}
