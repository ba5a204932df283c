/*
 * Fuzz target mdb: a stream of inserts, removals and queries on the derivation index
 * (kernel/cpu/mdb.c over treap.c), with hand-made capabilities that keep the index's premise
 * (live objects nest), each answer compared with a brute-force model of the same slots, and
 * the treap's invariants (links, order, heap, subtree ends) checked after every change.
 */
#include "fuzz.h"
#include <mdb.h>
#include <string.h>

#define POOL 64
#define ROOTS 2 /* slots [0, ROOTS): PhysAddr regions that stay, the sources of everything else */
#define ROOT_BYTES ((gensize_t)1 << 24)
#define MAX_OPS 256

static struct cte pool[POOL];
static size_t live;

static bool is_live(const struct cte *c)
{
    return !cte_is_empty(c);
}

/* The index's order, as mdb.h defines it: base up, end down, rank up, type, slot address. */
static int model_cmp(const struct cte *a, const struct cte *b)
{
    genpaddr_t ea = cap_end(&a->cap), eb = cap_end(&b->cap);
    uint8_t ra = objtype_info[a->cap.type].rank, rb = objtype_info[b->cap.type].rank;
    if (a->cap.base != b->cap.base) {
        return a->cap.base < b->cap.base ? -1 : 1;
    }
    if (ea != eb) {
        return ea > eb ? -1 : 1;
    }
    if (ra != rb || a->cap.type != b->cap.type) {
        return ra != rb ? (ra < rb ? -1 : 1) : (a->cap.type < b->cap.type ? -1 : 1);
    }
    return a < b ? -1 : a > b ? 1 : 0;
}

/* The brute-force definition: is y a descendant of x (inside it, smaller or of higher rank)? */
static bool model_is_descendant(const struct capability *y, const struct capability *x)
{
    if (cap_is_copy(y, x) || y->base < x->base || cap_end(y) > cap_end(x)) {
        return false;
    }
    return y->bytes < x->bytes || objtype_info[y->type].rank > objtype_info[x->type].rank;
}

static bool overlaps(const struct capability *c, genpaddr_t base, genpaddr_t end)
{
    return c->base < end && base < cap_end(c);
}

/* A live slot chosen by the input (the next live one from where it points); NULL if none. */
static struct cte *pick_live(struct fuzz_input *in, size_t first)
{
    size_t start = first + fuzz_below(in, POOL - first);
    for (size_t i = 0; i < POOL - first; i++) {
        struct cte *c = &pool[first + (start - first + i) % (POOL - first)];
        if (is_live(c)) {
            return c;
        }
    }
    return NULL;
}

static struct cte *free_slot(struct fuzz_input *in)
{
    size_t start = fuzz_below(in, POOL);
    for (size_t i = 0; i < POOL; i++) {
        struct cte *c = &pool[(start + i) % POOL];
        if (!is_live(c)) {
            return c;
        }
    }
    return NULL;
}

static void put(struct cte *c, const struct capability *cap)
{
    memset(c, 0, sizeof(*c));
    c->cap = *cap;
    mdb_insert(c);
    live++;
}

static void take(struct cte *c)
{
    mdb_remove(c);
    memset(c, 0, sizeof(*c));
    live--;
}

/* Any live descendant of x overlapping [base, end), by brute force. */
static bool model_overlap(const struct capability *x, genpaddr_t base, genpaddr_t end)
{
    for (size_t i = 0; i < POOL; i++) {
        if (is_live(&pool[i]) && model_is_descendant(&pool[i].cap, x) &&
            overlaps(&pool[i].cap, base, end)) {
            return true;
        }
    }
    return false;
}

/* A type that may be retyped from parent at this size; Null if the input picks none. */
static enum objtype child_type(struct fuzz_input *in, const struct capability *parent,
                               gensize_t bytes)
{
    enum objtype t = (enum objtype)(1 + fuzz_below(in, ObjType_Num - 1));
    bool same_range = bytes == parent->bytes;
    if (!objtype_may_retype((enum objtype)parent->type, t) ||
        (same_range && objtype_info[t].rank <= objtype_info[parent->type].rank)) {
        return ObjType_Null;
    }
    return t;
}

