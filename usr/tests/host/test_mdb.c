/* Unit tests of the derivation index (mdb.c) on hand-made capabilities, without syscalls. */
#include "fixture.h"
#include <inttypes.h>
#include <mdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MDB_PRIORITY_SEED 0x7e57
#define KIB ((gensize_t)1024)
#define MIB (1024 * KIB)

/* Fills the slot with a capability to [base, base + bytes) and indexes it. */
static struct cte *put(struct cte *cte, enum objtype type, genpaddr_t base, gensize_t bytes)
{
    cte->cap = (struct capability){
        .type = type,
        .rights = CAPRIGHTS_ALLRIGHTS,
        .base = base,
        .bytes = bytes,
    };
    mdb_insert(cte);
    return cte;
}

/* Fills the slot with a copy of src carrying the given rights, and indexes it. */
static struct cte *put_copy(struct cte *cte, const struct cte *src, caprights_t rights)
{
    cte->cap = src->cap;
    cte->cap.rights = rights;
    mdb_insert(cte);
    return cte;
}

/* Unindexes the slot and empties it. */
static void take(struct cte *cte)
{
    mdb_remove(cte);
    cte->cap = (struct capability){.type = ObjType_Null};
}

/* The brute-force definition: is y a descendant of x? */
static bool model_is_descendant(const struct capability *y, const struct capability *x)
{
    if (cap_is_copy(y, x) || y->base < x->base || cap_end(y) > cap_end(x)) {
        return false;
    }
    return y->bytes < x->bytes || objtype_info[y->type].rank > objtype_info[x->type].rank;
}

static bool overlaps(const struct capability *c, genpaddr_t base, gensize_t bytes)
{
    return c->base < base + bytes && base < cap_end(c);
}

/* ---- Hand-built scenarios ---- */

/*
 * R is RAM [0x100000, +64 KiB) with a copy RC; R1 is RAM over R's first 16 KiB; F a Frame
 * inside R1 (not at its base); G a Frame elsewhere in R. LOW ends where R begins and HIGH
 * (with its Frame HIGH_F at its base) begins where R ends: neighbours, never descendants.
 */
enum { R, RC, R1, F, G, LOW, HIGH, HIGH_F, SCENARIO_SLOTS };

#define R_BASE ((genpaddr_t)0x100000)

/* Builds the scenario in a fresh index, inserting children before their ancestors. */
static struct cte *scenario(void)
{
    struct cte *s = calloc(SCENARIO_SLOTS, sizeof(*s));
    ck_assert_ptr_nonnull(s);
    mdb_init(MDB_PRIORITY_SEED);
    put(&s[F], ObjType_Frame, R_BASE + 0x1000, 4 * KIB);
    put(&s[HIGH_F], ObjType_Frame, R_BASE + 64 * KIB, 4 * KIB);
    put(&s[R], ObjType_RAM, R_BASE, 64 * KIB);
    put(&s[LOW], ObjType_RAM, R_BASE - 64 * KIB, 64 * KIB);
    put(&s[G], ObjType_Frame, R_BASE + 0x8000, 8 * KIB);
    put_copy(&s[RC], &s[R], CAPRIGHTS_ALLRIGHTS);
    put(&s[HIGH], ObjType_RAM, R_BASE + 64 * KIB, 64 * KIB);
    put(&s[R1], ObjType_RAM, R_BASE, 16 * KIB);
    ck_assert_uint_eq(mdb_count(), SCENARIO_SLOTS);
    ck_assert(mdb_check_invariants());
    return s;
}

/* The overlapping descendant of s[anc] in [base, base + bytes), as a slot number or -1. */
static int overlap_in(const struct cte *s, int anc, genpaddr_t base, gensize_t bytes)
{
    const struct cte *found = mdb_find_overlapping_descendant(&s[anc].cap, base, bytes);
    return found == NULL ? -1 : (int)(found - s);
}

