/* The reference model of what a pmap maps, and the operations that change the pmap and the model
 * alike. */
#include "pmap_model.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Layout: format-dependent values, decided at run time. ---- */

const struct pmap_layout *layout(void)
{
    return pmap_arch_layout();
}

int leaf_level(void)
{
    return layout()->levels - 1;
}

/* The smallest large page: the deepest level above the leaf that maps frames. */
int large_level(void)
{
    for (int level = leaf_level() - 1; level >= 0; level--) {
        if (layout()->frame_level[level]) {
            return level;
        }
    }
    ck_abort_msg("this layout has no large pages");
    return -1;
}

gensize_t large_bytes(void)
{
    return layout()->span_bytes[large_level()];
}

/* What one leaf table maps. */
gensize_t leaf_table_bytes(void)
{
    return layout()->span_bytes[leaf_level() - 1];
}

int level_of_page(gensize_t page_bytes)
{
    for (int level = 0; level < layout()->levels; level++) {
        if (layout()->span_bytes[level] == page_bytes && layout()->frame_level[level]) {
            return level;
        }
    }
    ck_abort_msg("no level maps pages of %#llx bytes", (ull)page_bytes);
    return -1;
}

bool in_meta_window(genvaddr_t va)
{
    return test_pmap.options.heap_alloc == NULL && va >= test_pmap.meta_base &&
           va < test_pmap.meta_limit;
}

/* ---- Failure context: what was being done, so a failure names the operation. ---- */

char where_prefix[160];
char where[384];

void note(const char *fmt, ...)
{
    size_t n = (size_t)snprintf(where, sizeof(where), "%s", where_prefix);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where + n, sizeof(where) - n, fmt, ap);
    va_end(ap);
}

const char *errstr(errval_t err)
{
    static char buf[256];
    err_format(err, buf, sizeof(buf));
    return buf;
}

/* ---- Frames the tests map, freed before the leak check. ---- */

struct test_frame frames[MAX_FRAMES];
size_t frame_count;

struct test_frame *new_frame(gensize_t bytes, gensize_t align)
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

void free_frames(void)
{
    for (size_t i = 0; i < frame_count; i++) {
        ck_assert_ok(frame_free(frames[i].cap));
    }
    frame_count = 0;
}

/* ---- The reference model: sorted, disjoint ranges of what is mapped. ---- */

struct model model;

void model_reset(genvaddr_t lo, genvaddr_t hi)
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

const struct range *model_find(genvaddr_t vaddr)
{
    size_t i = model_index(vaddr);
    return i < model.count && model.r[i].vaddr <= vaddr ? &model.r[i] : NULL;
}

bool model_overlaps(genvaddr_t vaddr, gensize_t bytes)
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

void model_add(const struct range *r)
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

void model_remove(genvaddr_t vaddr, gensize_t bytes)
{
    size_t first, last;
    model_isolate(vaddr, bytes, &first, &last);
    if (first == last) {
        return; /* nothing to remove (and model.r may still be NULL) */
    }
    memmove(&model.r[first], &model.r[last], (model.count - last) * sizeof(*model.r));
    model.count -= last - first;
}

void model_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags)
{
    size_t first, last;
    model_isolate(vaddr, bytes, &first, &last);
    for (size_t i = first; i < last; i++) {
        model.r[i].flags = flags | (model.r[i].flags & F_LARGE);
    }
}

/* ---- Operations: on the pmap and on the model alike. ---- */

bool (*starved_retry)(errval_t err, genvaddr_t vaddr, gensize_t bytes,
                      const struct user_counts *before);

/* Whether a failed call is to be made again: starved_retry checked it and freed something. */
static bool retry(errval_t err, genvaddr_t vaddr, gensize_t bytes, const struct user_counts *before)
{
    return err_is_fail(err) && starved_retry != NULL && starved_retry(err, vaddr, bytes, before);
}

/* Maps, expecting a refusal exactly when the model overlaps; returns whether it mapped. */
bool do_map(const struct test_frame *f, gensize_t offset, genvaddr_t vaddr, gensize_t bytes,
            vregion_flags_t flags)
{
    note("map [%#llx, +%#llx) frame %#llx+%#llx flags %#x", (ull)vaddr, (ull)bytes, (ull)f->base,
         (ull)offset, flags);
    errval_t err;
    struct user_counts before = {0};
    do {
        if (starved_retry != NULL) {
            user_counts_take(&before);
        }
        err = pmap_map(&test_pmap, vaddr, f->cap, offset, bytes, flags);
    } while (retry(err, vaddr, bytes, &before));
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

void do_unmap(genvaddr_t vaddr, gensize_t bytes)
{
    note("unmap [%#llx, +%#llx)", (ull)vaddr, (ull)bytes);
    errval_t err;
    do {
        err = pmap_unmap(&test_pmap, vaddr, bytes);
    } while (retry(err, vaddr, bytes, NULL));
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    model_remove(vaddr, bytes);
}

void do_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags)
{
    note("modify_flags [%#llx, +%#llx) to %#x", (ull)vaddr, (ull)bytes, flags);
    errval_t err;
    do {
        err = pmap_modify_flags(&test_pmap, vaddr, bytes, flags);
    } while (retry(err, vaddr, bytes, NULL));
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    model_modify(vaddr, bytes, flags);
}