/* Retypes an aligned part of a live capability, as the kernel would allow: no overlap. */
static void op_add_child(struct fuzz_input *in)
{
    struct cte *parent = pick_live(in, 0);
    struct cte *slot = free_slot(in);
    unsigned shift = (unsigned)fuzz_below(in, 13); /* down to a page of a root in one step */
    if (parent == NULL || slot == NULL || (parent->cap.bytes >> shift) < BASE_PAGE_BYTES) {
        return;
    }
    struct capability cap = parent->cap;
    cap.bytes >>= shift;
    cap.base += fuzz_below(in, (uint64_t)1 << shift) * cap.bytes;
    cap.type = (uint8_t)child_type(in, &parent->cap, cap.bytes);
    if (cap.type != ObjType_Null && !model_overlap(&parent->cap, cap.base, cap_end(&cap))) {
        put(slot, &cap);
    }
}

static void op_copy(struct fuzz_input *in)
{
    struct cte *src = pick_live(in, 0);
    struct cte *slot = free_slot(in);
    if (src != NULL && slot != NULL) {
        struct capability cap = src->cap;
        cap.rights = (caprights_t)fuzz_below(in, CAPRIGHTS_ALLRIGHTS + 1);
        put(slot, &cap);
    }
}

static void op_remove(struct fuzz_input *in)
{
    struct cte *c = pick_live(in, ROOTS);
    if (c != NULL) {
        take(c);
    }
}

/* Marks a slot mapped or not: what mdb_find_mapped_copy looks at. */
static void op_toggle_mapped(struct fuzz_input *in)
{
    struct cte *c = pick_live(in, 0);
    if (c != NULL) {
        c->mapping.pte_count = c->mapping.pte_count != 0 ? 0 : 1;
    }
}

/* The live slots in the model's index order. */
static size_t model_order(const struct cte **order)
{
    size_t n = 0;
    for (size_t i = 0; i < POOL; i++) {
        if (!is_live(&pool[i])) {
            continue;
        }
        size_t at = n++;
        for (; at > 0 && model_cmp(order[at - 1], &pool[i]) > 0; at--) {
            order[at] = order[at - 1];
        }
        order[at] = &pool[i];
    }
    return n;
}

/* The treap's own invariants, the count, and the whole order against the model. */
static void check_index(void)
{
    fuzz_expect(mdb_check_invariants(), "the index's invariants are broken");
    fuzz_expect(mdb_count() == live, "mdb_count %zu, model %zu", mdb_count(), live);
    const struct cte *order[POOL];
    size_t n = model_order(order);
    const struct cte *c = mdb_first();
    for (size_t i = 0; i < n; i++, c = mdb_next(c)) {
        fuzz_expect(c == order[i], "entry %zu in index order is slot %td, the model's %td", i,
                    c == NULL ? -1 : c - pool, order[i] - pool);
    }
    fuzz_expect(c == NULL, "the index lists more than the model's %zu entries", n);
}

/* Every copy of x once, in order; find_copy, has_copies and find_mapped_copy agree. */
static void check_copies(struct fuzz_input *in, const struct capability *x, const struct cte *self)
{
    size_t want = 0;
    bool mapped_other = false;
    const struct cte *except = fuzz_u8(in) & 1 ? self : NULL;
    for (size_t i = 0; i < POOL; i++) {
        bool copy = is_live(&pool[i]) && cap_is_copy(&pool[i].cap, x);
        want += copy;
        mapped_other |= copy && &pool[i] != except && pool[i].mapping.pte_count != 0;
    }
    size_t got = 0;
    const struct cte *prev = NULL;
    for (const struct cte *c = mdb_first_copy(x); c != NULL; prev = c, c = mdb_next_copy(c)) {
        fuzz_expect(is_live(c) && cap_is_copy(&c->cap, x) &&
                        (prev == NULL || model_cmp(prev, c) < 0),
                    "copy listing: slot %td is no copy, or out of order", c - pool);
        got++;
    }
    fuzz_expect(got == want, "listed %zu copies, the model has %zu", got, want);
    const struct cte *other = mdb_find_copy(x, self);
    fuzz_expect(other == NULL ? want == (self != NULL)
                              : other != self && cap_is_copy(&other->cap, x),
                "find_copy: slot %td with %zu copies", other == NULL ? -1 : other - pool, want);
    const struct cte *mapped = mdb_find_mapped_copy(x, except);
    fuzz_expect(mapped == NULL ? !mapped_other
                               : mapped != except && cap_is_copy(&mapped->cap, x) &&
                                     mapped->mapping.pte_count != 0,
                "find_mapped_copy: slot %td, the model %s one", mapped == NULL ? -1 : mapped - pool,
                mapped_other ? "has" : "has no");
}