START_TEST(test_empty_index)
{
    struct capability ram = {.type = ObjType_RAM, .base = R_BASE, .bytes = 64 * KIB};
    mdb_init(MDB_PRIORITY_SEED);
    ck_assert_uint_eq(mdb_count(), 0);
    ck_assert(mdb_check_invariants());
    ck_assert_ptr_null(mdb_find_copy(&ram, NULL));
    ck_assert_ptr_null(mdb_first_descendant(&ram));
    ck_assert_ptr_null(mdb_find_overlapping_descendant(&ram, ram.base, ram.bytes));

    struct cte *s = scenario();
    mdb_init(MDB_PRIORITY_SEED);
    ck_assert_uint_eq(mdb_count(), 0);
    ck_assert(mdb_check_invariants());
    ck_assert_ptr_null(mdb_find_copy(&s[R].cap, NULL));
    free(s);
}
END_TEST

START_TEST(test_copies)
{
    struct cte *s = scenario();
    ck_assert(mdb_has_copies(&s[R]));
    ck_assert(mdb_has_copies(&s[RC]));
    for (int i = R1; i < SCENARIO_SLOTS; i++) {
        ck_assert_msg(!mdb_has_copies(&s[i]), "slot %d has no copies", i);
        ck_assert_ptr_null(mdb_find_copy(&s[i].cap, &s[i]));
        ck_assert_ptr_eq(mdb_find_copy(&s[i].cap, NULL), &s[i]);
    }
    ck_assert_ptr_eq(mdb_find_copy(&s[R].cap, &s[R]), &s[RC]);
    ck_assert_ptr_eq(mdb_find_copy(&s[R].cap, &s[RC]), &s[R]);
    struct cte *any = mdb_find_copy(&s[R].cap, NULL);
    ck_assert(any == &s[R] || any == &s[RC]);

    /* Same base and size but another type, or same type and base but another size: no copy. */
    struct capability other = s[R].cap;
    other.type = ObjType_Frame;
    ck_assert_ptr_null(mdb_find_copy(&other, NULL));
    other = s[R].cap;
    other.bytes = 32 * KIB;
    ck_assert_ptr_null(mdb_find_copy(&other, NULL));

    /* Rights do not matter; removing one copy leaves the other alone. */
    struct cte weak;
    memset(&weak, 0, sizeof(weak));
    put_copy(&weak, &s[F], CAPRIGHTS_READ);
    ck_assert(mdb_has_copies(&s[F]));
    ck_assert_ptr_eq(mdb_find_copy(&s[F].cap, &s[F]), &weak);
    take(&weak);
    take(&s[RC]);
    ck_assert(!mdb_has_copies(&s[R]));
    ck_assert_ptr_null(mdb_find_copy(&s[R].cap, &s[R]));
    ck_assert(mdb_check_invariants());
    free(s);
}
END_TEST

/* Many copies of one object, from slots below and above the source and from other copies: the
   index stays ordered, and every copy is found once, in slot order. */
START_TEST(test_many_copies_stay_in_slot_order)
{
    enum { SLOTS = 41, SOURCE = 20 };
    struct cte *s = calloc(SLOTS + 1, sizeof(*s));
    ck_assert_ptr_nonnull(s);
    put(&s[SLOTS], ObjType_RAM, 0, 4 * MIB); /* a neighbour of another object */
    put(&s[SOURCE], ObjType_Frame, 64 * KIB, 4 * KIB);
    for (int k = 1; k <= SOURCE; k++) {
        put_copy(&s[SOURCE + k], &s[SOURCE], CAPRIGHTS_READ);                      /* above */
        put_copy(&s[SOURCE - k], &s[k % 2 ? SOURCE : SOURCE + k], CAPRIGHTS_READ); /* below */
        ck_assert(mdb_check_invariants());
        int found = 0;
        const struct cte *prev = NULL;
        for (struct cte *c = mdb_first_copy(&s[SOURCE].cap); c != NULL; c = mdb_next_copy(c)) {
            ck_assert(prev == NULL || prev < c);
            prev = c;
            found++;
        }
        ck_assert_int_eq(found, 2 * k + 1);
    }
    ck_assert_uint_eq(mdb_count(), SLOTS + 1);
    for (int i = 0; i <= SLOTS; i++) {
        take(&s[i]);
    }
    ck_assert(mdb_check_invariants());
    free(s);
}
END_TEST

