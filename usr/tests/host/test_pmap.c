/* The pmap suite: user mappings held against a reference model, the walker and pmap_lookup. */
#include "pmap_fixture.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE BASE_PAGE_BYTES
#define F_R VREGION_FLAGS_READ
#define F_RW VREGION_FLAGS_READ_WRITE
#define F_RX (VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE)
#define F_RN (VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE)
#define F_LARGE VREGION_FLAGS_LARGE

/* Where the tests map: 1 GiB (large-page aligned on both formats), in a 64 MiB window around it. */
#define TEST_VA ((genvaddr_t)1 << 30)
#define WINDOW_LO (TEST_VA - ((genvaddr_t)32 << 20))
#define WINDOW_HI (TEST_VA + ((genvaddr_t)32 << 20))

/* Pages of a range the oracle checks one by one; larger ranges get this many samples. */
#define SAMPLE_PAGES 64

typedef unsigned long long ull;

/* ck_assert_msg without Check's checkpoint write on success, which would dominate the hot loops. */
#define expect(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ck_abort_msg(__VA_ARGS__);                                                             \
        }                                                                                          \
    } while (0)

/* ---- Layout: format-dependent values, decided at run time. ---- */

static const struct pmap_layout *layout(void)
{
    return pmap_arch_layout();
}

static int leaf_level(void)
{
    return layout()->levels - 1;
}

/* The smallest large page: the deepest level above the leaf that maps frames. */
static int large_level(void)
{
    for (int level = leaf_level() - 1; level >= 0; level--) {
        if (layout()->frame_level[level]) {
            return level;
        }
    }
    ck_abort_msg("this layout has no large pages");
    return -1;
}

static gensize_t large_bytes(void)
{
    return layout()->span_bytes[large_level()];
}

/* What one leaf table maps. */
static gensize_t leaf_table_bytes(void)
{
    return layout()->span_bytes[leaf_level() - 1];
}

static int level_of_page(gensize_t page_bytes)
{
    for (int level = 0; level < layout()->levels; level++) {
        if (layout()->span_bytes[level] == page_bytes && layout()->frame_level[level]) {
            return level;
        }
    }
    ck_abort_msg("no level maps pages of %#llx bytes", (ull)page_bytes);
    return -1;
}

static bool in_meta_window(genvaddr_t va)
{
    return test_pmap.options.heap_alloc == NULL && va >= test_pmap.meta_base &&
           va < test_pmap.meta_limit;
}

/* ---- Failure context: what was being done, so a failure names the operation. ---- */

static char where_prefix[64];
static char where[256];

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    size_t n = (size_t)snprintf(where, sizeof(where), "%s", where_prefix);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where + n, sizeof(where) - n, fmt, ap);
    va_end(ap);
}

static const char *errstr(errval_t err)
{
    static char buf[256];
    err_format(err, buf, sizeof(buf));
    return buf;
}

/* ---- Frames the tests map, freed before the leak check. ---- */

struct test_frame {
    struct capref cap;
    genpaddr_t base;
    gensize_t bytes;
};

#define MAX_FRAMES 16
static struct test_frame frames[MAX_FRAMES];
static size_t frame_count;

static struct test_frame *new_frame(gensize_t bytes, gensize_t align)
{
    ck_assert_uint_lt(frame_count, MAX_FRAMES);
    struct test_frame *f = &frames[frame_count++];
    if (align > PAGE) {
        ck_assert_ok(frame_alloc_aligned(&f->cap, bytes, align));
    } else {
        ck_assert_ok(frame_alloc(&f->cap, bytes, NULL));
    }
    struct cap_identity id;
    ck_assert_ok(cap_identify(f->cap, &id));
    ck_assert_uint_eq(id.bytes, bytes);
    ck_assert_uint_eq(id.base % align, 0);
    f->base = id.base;
    f->bytes = bytes;
    return f;
}

static void free_frames(void)
{
    for (size_t i = 0; i < frame_count; i++) {
        ck_assert_ok(frame_free(frames[i].cap));
    }
    frame_count = 0;
}

/* ---- The reference model: sorted, disjoint ranges of what is mapped. ---- */

struct range {
    genvaddr_t vaddr;
    gensize_t bytes;
    struct capref frame;
    genpaddr_t frame_base;
    gensize_t offset;      /* into the frame, of vaddr */
    vregion_flags_t flags; /* as pmap_map got them (LARGE kept), then as modify_flags set them */
};

static struct {
    struct range *r;
    size_t count;
    size_t capacity;
    genvaddr_t lo, hi; /* every range lies in [lo, hi); gaps there are checked */
} model;

static void model_reset(genvaddr_t lo, genvaddr_t hi)
{
    free(model.r);
    memset(&model, 0, sizeof(model));
    model.lo = lo;
    model.hi = hi;
    ck_assert(lo >= layout()->user_min && hi <= layout()->user_end);
    ck_assert(hi <= test_pmap.meta_base || test_pmap.options.heap_alloc != NULL);
}

/* The index of the first range that ends above vaddr (count if none). */
static size_t model_index(genvaddr_t vaddr)
{
    size_t a = 0;
    size_t b = model.count;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (model.r[m].vaddr + model.r[m].bytes <= vaddr) {
            a = m + 1;
        } else {
            b = m;
        }
    }
    return a;
}

static const struct range *model_find(genvaddr_t vaddr)
{
    size_t i = model_index(vaddr);
    return i < model.count && model.r[i].vaddr <= vaddr ? &model.r[i] : NULL;
}

