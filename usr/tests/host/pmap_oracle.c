/* The oracle: the walker and pmap_lookup hold the pmap to the model; resources back to the
 * baseline. */
#include "pmap_model.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The oracle. ---- */

struct walk_result walk(genvaddr_t va)
{
    return walk_translate(test_pmap.root_base, va);
}

struct pmap_mapping_info lookup_ok(genvaddr_t va)
{
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(&test_pmap, va, &info);
    expect(err_is_ok(err), "%s: lookup %#llx: %s", where, (ull)va, errstr(err));
    expect(info.vaddr <= va && va - info.vaddr < info.bytes,
           "%s: lookup %#llx gave the run [%#llx, +%#llx)", where, (ull)va, (ull)info.vaddr,
           (ull)info.bytes);
    return info;
}

/* A run pmap_lookup reported lies inside r and agrees with it. */
static void check_info(const struct range *r, const struct pmap_mapping_info *info)
{
    expect(info->vaddr >= r->vaddr && info->vaddr + info->bytes <= r->vaddr + r->bytes,
           "%s: run [%#llx, +%#llx) leaves the range [%#llx, +%#llx)", where, (ull)info->vaddr,
           (ull)info->bytes, (ull)r->vaddr, (ull)r->bytes);
    expect(capref_equal(info->frame, r->frame), "%s: run at %#llx: another frame", where,
           (ull)info->vaddr);
    expect(info->offset_bytes == r->offset + (info->vaddr - r->vaddr),
           "%s: run at %#llx: offset %#llx, want %#llx", where, (ull)info->vaddr,
           (ull)info->offset_bytes, (ull)(r->offset + (info->vaddr - r->vaddr)));
    /* LARGE in a lookup says the run's pages are large, whatever the range asked. */
    vregion_flags_t want = (r->flags & ~F_LARGE) | (info->page_bytes > PAGE ? F_LARGE : 0);
    expect(info->flags == want, "%s: run at %#llx: flags %#x, want %#x", where, (ull)info->vaddr,
           info->flags, want);
    expect(info->vaddr % info->page_bytes == 0 && info->bytes % info->page_bytes == 0,
           "%s: run [%#llx, +%#llx) is not made of %#llx-byte pages", where, (ull)info->vaddr,
           (ull)info->bytes, (ull)info->page_bytes);
}

/* A large page must come from one range asked to use them, and sit aligned in the frame. */
static void check_page_size(const struct range *r, genvaddr_t va, gensize_t page_bytes)
{
    level_of_page(page_bytes);
    if (page_bytes == PAGE) {
        return;
    }
    genvaddr_t block = va & ~(page_bytes - 1);
    expect((r->flags & F_LARGE) && block >= r->vaddr && block + page_bytes <= r->vaddr + r->bytes &&
               (r->frame_base + r->offset + (block - r->vaddr)) % page_bytes == 0,
           "%s: %#llx: a %#llx-byte page where range [%#llx, +%#llx) flags %#x cannot "
           "have one",
           where, (ull)va, (ull)page_bytes, (ull)r->vaddr, (ull)r->bytes, r->flags);
}

/* The page at va translates as range r says, in the hardware tables and in pmap_lookup. */
void check_page(const struct range *r, genvaddr_t va)
{
    struct walk_result w = walk(va);
    genpaddr_t want = r->frame_base + r->offset + (va - r->vaddr);
    expect(w.present && w.paddr == want, "%s: %#llx: present %d paddr %#llx, want %#llx", where,
           (ull)va, w.present, (ull)w.paddr, (ull)want);
    expect(w.user && w.writable == !!(r->flags & VREGION_FLAGS_WRITE) &&
               w.executable == !!(r->flags & VREGION_FLAGS_EXECUTE) &&
               w.nocache == !!(r->flags & VREGION_FLAGS_NOCACHE),
           "%s: %#llx: user %d writable %d executable %d nocache %d, want flags %#x", where,
           (ull)va, w.user, w.writable, w.executable, w.nocache, r->flags);
    check_page_size(r, va, w.page_bytes);
    struct pmap_mapping_info info = lookup_ok(va);
    check_info(r, &info);
    expect(info.page_bytes == w.page_bytes,
           "%s: %#llx: lookup says %#llx-byte pages, "
           "the tables %#llx",
           where, (ull)va, (ull)info.page_bytes, (ull)w.page_bytes);
}

void check_absent(genvaddr_t va)
{
    if (va < layout()->user_min || va >= layout()->user_end || in_meta_window(va)) {
        return;
    }
    struct walk_result w = walk(va);
    expect(!w.present, "%s: %#llx is not mapped, yet translates to %#llx", where, (ull)va,
           (ull)w.paddr);
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(&test_pmap, va, &info);
    expect(err_no(err) == LIB_ERR_PMAP_NOT_MAPPED,
           "%s: lookup %#llx: expected LIB_ERR_PMAP_NOT_MAPPED, got %s", where, (ull)va,
           errstr(err));
}