START_TEST(test_descendants)
{
    struct cte *s = scenario();
    const int with[] = {R, RC, R1, HIGH};
    const int without[] = {F, G, LOW, HIGH_F};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(mdb_has_descendants(&s[with[i]]), "slot %d has descendants", with[i]);
        ck_assert_msg(!mdb_has_descendants(&s[without[i]]), "slot %d has none", without[i]);
    }
    /* In index order the first descendant is the lowest, and at equal base the biggest. */
    ck_assert_ptr_eq(mdb_first_descendant(&s[R].cap), &s[R1]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[RC].cap), &s[R1]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[R1].cap), &s[F]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[HIGH].cap), &s[HIGH_F]);

    /* Removing them one by one never exposes a copy or a neighbour as a descendant. */
    take(&s[R1]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[R].cap), &s[F]);
    take(&s[F]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[R].cap), &s[G]);
    take(&s[G]);
    ck_assert_ptr_null(mdb_first_descendant(&s[R].cap));
    ck_assert_ptr_null(mdb_first_descendant(&s[RC].cap));
    ck_assert_ptr_null(mdb_first_descendant(&s[LOW].cap));
    ck_assert(mdb_check_invariants());
    free(s);
}
END_TEST

/* The descendants of s[anc] listed through the index, as slot numbers in index order. */
static int list_descendants(const struct cte *s, int anc, int *out, int max)
{
    int n = 0;
    for (const struct cte *d = mdb_first_descendant(&s[anc].cap); d != NULL;
         d = mdb_next_descendant(&s[anc].cap, d)) {
        ck_assert_int_lt(n, max);
        out[n++] = (int)(d - s);
    }
    return n;
}

START_TEST(test_all_descendants_in_order)
{
    struct cte *s = scenario();
    int got[SCENARIO_SLOTS];
    ck_assert_int_eq(list_descendants(s, R, got, SCENARIO_SLOTS), 3);
    ck_assert_int_eq(got[0], R1);
    ck_assert_int_eq(got[1], F);
    ck_assert_int_eq(got[2], G);
    ck_assert_int_eq(list_descendants(s, RC, got, SCENARIO_SLOTS), 3);
    ck_assert_int_eq(list_descendants(s, R1, got, SCENARIO_SLOTS), 1);
    ck_assert_int_eq(got[0], F);
    ck_assert_int_eq(list_descendants(s, HIGH, got, SCENARIO_SLOTS), 1);
    ck_assert_int_eq(got[0], HIGH_F);
    ck_assert_int_eq(list_descendants(s, LOW, got, SCENARIO_SLOTS), 0);
    ck_assert_int_eq(list_descendants(s, G, got, SCENARIO_SLOTS), 0);
    free(s);
}
END_TEST