/* The descendants of x listed in order are exactly the model's. */
static void check_descendants(const struct capability *x)
{
    size_t want = 0;
    for (size_t i = 0; i < POOL; i++) {
        want += is_live(&pool[i]) && model_is_descendant(&pool[i].cap, x);
    }
    size_t got = 0;
    const struct cte *prev = NULL;
    for (const struct cte *d = mdb_first_descendant(x); d != NULL;
         prev = d, d = mdb_next_descendant(x, d)) {
        fuzz_expect(is_live(d) && model_is_descendant(&d->cap, x) &&
                        (prev == NULL || model_cmp(prev, d) < 0),
                    "descendant listing: slot %td is none, or out of order", d - pool);
        got++;
    }
    fuzz_expect(got == want, "listed %zu descendants, the model has %zu", got, want);
}

/* A range around x from the input; the answer is a descendant inside x's part of it, or none. */
static void check_overlap(struct fuzz_input *in, const struct capability *x)
{
    genpaddr_t base = x->base + fuzz_below(in, x->bytes) - fuzz_below(in, 2 * BASE_PAGE_BYTES);
    gensize_t bytes = 1 + fuzz_below(in, 2 * x->bytes);
    genpaddr_t lo = base > x->base ? base : x->base;
    genpaddr_t hi = base + bytes < cap_end(x) ? base + bytes : cap_end(x);
    bool want = lo < hi && model_overlap(x, lo, hi);
    const struct cte *got = mdb_find_overlapping_descendant(x, base, bytes);
    fuzz_expect(got == NULL ? !want
                            : is_live(got) && model_is_descendant(&got->cap, x) &&
                                  overlaps(&got->cap, lo, hi),
                "overlap [%#llx, +%#llx): slot %td, the model %s one", (unsigned long long)base,
                (unsigned long long)bytes, got == NULL ? -1 : got - pool, want ? "has" : "has no");
}

/* The nearest entry before c in index order that reaches past c's base. */
static void check_innermost(const struct cte *c)
{
    const struct cte *order[POOL];
    size_t n = model_order(order);
    const struct cte *want = NULL;
    for (size_t i = 0; i < n && order[i] != c; i++) {
        if (cap_end(&order[i]->cap) > c->cap.base) {
            want = order[i];
        }
    }
    const struct cte *got = mdb_innermost_before(c);
    fuzz_expect(got == want, "innermost_before slot %td: slot %td, the model's %td", c - pool,
                got == NULL ? -1 : got - pool, want == NULL ? -1 : want - pool);
}

/* Queries on a live slot, or on a capability beside it that the index does not hold. */
static void check_queries(struct fuzz_input *in)
{
    const struct cte *c = pick_live(in, 0);
    uint8_t how = fuzz_u8(in);
    struct capability x = c->cap;
    const struct cte *self = c;
    if (how & 1) {
        unsigned shift = 1 + how % 4;
        x.bytes >>= shift;
        x.base += ((how >> 4) % (1u << shift)) * x.bytes;
        self = NULL;
    }
    if (x.bytes < BASE_PAGE_BYTES) {
        return;
    }
    check_copies(in, &x, self);
    check_descendants(&x);
    check_overlap(in, &x);
    if (self != NULL) {
        check_innermost(self);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = fuzz_input_make(data, size);
    memset(pool, 0, sizeof(pool));
    live = 0;
    mdb_init(fuzz_u64(&in));
    for (size_t r = 0; r < ROOTS; r++) {
        put(&pool[r], &(struct capability){.type = ObjType_PhysAddr,
                                           .rights = CAPRIGHTS_ALLRIGHTS,
                                           .base = (r + 1) * 2 * ROOT_BYTES,
                                           .bytes = ROOT_BYTES});
    }
    for (int n = 0; n < MAX_OPS && fuzz_more(&in); n++) {
        switch (fuzz_u8(&in) % 8) {
        case 0:
        case 1:
            op_add_child(&in);
            break;
        case 2:
            op_copy(&in);
            break;
        case 3:
            op_remove(&in);
            break;
        case 4:
            op_toggle_mapped(&in);
            break;
        default:
            check_queries(&in);
            break;
        }
        check_index();
    }
    while (live > 0) {
        take(pick_live(&in, 0));
        check_index();
    }
    return 0;
}