static void check_range_pages(const struct range *r)
{
    size_t pages = (size_t)(r->bytes / PAGE);
    if (pages <= SAMPLE_PAGES) {
        for (size_t i = 0; i < pages; i++) {
            check_page(r, r->vaddr + i * PAGE);
        }
        return;
    }
    for (size_t i = 0; i < SAMPLE_PAGES; i++) { /* i = 0 and the last i: first and last page */
        check_page(r, r->vaddr + (i * (pages - 1) / (SAMPLE_PAGES - 1)) * PAGE);
    }
}

void table_count_add(struct table_count *tc, genvaddr_t vaddr, gensize_t bytes, int level)
{
    for (int l = 1; l <= level; l++) {
        gensize_t cover = layout()->span_bytes[l - 1];
        genvaddr_t first = vaddr / cover;
        genvaddr_t last = (vaddr + bytes - 1) / cover;
        if (tc->seen[l] && first <= tc->last[l]) {
            first = tc->last[l] + 1;
        }
        if (last >= first) {
            tc->tables += (size_t)(last - first + 1);
            tc->last[l] = last;
        }
        tc->seen[l] = true;
    }
}

/* Walks the runs that tile [vaddr, vaddr + bytes) with pmap_lookup; r (if any) must agree. */
static void tile_runs(const struct range *r, genvaddr_t vaddr, gensize_t bytes,
                      struct table_count *tc, size_t *runs)
{
    genvaddr_t va = vaddr;
    while (va < vaddr + bytes) {
        struct pmap_mapping_info info = lookup_ok(va);
        expect(info.vaddr == va && info.bytes <= vaddr + bytes - va,
               "%s: runs do not tile [%#llx, +%#llx): at %#llx the run [%#llx, +%#llx)", where,
               (ull)vaddr, (ull)bytes, (ull)va, (ull)info.vaddr, (ull)info.bytes);
        if (r != NULL) {
            check_info(r, &info);
        }
        table_count_add(tc, va, info.bytes, level_of_page(info.page_bytes));
        (*runs)++;
        va += info.bytes;
    }
}

static void check_gap(genvaddr_t start, genvaddr_t end)
{
    if (start < end) {
        check_absent(start);
        check_absent(end - PAGE);
        check_absent(start + (end - start) / PAGE / 2 * PAGE);
    }
}

static void check_gaps(void)
{
    genvaddr_t cur = model.lo;
    for (size_t i = 0; i < model.count; i++) {
        check_gap(cur, model.r[i].vaddr);
        cur = model.r[i].vaddr + model.r[i].bytes;
    }
    check_gap(cur, model.hi);
    check_absent(model.lo - PAGE);
    check_absent(model.hi);
}

/* The metadata: mapped (self-paging) where the stats say; its runs and tables are counted. */
static void check_metadata(const struct pmap_stats *s, struct table_count *tc, size_t *runs)
{
    ck_assert_uint_eq(s->meta_bytes, s->meta_blocks * PMAP_REFILL_BYTES);
    if (test_pmap.options.heap_alloc != NULL || s->meta_blocks == 0) {
        return;
    }
    /* Blocks tile [meta_base, meta_next), except the holes trimmed blocks left. */
    size_t mapped = 0, holes = 0;
    for (genvaddr_t va = test_pmap.meta_base; va < test_pmap.meta_next; va += PMAP_REFILL_BYTES) {
        struct walk_result first = walk(va);
        struct walk_result last = walk(va + PMAP_REFILL_BYTES - PAGE);
        if (!first.present && !last.present) {
            holes++;
            continue;
        }
        expect(first.present && first.writable && last.present && last.writable,
               "%s: metadata block at %#llx is not mapped whole", where, (ull)va);
        tile_runs(NULL, va, PMAP_REFILL_BYTES, tc, runs);
        mapped++;
    }
    ck_assert_uint_eq(mapped, s->meta_blocks);
    ck_assert_uint_eq(holes, test_pmap.meta_holes);
}

/* Tables and runs the metadata alone needs (0 for a foreign pmap). */
void metadata_needs(size_t *tables, size_t *runs)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct table_count tc = {0};
    *runs = 0;
    check_metadata(&s, &tc, runs);
    *tables = tc.tables;
}

void user_counts_take(struct user_counts *ret)
{
    size_t meta_tables, meta_runs;
    metadata_needs(&meta_tables, &meta_runs);
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    ret->runs = s.mappings - meta_runs;
    ret->tables = s.tables - meta_tables;
}

/* Tables the user mappings hold: all of them but the metadata's. */
size_t user_tables(void)
{
    size_t meta_tables, meta_runs;
    metadata_needs(&meta_tables, &meta_runs);
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    return s.tables - meta_tables;
}

/*
 * The oracle: every range (sampled when large) translates as the model says,
 * its runs tile it, the gaps do not translate, the metadata is mapped, and
 * the stats count exactly the runs and tables found.
 */