START_TEST(test_overlapping_descendant)
{
    struct cte *s = scenario();
    /* Ranges that hit F, nested under R1, without covering R1's base. */
    ck_assert_int_eq(overlap_in(s, R1, R_BASE + 0x1800, 0x10), F);
    ck_assert_int_eq(overlap_in(s, R1, R_BASE + 0xfff, 2), F);
    ck_assert_int_eq(overlap_in(s, R1, R_BASE, 16 * KIB), F);
    int hit = overlap_in(s, R, R_BASE + 0x1000, 4 * KIB);
    ck_assert_msg(hit == R1 || hit == F, "got slot %d", hit);
    ck_assert_int_eq(overlap_in(s, R, R_BASE + 0x3fff, 1), R1);
    ck_assert_int_eq(overlap_in(s, R, R_BASE + 0x7fff, 2), G);
    ck_assert_int_eq(overlap_in(s, RC, R_BASE + 0x9fff, 1), G);

    /* Ranges in R that hit nothing, and parts of R1 beside F. */
    ck_assert_int_eq(overlap_in(s, R, R_BASE + 0x4000, 0x4000), -1);
    ck_assert_int_eq(overlap_in(s, R, R_BASE + 0xa000, 0x6000), -1);
    ck_assert_int_eq(overlap_in(s, R1, R_BASE, 0x1000), -1);
    ck_assert_int_eq(overlap_in(s, R1, R_BASE + 0x2000, 0x2000), -1);
    /* A range reaching past R1 over G: G is R's child, not R1's. */
    ck_assert_int_eq(overlap_in(s, R1, R_BASE + 0x2000, 0x8000), -1);

    /* The queried capability, its copies and its ancestors are never reported. */
    ck_assert_int_eq(overlap_in(s, F, s[F].cap.base, s[F].cap.bytes), -1);
    ck_assert_int_eq(overlap_in(s, G, s[G].cap.base, s[G].cap.bytes), -1);
    ck_assert_int_eq(overlap_in(s, HIGH_F, s[HIGH_F].cap.base, s[HIGH_F].cap.bytes), -1);
    ck_assert_int_eq(overlap_in(s, HIGH, s[HIGH].cap.base, 1), HIGH_F);
    ck_assert_int_eq(overlap_in(s, LOW, s[LOW].cap.base, s[LOW].cap.bytes), -1);
    hit = overlap_in(s, R, R_BASE, 64 * KIB);
    ck_assert_msg(hit == R1 || hit == F || hit == G, "got slot %d", hit);
    take(&s[R1]);
    take(&s[F]);
    take(&s[G]);
    ck_assert_int_eq(overlap_in(s, R, R_BASE, 64 * KIB), -1);
    ck_assert_int_eq(overlap_in(s, RC, R_BASE, 64 * KIB), -1);
    free(s);
}
END_TEST

/* PhysAddr -> RAM -> Frame, all over the same range: ranks 1, 2, 3 order the derivation. */
START_TEST(test_same_range_chain)
{
    enum { P, RA, FR, CHAIN_SLOTS };
    struct cte s[CHAIN_SLOTS];
    memset(s, 0, sizeof(s));
    const genpaddr_t base = 0x400000;
    const gensize_t bytes = 8 * KIB;
    mdb_init(MDB_PRIORITY_SEED);
    put(&s[FR], ObjType_Frame, base, bytes);
    put(&s[P], ObjType_PhysAddr, base, bytes);
    put(&s[RA], ObjType_RAM, base, bytes);
    for (int i = 0; i < CHAIN_SLOTS; i++) {
        ck_assert(!mdb_has_copies(&s[i]));
    }
    ck_assert_ptr_eq(mdb_first_descendant(&s[P].cap), &s[RA]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[RA].cap), &s[FR]);
    ck_assert_ptr_null(mdb_first_descendant(&s[FR].cap));
    int hit = overlap_in(s, P, base, bytes);
    ck_assert_msg(hit == RA || hit == FR, "got slot %d", hit);
    ck_assert_int_eq(overlap_in(s, RA, base + 0x1000, 1), FR);
    ck_assert_int_eq(overlap_in(s, FR, base, bytes), -1);

    /* The Frame is a descendant of the PhysAddr too. */
    take(&s[RA]);
    ck_assert_ptr_eq(mdb_first_descendant(&s[P].cap), &s[FR]);
    ck_assert_int_eq(overlap_in(s, P, base, bytes), FR);

    /* The PhysAddr is not a descendant of the RAM. */
    put(&s[RA], ObjType_RAM, base, bytes);
    take(&s[FR]);
    ck_assert_ptr_null(mdb_first_descendant(&s[RA].cap));
    ck_assert_int_eq(overlap_in(s, RA, base, bytes), -1);
    ck_assert_ptr_eq(mdb_first_descendant(&s[P].cap), &s[RA]);
    ck_assert(mdb_check_invariants());
}
END_TEST

/* ---- Randomized comparison with a brute-force model ---- */

#define POOL_SLOTS 3000
#define ROOTS 4 /* slots [0, ROOTS) hold PhysAddr roots that stay until the end */
#define ROOT_BYTES (16 * MIB)
#define RANDOM_OPS 10000
#define CHECK_EVERY 100
#define SAMPLES 24
#define INSERT_TRIES 8