static bool model_overlaps(genvaddr_t vaddr, gensize_t bytes)
{
    size_t i = model_index(vaddr);
    return i < model.count && model.r[i].vaddr < vaddr + bytes;
}

static void model_insert_at(size_t i, const struct range *r)
{
    if (model.count == model.capacity) {
        model.capacity = model.capacity == 0 ? 64 : 2 * model.capacity;
        model.r = realloc(model.r, model.capacity * sizeof(*model.r));
        ck_assert_ptr_nonnull(model.r);
    }
    memmove(&model.r[i + 1], &model.r[i], (model.count - i) * sizeof(*model.r));
    model.r[i] = *r;
    model.count++;
}

static void model_add(const struct range *r)
{
    expect(!model_overlaps(r->vaddr, r->bytes), "%s: the model overlaps", where);
    expect(r->vaddr >= model.lo && r->vaddr + r->bytes <= model.hi, "%s: outside the window",
           where);
    model_insert_at(model_index(r->vaddr), r);
}

/* Makes vaddr a border: splits the range that holds it strictly inside. */
static void model_split_at(genvaddr_t vaddr)
{
    size_t i = model_index(vaddr);
    if (i == model.count || model.r[i].vaddr >= vaddr) {
        return;
    }
    struct range right = model.r[i];
    gensize_t left_bytes = vaddr - right.vaddr;
    right.vaddr = vaddr;
    right.bytes -= left_bytes;
    right.offset += left_bytes;
    model.r[i].bytes = left_bytes;
    model_insert_at(i + 1, &right);
}

/* Splits at both borders; [*first, *last) are then the ranges inside [vaddr, vaddr + bytes). */
static void model_isolate(genvaddr_t vaddr, gensize_t bytes, size_t *first, size_t *last)
{
    model_split_at(vaddr);
    model_split_at(vaddr + bytes);
    *first = model_index(vaddr);
    *last = model_index(vaddr + bytes);
}

static void model_remove(genvaddr_t vaddr, gensize_t bytes)
{
    size_t first, last;
    model_isolate(vaddr, bytes, &first, &last);
    if (first == last) {
        return; /* nothing to remove (and model.r may still be NULL) */
    }
    memmove(&model.r[first], &model.r[last], (model.count - last) * sizeof(*model.r));
    model.count -= last - first;
}

static void model_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags)
{
    size_t first, last;
    model_isolate(vaddr, bytes, &first, &last);
    for (size_t i = first; i < last; i++) {
        model.r[i].flags = flags | (model.r[i].flags & F_LARGE);
    }
}

/* ---- Operations: on the pmap and on the model alike. ---- */

/* Maps, expecting a refusal exactly when the model overlaps; returns whether it mapped. */
static bool do_map(const struct test_frame *f, gensize_t offset, genvaddr_t vaddr, gensize_t bytes,
                   vregion_flags_t flags)
{
    note("map [%#llx, +%#llx) frame %#llx+%#llx flags %#x", (ull)vaddr, (ull)bytes, (ull)f->base,
         (ull)offset, flags);
    errval_t err = pmap_map(&test_pmap, vaddr, f->cap, offset, bytes, flags);
    if (model_overlaps(vaddr, bytes)) {
        expect(err_no(err) == LIB_ERR_PMAP_MAP &&
                   err_no(err_pop(err)) == LIB_ERR_PMAP_EXISTING_MAPPING,
               "%s: overlaps, expected LIB_ERR_PMAP_MAP <- _EXISTING_MAPPING, got %s", where,
               errstr(err));
        return false;
    }
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    model_add(&(struct range){.vaddr = vaddr,
                              .bytes = bytes,
                              .frame = f->cap,
                              .frame_base = f->base,
                              .offset = offset,
                              .flags = flags});
    return true;
}

static void do_unmap(genvaddr_t vaddr, gensize_t bytes)
{
    note("unmap [%#llx, +%#llx)", (ull)vaddr, (ull)bytes);
    errval_t err = pmap_unmap(&test_pmap, vaddr, bytes);
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    model_remove(vaddr, bytes);
}

static void do_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags)
{
    note("modify_flags [%#llx, +%#llx) to %#x", (ull)vaddr, (ull)bytes, flags);
    errval_t err = pmap_modify_flags(&test_pmap, vaddr, bytes, flags);
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    model_modify(vaddr, bytes, flags);
}

/* ---- The oracle. ---- */

static struct walk_result walk(genvaddr_t va)
{
    return walk_translate(test_pmap.root_base, va);
}

static struct pmap_mapping_info lookup_ok(genvaddr_t va)
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
    expect(info->flags == r->flags, "%s: run at %#llx: flags %#x, want %#x", where,
           (ull)info->vaddr, info->flags, r->flags);
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
static void check_page(const struct range *r, genvaddr_t va)
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

static void check_absent(genvaddr_t va)
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

/* Tables that runs need, counted from runs given in address order. */
struct table_count {
    size_t tables;
    bool seen[PMAP_MAX_LEVELS];
    genvaddr_t last[PMAP_MAX_LEVELS]; /* index of the last table counted, per level */
};

static void table_count_add(struct table_count *tc, genvaddr_t vaddr, gensize_t bytes, int level)
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
static void metadata_needs(size_t *tables, size_t *runs)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct table_count tc = {0};
    *runs = 0;
    check_metadata(&s, &tc, runs);
    *tables = tc.tables;
}