void check_against_model(void)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct table_count tc = {0};
    size_t runs = 0;
    for (size_t i = 0; i < model.count; i++) {
        check_range_pages(&model.r[i]);
        tile_runs(&model.r[i], model.r[i].vaddr, model.r[i].bytes, &tc, &runs);
    }
    check_gaps();
    check_metadata(&s, &tc, &runs);
    expect(s.mappings == runs, "%s: stats count %zu runs, the tree holds %zu", where, s.mappings,
           runs);
    expect(s.tables == tc.tables, "%s: stats count %zu tables, the runs need %zu", where, s.tables,
           tc.tables);
}

/* Every page of [lo, hi), not a sample. */
void check_every_page(genvaddr_t lo, genvaddr_t hi)
{
    for (genvaddr_t va = lo; va < hi; va += PAGE) {
        const struct range *r = model_find(va);
        if (r != NULL) {
            check_page(r, va);
        } else {
            check_absent(va);
        }
    }
}

/* Unmaps the whole window: only the metadata may be left; then nothing may have leaked. */
void unmap_all_and_check_no_leaks(void)
{
    do_unmap(model.lo, model.hi - model.lo);
    ck_assert_uint_eq(model.count, 0);
    check_every_page(model.lo, model.lo + 64 * PAGE);
    check_against_model();
    ck_assert_uint_eq(user_tables(), 0);
    if (test_pmap.options.heap_alloc != NULL) {
        struct pmap_stats s;
        pmap_get_stats(&test_pmap, &s);
        ck_assert_uint_eq(s.tables, 0);
        ck_assert_uint_eq(s.mappings, 0);
    }
    free_frames();
    assert_no_leaks();
    model_reset(model.lo, model.hi);
}

void start(void)
{
    where_prefix[0] = '\0';
    frame_count = 0;
    model_reset(WINDOW_LO, WINDOW_HI);
}

/*
 * After everything is unmapped the pmap holds at most PMAP_SHRINK_SLACK_BLOCKS more metadata
 * blocks than before the maps, each costing its frame, two slots and maybe a table; libcap keeps
 * the L2 CNodes holding those slots and at most one spare. Every capability still held sits in
 * one of those slots or is one of those CNodes, and each piece of RAM still held splits at most
 * one free range in two. A failure names who checked (where) and the counter.
 */
void check_metadata_shrank(const char *who, const struct pmap_stats *before,
                           const struct resource_counts *held, size_t cnodes)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct resource_counts now;
    resource_counts_take(&now);
    printf("%s: after the unmaps %zu metadata blocks (%zu before), %zu slots and "
           "%llu KiB of RAM more than before, %zu L2 CNodes (%zu before)\n",
           who, s.meta_blocks, before->meta_blocks, now.slots_used - held->slots_used,
           (ull)(held->ram_free - now.ram_free) / 1024, slot_alloc_cnodes(), cnodes);
    size_t extra = s.meta_blocks > before->meta_blocks ? s.meta_blocks - before->meta_blocks : 0;
    size_t extra_tables = s.tables > before->tables ? s.tables - before->tables : 0;
    expect(extra <= PMAP_SHRINK_SLACK_BLOCKS, "%s: meta_blocks %zu, baseline %zu + slack %d", who,
           s.meta_blocks, before->meta_blocks, PMAP_SHRINK_SLACK_BLOCKS);
    size_t extra_slots = now.slots_used - held->slots_used;
    expect(now.slots_used <= held->slots_used + 2 * extra + extra_tables,
           "%s: slot_alloc_used %zu, baseline %zu + %zu for %zu metadata blocks and %zu tables",
           who, now.slots_used, held->slots_used, 2 * extra + extra_tables, extra, extra_tables);
    /* Each slot still held may keep its CNode: libcap cannot move capabilities it lent out. */
    size_t extra_cnodes = slot_alloc_cnodes() - cnodes;
    expect(slot_alloc_cnodes() <= cnodes + extra_slots + 1,
           "%s: slot_alloc_cnodes %zu, baseline %zu + %zu for the slots still held + 1 spare", who,
           slot_alloc_cnodes(), cnodes, extra_slots);
    gensize_t ram_bound =
        extra * PMAP_REFILL_BYTES + extra_tables * PAGE + extra_cnodes * L2_CNODE_BYTES;
    expect(held->ram_free - now.ram_free <= ram_bound,
           "%s: ram_free_bytes %#llx, baseline %#llx - %#llx held by metadata, tables and CNodes",
           who, (ull)now.ram_free, (ull)held->ram_free, (ull)ram_bound);
    size_t pieces = extra + extra_tables + extra_cnodes;
    expect(now.ram_ranges <= held->ram_ranges + pieces,
           "%s: ram_free_ranges %zu, baseline %zu + %zu pieces of RAM held", who, now.ram_ranges,
           held->ram_ranges, pieces);
    expect(now.caps_live <= held->caps_live + extra_slots + extra_cnodes,
           "%s: mdb_count %zu, baseline %zu + %zu slots and %zu CNodes held", who, now.caps_live,
           held->caps_live, extra_slots, extra_cnodes);
}