struct world {
    struct cte *slots;
    size_t live;
    uint64_t rng;
    long step; /* the operation number, for failure messages */
};

/* splitmix64: a small, well-mixed, reproducible generator. */
static uint64_t next_random(struct world *w)
{
    uint64_t z = (w->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(struct world *w, uint64_t n)
{
    return next_random(w) % n;
}

static uint64_t random_seed(void)
{
    const char *env = getenv("MDB_SEED");
    return env != NULL ? strtoull(env, NULL, 0) : UINT64_C(0x5eed2024);
}

static bool is_live(const struct cte *cte)
{
    return !cte_is_empty(cte);
}

/* A live slot (not a root unless roots_too), by rejection sampling. */
static struct cte *random_live(struct world *w, bool roots_too)
{
    size_t first = roots_too ? 0 : ROOTS;
    for (;;) {
        struct cte *c = &w->slots[first + below(w, POOL_SLOTS - first)];
        if (is_live(c)) {
            return c;
        }
    }
}

static struct cte *random_free(struct world *w)
{
    for (;;) {
        struct cte *c = &w->slots[below(w, POOL_SLOTS)];
        if (!is_live(c)) {
            return c;
        }
    }
}

/* Does the model's answer name a live, indexed slot of the pool? */
static bool is_indexed(const struct world *w, const struct cte *c)
{
    return c >= w->slots && c < w->slots + POOL_SLOTS && is_live(c) && c->mdb.in_index;
}

static bool model_has_copy(const struct world *w, const struct cte *x)
{
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        const struct cte *y = &w->slots[i];
        if (y != x && is_live(y) && cap_is_copy(&y->cap, &x->cap)) {
            return true;
        }
    }
    return false;
}

/* The lowest descendant of x, the biggest at equal base; NULL if none. */
static const struct cte *model_first_descendant(const struct world *w, const struct capability *x)
{
    const struct cte *best = NULL;
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        const struct cte *y = &w->slots[i];
        if (!is_live(y) || !model_is_descendant(&y->cap, x)) {
            continue;
        }
        if (best == NULL || y->cap.base < best->cap.base ||
            (y->cap.base == best->cap.base && cap_end(&y->cap) > cap_end(&best->cap))) {
            best = y;
        }
    }
    return best;
}

static bool model_overlap(const struct world *w, const struct capability *x, genpaddr_t base,
                          gensize_t bytes)
{
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        const struct cte *y = &w->slots[i];
        if (is_live(y) && model_is_descendant(&y->cap, x) && overlaps(&y->cap, base, bytes)) {
            return true;
        }
    }
    return false;
}

/* Compares mdb_find_overlapping_descendant with the model; returns the model's answer. */
static bool check_overlap(const struct world *w, const struct capability *x, genpaddr_t base,
                          gensize_t bytes)
{
    bool expected = model_overlap(w, x, base, bytes);
    const struct cte *got = mdb_find_overlapping_descendant(x, base, bytes);
    ck_assert_msg((got != NULL) == expected,
                  "step %ld: overlap of %s [%#" PRIx64 ", +%#" PRIx64 ") in [%#" PRIx64
                  ", +%#" PRIx64 "): expected %d",
                  w->step, objtype_name(x->type), base, bytes, x->base, x->bytes, expected);
    if (got != NULL) {
        ck_assert_msg(is_indexed(w, got) && model_is_descendant(&got->cap, x) &&
                          overlaps(&got->cap, base, bytes),
                      "step %ld: overlap query returned a non-descendant", w->step);
    }
    return expected;
}

static void check_copies(const struct world *w, const struct cte *x)
{
    bool expected = model_has_copy(w, x);
    ck_assert_msg(mdb_has_copies(x) == expected, "step %ld: has_copies", w->step);
    const struct cte *copy = mdb_find_copy(&x->cap, x);
    ck_assert_msg((copy != NULL) == expected, "step %ld: find_copy", w->step);
    if (copy != NULL) {
        ck_assert(copy != x && is_indexed(w, copy) && cap_is_copy(&copy->cap, &x->cap));
    }
    copy = mdb_find_copy(&x->cap, NULL);
    ck_assert(copy != NULL && is_indexed(w, copy) && cap_is_copy(&copy->cap, &x->cap));
}