/* Tables the user mappings hold: all of them but the metadata's. */
static size_t user_tables(void)
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
static void check_against_model(void)
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
static void check_every_page(genvaddr_t lo, genvaddr_t hi)
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
static void unmap_all_and_check_no_leaks(void)
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

static void start(void)
{
    where_prefix[0] = '\0';
    frame_count = 0;
    model_reset(WINDOW_LO, WINDOW_HI);
}

static struct walk_result walk_present(genvaddr_t va, genpaddr_t paddr, gensize_t page_bytes)
{
    struct walk_result w = walk(va);
    expect(w.present, "%#llx does not translate", (ull)va);
    ck_assert_uint_eq(w.paddr, paddr);
    ck_assert_uint_eq(w.page_bytes, page_bytes);
    return w;
}

/* ---- Deterministic tests. ---- */

START_TEST(one_page_maps_looks_up_and_unmaps)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    ck_assert(do_map(f, 0, TEST_VA, PAGE, F_RW));
    struct pmap_mapping_info info = lookup_ok(TEST_VA + 0x123);
    ck_assert_uint_eq(info.vaddr, TEST_VA);
    ck_assert_uint_eq(info.bytes, PAGE);
    ck_assert_uint_eq(info.page_bytes, PAGE);
    ck_assert_uint_eq(info.offset_bytes, 0);
    ck_assert_uint_eq(info.flags, F_RW);
    ck_assert(capref_equal(info.frame, f->cap));
    struct walk_result w = walk_present(TEST_VA + 0x123, f->base + 0x123, PAGE);
    ck_assert(w.user && w.writable && !w.executable && !w.nocache);
    ck_assert_int_eq(w.levels, layout()->levels);
    check_against_model();
    do_unmap(TEST_VA, PAGE);
    ck_assert(!walk(TEST_VA).present);
    ck_assert_err(pmap_lookup(&test_pmap, TEST_VA, &info), LIB_ERR_PMAP_NOT_MAPPED);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(a_multi_page_run_is_one_run)
{
    start();
    struct test_frame *f = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(f, 4 * PAGE, TEST_VA + 3 * PAGE, 10 * PAGE, F_RX));
    struct pmap_mapping_info info = lookup_ok(TEST_VA + 12 * PAGE);
    ck_assert_uint_eq(info.vaddr, TEST_VA + 3 * PAGE);
    ck_assert_uint_eq(info.bytes, 10 * PAGE);
    ck_assert_uint_eq(info.offset_bytes, 4 * PAGE);
    struct walk_result w = walk_present(TEST_VA + 12 * PAGE, f->base + 13 * PAGE, PAGE);
    ck_assert(!w.writable && w.executable);
    check_absent(TEST_VA + 2 * PAGE);
    check_absent(TEST_VA + 13 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmapping_the_middle_splits_a_run_in_two)
{
    start();
    struct test_frame *f = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(f, 0, TEST_VA, 16 * PAGE, F_RW));
    do_unmap(TEST_VA + 5 * PAGE, 3 * PAGE);
    struct pmap_mapping_info left = lookup_ok(TEST_VA + 4 * PAGE);
    ck_assert_uint_eq(left.vaddr, TEST_VA);
    ck_assert_uint_eq(left.bytes, 5 * PAGE);
    struct pmap_mapping_info right = lookup_ok(TEST_VA + 8 * PAGE);
    ck_assert_uint_eq(right.vaddr, TEST_VA + 8 * PAGE);
    ck_assert_uint_eq(right.bytes, 8 * PAGE);
    ck_assert_uint_eq(right.offset_bytes, 8 * PAGE);
    walk_present(TEST_VA + 4 * PAGE, f->base + 4 * PAGE, PAGE);
    walk_present(TEST_VA + 8 * PAGE, f->base + 8 * PAGE, PAGE);
    for (int i = 5; i < 8; i++) {
        check_absent(TEST_VA + (genvaddr_t)i * PAGE);
    }
    check_every_page(TEST_VA - 4 * PAGE, TEST_VA + 20 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

static void expect_run(genvaddr_t va, gensize_t bytes, const struct test_frame *f, gensize_t offset,
                       vregion_flags_t flags)
{
    struct pmap_mapping_info info = lookup_ok(va);
    ck_assert_uint_eq(info.vaddr, va);
    ck_assert_uint_eq(info.bytes, bytes);
    ck_assert(capref_equal(info.frame, f->cap));
    ck_assert_uint_eq(info.offset_bytes, offset);
    ck_assert_uint_eq(info.flags, flags);
}

START_TEST(modify_flags_across_two_runs_splits_both)
{
    start();
    struct test_frame *a = new_frame(8 * PAGE, PAGE);
    struct test_frame *b = new_frame(8 * PAGE, PAGE);
    ck_assert(do_map(a, 0, TEST_VA, 8 * PAGE, F_R));
    ck_assert(do_map(b, 0, TEST_VA + 8 * PAGE, 8 * PAGE, F_RW));
    do_modify(TEST_VA + 4 * PAGE, 8 * PAGE, F_RX);
    expect_run(TEST_VA, 4 * PAGE, a, 0, F_R);
    expect_run(TEST_VA + 4 * PAGE, 4 * PAGE, a, 4 * PAGE, F_RX);
    expect_run(TEST_VA + 8 * PAGE, 4 * PAGE, b, 0, F_RX);
    expect_run(TEST_VA + 12 * PAGE, 4 * PAGE, b, 4 * PAGE, F_RW);
    ck_assert(walk(TEST_VA + 11 * PAGE).executable && !walk(TEST_VA + 12 * PAGE).executable);
    check_every_page(TEST_VA - PAGE, TEST_VA + 17 * PAGE);
    /* Over a hole: only the mapped parts change, the hole stays a hole. */
    struct test_frame *c = new_frame(4 * PAGE, PAGE);
    ck_assert(do_map(c, 0, TEST_VA + 20 * PAGE, 4 * PAGE, F_RW));
    do_modify(TEST_VA + 14 * PAGE, 8 * PAGE, F_RN);
    expect_run(TEST_VA + 14 * PAGE, 2 * PAGE, b, 6 * PAGE, F_RN);
    expect_run(TEST_VA + 20 * PAGE, 2 * PAGE, c, 0, F_RN);
    expect_run(TEST_VA + 22 * PAGE, 2 * PAGE, c, 2 * PAGE, F_RW);
    check_every_page(TEST_VA - PAGE, TEST_VA + 25 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmap_across_a_leaf_table_border)
{
    start();
    genvaddr_t border = TEST_VA + leaf_table_bytes();
    struct test_frame *f = new_frame(64 * PAGE, PAGE);
    ck_assert(do_map(f, 0, border - 32 * PAGE, 64 * PAGE, F_RW));
    expect_run(border - 32 * PAGE, 32 * PAGE, f, 0, F_RW);
    expect_run(border, 32 * PAGE, f, 32 * PAGE, F_RW);
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels); /* the path, and a second leaf */
    check_against_model();
    do_unmap(border - 8 * PAGE, 16 * PAGE);
    expect_run(border - 32 * PAGE, 24 * PAGE, f, 0, F_RW);
    expect_run(border + 8 * PAGE, 24 * PAGE, f, 40 * PAGE, F_RW);
    check_every_page(border - 40 * PAGE, border + 40 * PAGE);
    check_against_model();
    do_unmap(border, 32 * PAGE); /* empties the second leaf table: it goes */
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels - 1);
    check_every_page(border - 40 * PAGE, border + 40 * PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

/* A run across a border of a level-`level` table's entries: both sides, then one, then none. */
static void map_and_unmap_across(int level, const struct test_frame *f)
{
    gensize_t span = layout()->span_bytes[level];
    genvaddr_t border = span;
    while (border - 64 * PAGE < layout()->user_min) {
        border += span;
    }
    model_reset(border - 64 * PAGE, border + 64 * PAGE);
    ck_assert(do_map(f, 0, border - 32 * PAGE, 64 * PAGE, F_RW));
    /* Tables above `level` are shared by both sides; the ones below it come in pairs. */
    ck_assert_uint_eq(user_tables(), (size_t)(level + 2 * (leaf_level() - level)));
    check_every_page(model.lo, model.hi);
    check_against_model();
    do_unmap(border - 4 * PAGE, 8 * PAGE);
    check_every_page(model.lo, model.hi);
    check_against_model();
    do_unmap(border, 32 * PAGE);
    ck_assert_uint_eq(user_tables(), (size_t)leaf_level());
    check_against_model();
    do_unmap(model.lo, model.hi - model.lo);
    ck_assert_uint_eq(user_tables(), 0);
    check_against_model();
}

START_TEST(runs_across_the_border_of_every_table_level)
{
    start();
    struct test_frame *f = new_frame(64 * PAGE, PAGE);
    for (int level = 0; level < leaf_level(); level++) {
        map_and_unmap_across(level, f);
    }
    unmap_all_and_check_no_leaks();
}
END_TEST

/* Maps two large pages at TEST_VA from a large-aligned frame; checks they are large. */
static struct test_frame *map_two_large_pages(void)
{
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    ck_assert(do_map(f, 0, TEST_VA, 2 * large, F_RW | F_LARGE));
    ck_assert_int_eq(walk_present(TEST_VA, f->base, large).levels, large_level() + 1);
    walk_present(TEST_VA + 2 * large - PAGE, f->base + 2 * large - PAGE, large);
    struct pmap_mapping_info info = lookup_ok(TEST_VA + large);
    ck_assert_uint_eq(info.page_bytes, large);
    ck_assert_uint_eq(info.vaddr, TEST_VA);
    ck_assert_uint_eq(info.bytes, 2 * large);
    ck_assert_uint_eq(user_tables(), (size_t)large_level());
    check_against_model();
    return f;
}

START_TEST(unmapping_a_page_inside_a_large_page_splits_it)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = map_two_large_pages();
    do_unmap(TEST_VA + 5 * PAGE, PAGE);
    check_absent(TEST_VA + 5 * PAGE);
    walk_present(TEST_VA + 4 * PAGE, f->base + 4 * PAGE, PAGE);
    walk_present(TEST_VA + 6 * PAGE, f->base + 6 * PAGE, PAGE);
    walk_present(TEST_VA + large - PAGE, f->base + large - PAGE, PAGE);
    walk_present(TEST_VA + large, f->base + large, large); /* the other one stays large */
    ck_assert_uint_eq(user_tables(), (size_t)large_level() + 1);
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(modify_flags_of_a_page_inside_a_large_page_splits_it)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = map_two_large_pages();
    do_modify(TEST_VA + large + 7 * PAGE, PAGE, F_RX);
    struct walk_result w =
        walk_present(TEST_VA + large + 7 * PAGE, f->base + large + 7 * PAGE, PAGE);
    ck_assert(w.executable && !w.writable);
    w = walk_present(TEST_VA + large + 6 * PAGE, f->base + large + 6 * PAGE, PAGE);
    ck_assert(!w.executable && w.writable);
    walk_present(TEST_VA + large + 8 * PAGE, f->base + large + 8 * PAGE, PAGE);
    walk_present(TEST_VA, f->base, large);
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    do_modify(TEST_VA, large, F_RN); /* a whole large page keeps its size */
    w = walk_present(TEST_VA + PAGE, f->base + PAGE, large);
    ck_assert(w.nocache && !w.writable);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(a_large_aligned_frame_without_the_flag_gets_base_pages)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    ck_assert(do_map(f, 0, TEST_VA, 2 * large, F_RW));
    walk_present(TEST_VA, f->base, PAGE);
    walk_present(TEST_VA + large, f->base + large, PAGE);
    ck_assert_uint_eq(lookup_ok(TEST_VA).page_bytes, PAGE);
    ck_assert_uint_eq(user_tables(), (size_t)layout()->levels); /* the path, and a second leaf */
    check_every_page(TEST_VA - PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(the_large_flag_falls_back_to_base_pages_where_it_must)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *f = new_frame(2 * large, large);
    /* Address not aligned, frame offset not aligned, a tail shorter than a large page. */
    ck_assert(do_map(f, 0, TEST_VA - 4 * large + PAGE, large, F_RW | F_LARGE));
    ck_assert(do_map(f, PAGE, TEST_VA - 2 * large, large, F_RW | F_LARGE));
    ck_assert(do_map(f, 0, TEST_VA, large + 3 * PAGE, F_RX | F_LARGE));
    walk_present(TEST_VA - 4 * large + PAGE, f->base, PAGE);
    walk_present(TEST_VA - 2 * large, f->base + PAGE, PAGE);
    walk_present(TEST_VA, f->base, large);
    walk_present(TEST_VA + large, f->base + large, PAGE);
    check_every_page(TEST_VA - 5 * large, TEST_VA + 2 * large);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

START_TEST(unmapping_everything_reclaims_every_table)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *big = new_frame(2 * large, large);
    struct test_frame *small = new_frame(64 * PAGE, PAGE);
    ck_assert(do_map(big, 0, WINDOW_LO, 2 * large, F_RW | F_LARGE));
    ck_assert(do_map(small, 0, TEST_VA - 32 * PAGE, 64 * PAGE, F_RX));
    ck_assert(do_map(small, 0, WINDOW_HI - 64 * PAGE, 64 * PAGE, F_RN));
    ck_assert(do_map(big, large, TEST_VA + 8 * large, large, F_R | F_LARGE));
    do_unmap(TEST_VA + 8 * large + 3 * PAGE, PAGE);
    check_against_model();
    ck_assert_uint_gt(user_tables(), 0);
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- A foreign pmap: metadata from the heap, so nothing at all may stay after unmapping. ---- */

static void boot_foreign(void)
{
    static const struct pmap_options options = {.heap_alloc = malloc, .heap_free = free};
    pmap_boot_with((gensize_t)256 << 20, &options);
}

START_TEST(a_foreign_pmap_ends_with_no_tables_and_no_runs)
{
    start();
    gensize_t large = large_bytes();
    struct test_frame *big = new_frame(2 * large, large);
    struct test_frame *small = new_frame(16 * PAGE, PAGE);
    ck_assert(do_map(big, 0, TEST_VA, 2 * large, F_RW | F_LARGE));
    ck_assert(do_map(small, 0, TEST_VA - 16 * PAGE, 16 * PAGE, F_R));
    ck_assert(!do_map(small, 0, TEST_VA - PAGE, 2 * PAGE, F_R));
    do_unmap(TEST_VA + PAGE, PAGE);
    do_modify(TEST_VA + large, 2 * PAGE, F_RX);
    check_every_page(TEST_VA - 16 * PAGE, TEST_VA + 2 * large + PAGE);
    check_against_model();
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- The randomised test. ---- */

#define RANDOM_OPS 4000
#define RANDOM_CHECK_EVERY 50
#define RANDOM_ROUNDS_DEFAULT 64
#define DEFAULT_SEED 0x5eed2024ull

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

static uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    return s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : fallback;
}

static vregion_flags_t random_flags(void)
{
    static const vregion_flags_t choices[] = {F_R, F_RW, F_RX, F_RN};
    return choices[rng_below(4)];
}

struct random_counts {
    size_t ops, maps, refused, unmaps, modifies, lookups, checks;
};

/* The frame pool: base-page frames of several sizes and one of two large pages. */
#define POOL_LARGE 4
static void make_pool(void)
{
    new_frame(PAGE, PAGE);
    new_frame(8 * PAGE, PAGE);
    new_frame(64 * PAGE, PAGE);
    new_frame(32 * PAGE, PAGE);
    new_frame(2 * large_bytes(), large_bytes());
}

static genvaddr_t random_vaddr(gensize_t bytes, gensize_t align)
{
    gensize_t slots = (model.hi - model.lo - bytes) / align + 1;
    return model.lo + rng_below(slots) * align;
}

/* 1..64 pages from a frame large enough, maybe asking for large pages it will not get. */
static void random_small_map(struct random_counts *c)
{
    gensize_t bytes = (1 + rng_below(64)) * PAGE;
    struct test_frame *f;
    do {
        f = &frames[rng_below(frame_count)];
    } while (f->bytes < bytes);
    gensize_t offset = rng_below((f->bytes - bytes) / PAGE + 1) * PAGE;
    vregion_flags_t flags = random_flags() | (rng_below(4) == 0 ? F_LARGE : 0);
    c->refused += !do_map(f, offset, random_vaddr(bytes, PAGE), bytes, flags);
    c->maps++;
}

/* One or two large pages at a large-aligned address; sometimes a few pages short (the last one
 * then falls back to base pages). */
static void random_large_map(struct random_counts *c)
{
    gensize_t large = large_bytes();
    const struct test_frame *f = &frames[POOL_LARGE];
    gensize_t count = 1 + rng_below(2);
    gensize_t offset = count == 2 ? 0 : rng_below(2) * large;
    gensize_t bytes = count * large - (rng_below(4) == 0 ? rng_below(8) * PAGE : 0);
    c->refused +=
        !do_map(f, offset, random_vaddr(count * large, large), bytes, random_flags() | F_LARGE);
    c->maps++;
}

/* A random range of the window: mostly short, sometimes long; holes welcome. */
static void random_range(genvaddr_t *vaddr, gensize_t *bytes)
{
    gensize_t max_pages = rng_below(10) == 0 ? 4096 : 128;
    *bytes = (1 + rng_below(max_pages)) * PAGE;
    if (*bytes > model.hi - model.lo) {
        *bytes = model.hi - model.lo;
    }
    *vaddr = random_vaddr(*bytes, PAGE);
}

static void random_lookup(struct random_counts *c)
{
    genvaddr_t va = random_vaddr(PAGE, PAGE);
    note("lookup %#llx", (ull)va);
    const struct range *r = model_find(va);
    if (r != NULL) {
        check_page(r, va);
    } else {
        check_absent(va);
    }
    c->lookups++;
}

static void random_op(struct random_counts *c)
{
    genvaddr_t vaddr;
    gensize_t bytes;
    uint64_t pick = rng_below(100);
    if (pick < 32) {
        random_small_map(c);
    } else if (pick < 40) {
        random_large_map(c);
    } else if (pick < 62) {
        random_range(&vaddr, &bytes);
        do_unmap(vaddr, bytes);
        c->unmaps++;
    } else if (pick < 85) {
        random_range(&vaddr, &bytes);
        do_modify(vaddr, bytes, random_flags());
        c->modifies++;
    } else {
        random_lookup(c);
    }
}

/* One round: RANDOM_OPS operations, the oracle every RANDOM_CHECK_EVERY and at the end. */
static void random_round(uint64_t seed, struct random_counts *c)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    make_pool();
    for (c->ops = 0; c->ops < RANDOM_OPS; c->ops++) {
        snprintf(where_prefix, sizeof(where_prefix), "seed %#llx op %zu: ", (ull)seed, c->ops);
        random_op(c);
        if ((c->ops + 1) % RANDOM_CHECK_EVERY == 0) {
            strncat(where, " (then a model check)", sizeof(where) - strlen(where) - 1);
            check_against_model();
            c->checks++;
        }
    }
    snprintf(where_prefix, sizeof(where_prefix), "seed %#llx end: ", (ull)seed);
    note("every page of the window");
    check_every_page(model.lo, model.hi);
    check_against_model();
    c->checks++;
}

static int random_rounds = RANDOM_ROUNDS_DEFAULT;

/* Maps count single pages from va on, each its own run. */
static void map_pages_singly(const struct test_frame *f, genvaddr_t va, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        ck_assert_ok(pmap_map(&test_pmap, va + i * PAGE, f->cap, 0, PAGE, F_RW));
    }
}

/*
 * Metadata comes back when the maps go, the window's addresses are used again, and a map and
 * an unmap in turn around a block boundary do not map and unmap a block each time.
 */
START_TEST(idle_metadata_comes_back_without_churning)
{
    start();
    struct test_frame *f = new_frame(PAGE, PAGE);
    struct pmap_stats before, peak, s;
    pmap_get_stats(&test_pmap, &before);
    const size_t count = 6000;
    map_pages_singly(f, TEST_VA, count);
    pmap_get_stats(&test_pmap, &peak);
    genvaddr_t peak_next = test_pmap.meta_next;
    ck_assert_uint_ge(peak.meta_blocks, before.meta_blocks + 5);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, count * PAGE));
    pmap_get_stats(&test_pmap, &s);
    ck_assert_uint_le(s.meta_blocks, before.meta_blocks + PMAP_SHRINK_SLACK_BLOCKS);
    check_against_model(); /* nothing mapped; the metadata's blocks, holes and tables agree */
    /* The same maps again fit in the window's addresses of the first time. */
    map_pages_singly(f, TEST_VA, count);
    ck_assert_uint_le(test_pmap.meta_next, peak_next);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, count * PAGE));
    /* Map page by page up to the first refill: the last map took the new block's first node. */
    pmap_get_stats(&test_pmap, &s);
    size_t blocks = s.meta_blocks;
    genvaddr_t va = TEST_VA;
    for (; s.meta_blocks == blocks; va += PAGE) {
        ck_assert_uint_lt(va, TEST_VA + count * PAGE);
        ck_assert_ok(pmap_map(&test_pmap, va, f->cap, 0, PAGE, F_RW));
        pmap_get_stats(&test_pmap, &s);
    }
    genvaddr_t last = va - PAGE;
    blocks = s.meta_blocks;
    size_t changes = 0;
    for (int i = 0; i < 1000; i++) {
        ck_assert_ok(pmap_unmap(&test_pmap, last, PAGE));
        pmap_get_stats(&test_pmap, &s);
        changes += s.meta_blocks != blocks;
        ck_assert_ok(pmap_map(&test_pmap, last, f->cap, 0, PAGE, F_RW));
        pmap_get_stats(&test_pmap, &s);
        changes += s.meta_blocks != blocks;
    }
    ck_assert_uint_eq(changes, 0);
    ck_assert_ok(pmap_unmap(&test_pmap, TEST_VA, va - TEST_VA));
    free_frames();
    assert_no_leaks();
}
END_TEST

START_TEST(random_operations_agree_with_the_model)
{
    uint64_t base_seed = env_u64("PMAP_SEED", DEFAULT_SEED);
    uint64_t seed = base_seed + (uint64_t)_i;
    if (_i == 0) {
        printf("pmap random: seed %#llx (PMAP_SEED), round i uses seed + i\n", (ull)base_seed);
    }
    start();
    if (_i % 2 == 1) { /* odd rounds: a dense 8 MiB window */
        model_reset(TEST_VA - ((genvaddr_t)4 << 20), TEST_VA + ((genvaddr_t)4 << 20));
    }
    struct random_counts c = {0};
    random_round(seed, &c);
    if (_i == random_rounds - 1 || getenv("PMAP_VERBOSE") != NULL) {
        printf("pmap random: round %d seed %#llx: %zu ops (%zu maps, %zu of them refused as "
               "overlapping, "
               "%zu unmaps, %zu modify_flags, %zu lookups), %zu model checks\n",
               _i, (ull)seed, c.ops, c.maps, c.refused, c.unmaps, c.modifies, c.lookups, c.checks);
    }
    if (_i == random_rounds - 1) {
        printf("pmap random: %d rounds x %d ops = %llu operations\n", random_rounds, RANDOM_OPS,
               (ull)random_rounds * RANDOM_OPS);
    }
    fflush(stdout);
    unmap_all_and_check_no_leaks();
}
END_TEST