static void check_first_descendant(const struct world *w, const struct cte *x)
{
    const struct cte *expected = model_first_descendant(w, &x->cap);
    const struct cte *got = mdb_first_descendant(&x->cap);
    ck_assert_msg((got != NULL) == (expected != NULL), "step %ld: first_descendant", w->step);
    ck_assert_int_eq(mdb_has_descendants(x), expected != NULL);
    if (got != NULL) {
        ck_assert(is_indexed(w, got) && model_is_descendant(&got->cap, &x->cap));
        ck_assert_uint_eq(got->cap.base, expected->cap.base);
        ck_assert_uint_eq(cap_end(&got->cap), cap_end(&expected->cap));
    }
}

/* Listing all descendants through the index finds exactly the model's, each once. */
static void check_all_descendants(const struct world *w, const struct cte *x)
{
    size_t expected = 0;
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        const struct cte *y = &w->slots[i];
        expected += is_live(y) && model_is_descendant(&y->cap, &x->cap);
    }
    size_t listed = 0;
    for (const struct cte *d = mdb_first_descendant(&x->cap); d != NULL;
         d = mdb_next_descendant(&x->cap, d)) {
        ck_assert_msg(is_indexed(w, d) && model_is_descendant(&d->cap, &x->cap),
                      "step %ld: listed a non-descendant", w->step);
        listed++;
    }
    ck_assert_msg(listed == expected, "step %ld: listed %zu descendants, model has %zu", w->step,
                  listed, expected);
}

/* A random byte range inside x, and a single byte, against the model. */
static void check_random_overlaps(struct world *w, const struct cte *x)
{
    genpaddr_t base = x->cap.base + below(w, x->cap.bytes);
    gensize_t bytes = 1 + below(w, cap_end(&x->cap) - base);
    check_overlap(w, &x->cap, base, bytes);
    check_overlap(w, &x->cap, base, 1);
}

static void check_against_model(struct world *w)
{
    ck_assert_msg(mdb_count() == w->live, "step %ld: count %zu, live %zu", w->step, mdb_count(),
                  w->live);
    ck_assert_msg(mdb_check_invariants(), "step %ld: invariants", w->step);
    for (int i = 0; i < SAMPLES; i++) {
        struct cte *x = random_live(w, true);
        check_copies(w, x);
        check_first_descendant(w, x);
        check_all_descendants(w, x);
        check_random_overlaps(w, x);
    }
}

/* A type that may be retyped out of parent at the given size; Null if there is none. */
static enum objtype child_type(struct world *w, const struct capability *parent, gensize_t bytes)
{
    bool same = bytes == parent->bytes;
    switch (parent->type) {
    case ObjType_PhysAddr:
        if (!same && below(w, 4) == 0) {
            return ObjType_PhysAddr;
        }
        return below(w, 4) == 0 ? ObjType_DevFrame : ObjType_RAM;
    case ObjType_RAM:
        return same || below(w, 2) == 0 ? ObjType_Frame : ObjType_RAM;
    case ObjType_Frame:
    case ObjType_DevFrame:
        return same ? ObjType_Null : (enum objtype)parent->type;
    default:
        return ObjType_Null;
    }
}

static struct cte *add(struct world *w, enum objtype type, genpaddr_t base, gensize_t bytes)
{
    w->live++;
    return put(random_free(w), type, base, bytes);
}

/* Recursively fills parent with aligned children, while the pool has room up to limit. */
static void subdivide(struct world *w, const struct cte *parent, unsigned depth, size_t limit)
{
    unsigned shift = 1 + (unsigned)below(w, 3);
    gensize_t bytes = parent->cap.bytes >> shift;
    if (depth == 0 || bytes < BASE_PAGE_BYTES) {
        return;
    }
    for (genpaddr_t i = 0; i < ((genpaddr_t)1 << shift) && w->live < limit; i++) {
        enum objtype type = child_type(w, &parent->cap, bytes);
        if (type != ObjType_Null && below(w, 3) != 0) {
            struct cte *child = add(w, type, parent->cap.base + i * bytes, bytes);
            subdivide(w, child, depth - 1, limit);
        }
    }
}

static void add_copy(struct world *w)
{
    const struct cte *src = random_live(w, true);
    w->live++;
    put_copy(random_free(w), src, (caprights_t)below(w, CAPRIGHTS_ALLRIGHTS + 1));
}

/* Retypes a random aligned part of a random live capability, if it is free. */
static bool try_add_child(struct world *w)
{
    const struct capability parent = random_live(w, true)->cap;
    gensize_t bytes = parent.bytes >> below(w, 4);
    if (bytes < BASE_PAGE_BYTES) {
        return false;
    }
    genpaddr_t base = parent.base + below(w, parent.bytes / bytes) * bytes;
    enum objtype type = child_type(w, &parent, bytes);
    if (type == ObjType_Null || check_overlap(w, &parent, base, bytes)) {
        return false;
    }
    add(w, type, base, bytes);
    return true;
}

static void random_step(struct world *w)
{
    unsigned grow_percent = w->live < POOL_SLOTS / 2 ? 65 : 40;
    bool grow = w->live < POOL_SLOTS && below(w, 100) < grow_percent;
    if (!grow && w->live > ROOTS) {
        take(random_live(w, false));
        w->live--;
    } else if (below(w, 5) == 0) {
        add_copy(w);
    } else {
        for (int i = 0; i < INSERT_TRIES && !try_add_child(w); i++) {
        }
    }
}

/* Builds ROOTS PhysAddr regions, each subdivided into a random tree, plus random copies. */
static void build_world(struct world *w)
{
    for (size_t r = 0; r < ROOTS; r++) {
        put(&w->slots[r], ObjType_PhysAddr, (r + 1) * 4 * ROOT_BYTES, ROOT_BYTES);
        w->live++;
    }
    for (size_t r = 0; r < ROOTS; r++) {
        subdivide(w, &w->slots[r], 8, (r + 1) * POOL_SLOTS / (2 * ROOTS));
    }
    for (size_t i = 0; i < POOL_SLOTS / 20; i++) {
        add_copy(w);
    }
}

/* Removes every entry in a random order, checking along the way. */
static void remove_all(struct world *w)
{
    size_t order[POOL_SLOTS];
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        order[i] = i;
    }
    for (size_t i = POOL_SLOTS - 1; i > 0; i--) {
        size_t j = below(w, i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        if (is_live(&w->slots[order[i]])) {
            take(&w->slots[order[i]]);
            w->live--;
        }
        if (i % 250 == 0 && w->live > 0) {
            check_against_model(w);
        }
    }
}

START_TEST(test_random_against_model)
{
    uint64_t seed = random_seed();
    printf("mdb: random test seed %#" PRIx64 " (set MDB_SEED to change it)\n", seed);
    fflush(stdout);
    struct world w = {.slots = calloc(POOL_SLOTS, sizeof(struct cte)), .rng = seed};
    ck_assert_ptr_nonnull(w.slots);
    mdb_init(MDB_PRIORITY_SEED);
    build_world(&w);
    check_against_model(&w);
    for (w.step = 1; w.step <= RANDOM_OPS; w.step++) {
        random_step(&w);
        if (w.step % CHECK_EVERY == 0) {
            check_against_model(&w);
        }
    }
    remove_all(&w);
    ck_assert_uint_eq(w.live, 0);
    ck_assert_uint_eq(mdb_count(), 0);
    ck_assert(mdb_check_invariants());
    free(w.slots);
}
END_TEST

/* ---- Scale ---- */

#define SEQUENTIAL 100000

/*
 * A random treap of n nodes is about 4.3 ln n = 3 log2 n high; 4 log2 n
 * (plus a little for small n) shows the height is logarithmic, not linear.
 */