/* ---- A million pages, one pmap_map each. ---- */

#define MILLION 1000000u

static void boot_big(void)
{
    pmap_boot_with((gensize_t)1 << 30, NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where the pages go: from the first leaf-table border up, below the metadata window. */
static genvaddr_t million_base(void)
{
    gensize_t t = leaf_table_bytes();
    return (layout()->user_min + t - 1) / t * t;
}

/* A million, or what fits below the metadata window (ARMv7: 2 GiB of user space), less 1/8. */
static size_t million_count(void)
{
    gensize_t room = (test_pmap.meta_base - million_base()) / PAGE;
    return room >= MILLION ? MILLION : (size_t)(room / 8 * 7);
}

static void check_million_page(const struct test_frame *f, genvaddr_t va, bool mapped)
{
    if (!mapped) {
        check_absent(va);
        return;
    }
    walk_present(va, f->base, PAGE);
    struct pmap_mapping_info info = lookup_ok(va);
    ck_assert(info.vaddr == va && info.bytes == PAGE && info.offset_bytes == 0);
    ck_assert(capref_equal(info.frame, f->cap) && info.flags == F_RW);
}

/* Every 997th page, the last one, and the pages just outside. */
static void check_million_sample(const struct test_frame *f, size_t count, bool mapped)
{
    genvaddr_t base = million_base();
    for (size_t i = 0; i < count; i += 997) {
        check_million_page(f, base + i * PAGE, mapped);
    }
    check_million_page(f, base + (count - 1) * PAGE, mapped);
    check_absent(base - PAGE);
    check_absent(base + count * PAGE);
}

/* The stats hold count one-page runs over [base, +count pages) and the metadata's. */
static void check_million_stats(size_t count)
{
    size_t meta_tables, meta_runs;
    metadata_needs(&meta_tables, &meta_runs);
    struct table_count tc = {0};
    if (count > 0) {
        table_count_add(&tc, million_base(), count * PAGE, leaf_level());
    }
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    ck_assert_uint_eq(s.mappings, count + meta_runs);
    ck_assert_uint_eq(s.tables, tc.tables + meta_tables);
}

/*
 * After everything is unmapped the pmap holds at most PMAP_SHRINK_SLACK_BLOCKS more metadata
 * blocks than before the maps, each costing its frame, two slots and maybe a table; libcap keeps
 * the L2 CNodes holding those slots and at most one spare.
 */
static void check_metadata_shrank(const struct pmap_stats *before,
                                  const struct resource_counts *held, size_t cnodes)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct resource_counts now;
    resource_counts_take(&now);
    printf("pmap million: after the unmaps %zu metadata blocks (%zu before), %zu slots and "
           "%llu KiB of RAM more than before, %zu L2 CNodes (%zu before)\n",
           s.meta_blocks, before->meta_blocks, now.slots_used - held->slots_used,
           (ull)(held->ram_free - now.ram_free) / 1024, slot_alloc_cnodes(), cnodes);
    ck_assert_uint_le(s.meta_blocks, before->meta_blocks + PMAP_SHRINK_SLACK_BLOCKS);
    size_t extra = s.meta_blocks > before->meta_blocks ? s.meta_blocks - before->meta_blocks : 0;
    size_t extra_tables = s.tables > before->tables ? s.tables - before->tables : 0;
    size_t extra_slots = now.slots_used - held->slots_used;
    ck_assert_uint_le(now.slots_used, held->slots_used + 2 * extra + extra_tables);
    /* Each slot still held may keep its CNode: libcap cannot move capabilities it lent out. */
    size_t extra_cnodes = slot_alloc_cnodes() - cnodes;
    ck_assert_uint_le(extra_cnodes, extra_slots + 1);
    ck_assert_uint_le(held->ram_free - now.ram_free, extra * PMAP_REFILL_BYTES +
                                                         extra_tables * PAGE +
                                                         extra_cnodes * L2_CNODE_BYTES);
}

static void map_million(const struct test_frame *f, size_t count)
{
    genvaddr_t base = million_base();
    for (size_t i = 0; i < count; i++) {
        errval_t err = pmap_map(&test_pmap, base + i * PAGE, f->cap, 0, PAGE, F_RW);
        if (err_is_fail(err)) {
            ck_abort_msg("map of page %zu at %#llx: %s", i, (ull)(base + i * PAGE), errstr(err));
        }
    }
}

/* The first half one page per call, the second in chunks of 64 MiB. */
static void unmap_million(size_t count)
{
    genvaddr_t base = million_base();
    size_t half = count / 2;
    for (size_t i = 0; i < half; i++) {
        errval_t err = pmap_unmap(&test_pmap, base + i * PAGE, PAGE);
        if (err_is_fail(err)) {
            ck_abort_msg("unmap of page %zu: %s", i, errstr(err));
        }
    }
    const size_t chunk = 16384;
    for (size_t i = half; i < count; i += chunk) {
        size_t pages = count - i < chunk ? count - i : chunk;
        ck_assert_ok(pmap_unmap(&test_pmap, base + i * PAGE, pages * PAGE));
    }
}

START_TEST(a_million_pages_one_call_each_and_back_without_a_leak)
{
    start();
    note("million pages");
    size_t count = million_count();
    struct test_frame *f = new_frame(PAGE, PAGE);
    struct pmap_stats before;
    pmap_get_stats(&test_pmap, &before);
    struct resource_counts held;
    resource_counts_take(&held);
    size_t cnodes = slot_alloc_cnodes();
    double t0 = now_seconds();
    map_million(f, count);
    double t1 = now_seconds();
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    size_t min_blocks = count * test_pmap.mapping_slab.obj_bytes / PMAP_REFILL_BYTES;
    ck_assert_uint_ge(s.meta_blocks, min_blocks);
    ck_assert_uint_ge(s.meta_blocks, 100);
    check_million_stats(count);
    check_million_sample(f, count, true);
    double t2 = now_seconds();
    unmap_million(count);
    double t3 = now_seconds();
    check_million_sample(f, count, false);
    check_million_stats(0);
    ck_assert_uint_eq(user_tables(), 0);

    check_metadata_shrank(&before, &held, cnodes);
    printf("pmap million: %zu pages mapped one call each in %.2f s, unmapped (half one call "
           "each, half in 64 MiB calls) in %.2f s; %zu metadata blocks, %zu tables at the peak\n",
           count, t1 - t0, t3 - t2, s.meta_blocks, s.tables);
    fflush(stdout);
    free_frames();
    assert_no_leaks();
}
END_TEST

Suite *pmap_suite(void)
{
    Suite *s = suite_create("pmap");
    TCase *tc = pmap_tcase(s, "deterministic");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, one_page_maps_looks_up_and_unmaps);
    tcase_add_test(tc, a_multi_page_run_is_one_run);
    tcase_add_test(tc, unmapping_the_middle_splits_a_run_in_two);
    tcase_add_test(tc, modify_flags_across_two_runs_splits_both);
    tcase_add_test(tc, unmap_across_a_leaf_table_border);
    tcase_add_test(tc, runs_across_the_border_of_every_table_level);
    tcase_add_test(tc, unmapping_a_page_inside_a_large_page_splits_it);
    tcase_add_test(tc, modify_flags_of_a_page_inside_a_large_page_splits_it);
    tcase_add_test(tc, a_large_aligned_frame_without_the_flag_gets_base_pages);
    tcase_add_test(tc, the_large_flag_falls_back_to_base_pages_where_it_must);
    tcase_add_test(tc, unmapping_everything_reclaims_every_table);
    tcase_add_test(tc, idle_metadata_comes_back_without_churning);

    tc = tcase_create("foreign");
    tcase_add_checked_fixture(tc, boot_foreign, pmap_shutdown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, a_foreign_pmap_ends_with_no_tables_and_no_runs);
    suite_add_tcase(s, tc);

    tc = pmap_tcase(s, "random");
    tcase_set_timeout(tc, 60);
    random_rounds = (int)env_u64("PMAP_ROUNDS", RANDOM_ROUNDS_DEFAULT);
    tcase_add_loop_test(tc, random_operations_agree_with_the_model, 0, random_rounds);

    tc = tcase_create("million");
    tcase_add_checked_fixture(tc, boot_big, pmap_shutdown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_million_pages_one_call_each_and_back_without_a_leak);
    suite_add_tcase(s, tc);
    return s;
}