static void assert_logarithmic_height(size_t n)
{
    size_t log2n = 0;
    while (((size_t)1 << log2n) < n) {
        log2n++;
    }
    ck_assert_msg(mdb_height() <= 4 * log2n + 8, "height %zu for %zu entries", mdb_height(), n);
}

/* Increasing addresses are the worst case for an unbalanced search tree. */
START_TEST(test_sequential_inserts)
{
    struct cte *s = calloc(SEQUENTIAL + 1, sizeof(*s));
    ck_assert_ptr_nonnull(s);
    mdb_init(MDB_PRIORITY_SEED);
    struct cte *root = put(&s[SEQUENTIAL], ObjType_RAM, 0, SEQUENTIAL * BASE_PAGE_BYTES);
    for (size_t i = 0; i < SEQUENTIAL; i++) {
        put(&s[i], ObjType_Frame, i * BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    }
    ck_assert_uint_eq(mdb_count(), SEQUENTIAL + 1);
    ck_assert(mdb_check_invariants());
    assert_logarithmic_height(SEQUENTIAL + 1);
    ck_assert_ptr_eq(mdb_first_descendant(&root->cap), &s[0]);
    for (size_t i = 0; i < SEQUENTIAL; i += 997) {
        genpaddr_t inside = i * BASE_PAGE_BYTES + 123;
        ck_assert_ptr_eq(mdb_find_overlapping_descendant(&root->cap, inside, 1), &s[i]);
        ck_assert_ptr_null(mdb_first_descendant(&s[i].cap));
        ck_assert(!mdb_has_copies(&s[i]));
    }
    for (size_t i = 0; i < SEQUENTIAL; i++) {
        take(&s[i]);
    }
    ck_assert_uint_eq(mdb_count(), 1);
    ck_assert_ptr_null(mdb_first_descendant(&root->cap));
    take(root);
    ck_assert_uint_eq(mdb_count(), 0);
    ck_assert(mdb_check_invariants());
    free(s);
}
END_TEST

/*
 * Slots and addresses chosen against each other (the last slot gets the
 * lowest address, nested ranges shrink towards one end): priorities come
 * from the kernel's generator, so the shape cannot be steered.
 */
START_TEST(test_chosen_slots_cannot_unbalance_the_tree)
{
    struct cte *s = calloc(SEQUENTIAL, sizeof(*s));
    ck_assert_ptr_nonnull(s);
    mdb_init(MDB_PRIORITY_SEED);
    for (size_t i = 0; i < SEQUENTIAL / 2; i++) {
        put(&s[SEQUENTIAL / 2 - 1 - i], ObjType_Frame, i * BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    }
    genpaddr_t top = (genpaddr_t)1 << 40;
    for (size_t i = 0; i < SEQUENTIAL / 2; i++) {
        put(&s[SEQUENTIAL / 2 + i], ObjType_RAM, top + i * BASE_PAGE_BYTES,
            (SEQUENTIAL / 2 - i) * BASE_PAGE_BYTES);
    }
    ck_assert(mdb_check_invariants());
    assert_logarithmic_height(SEQUENTIAL);
    free(s);
}
END_TEST

Suite *mdb_suite(void)
{
    Suite *s = suite_create("mdb");
    TCase *scenarios = tcase_create("scenarios");
    tcase_add_test(scenarios, test_empty_index);
    tcase_add_test(scenarios, test_copies);
    tcase_add_test(scenarios, test_many_copies_stay_in_slot_order);
    tcase_add_test(scenarios, test_descendants);
    tcase_add_test(scenarios, test_all_descendants_in_order);
    tcase_add_test(scenarios, test_overlapping_descendant);
    tcase_add_test(scenarios, test_same_range_chain);
    suite_add_tcase(s, scenarios);
    TCase *randomized = tcase_create("randomized");
    tcase_add_test(randomized, test_random_against_model);
    suite_add_tcase(s, randomized);
    TCase *scale = tcase_create("scale");
    tcase_add_test(scale, test_sequential_inserts);
    tcase_add_test(scale, test_chosen_slots_cannot_unbalance_the_tree);
    suite_add_tcase(s, scale);
    return s;
}
