/* libvspace against a model: seeded random regions, accesses, protects, copies and unmaps, with
   every fill and copy counted and every page's frame, rights and contents checked. */
#include "vspace_support.h"
#include <stdlib.h>

#define MODEL_REGIONS 10
#define MODEL_PAGES 6
#define MODEL_FRAMES 4096

/* A region as a user sees it: per page a frame (0: never touched), its rights; frames hold one
   word each (the one at offset 0x40 of the page). */
struct model_region {
    bool live;
    genvaddr_t base;
    int pages;
    bool grouped; /* copied or a copy: its pages may wait without write for an upgrade */
    int frame[MODEL_PAGES];
    vregion_flags_t rights[MODEL_PAGES];
};
static struct model_region mr[MODEL_REGIONS];
static uint32_t frame_value[MODEL_FRAMES];
static bool frame_was_shared[MODEL_FRAMES]; /* may stay without write until written again */
static int next_frame;
static size_t expect_fills, expect_copies;
static uint64_t rng;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int below(int n)
{
    return (int)(next_random() % (uint64_t)n);
}

static int holders(int frame)
{
    int n = 0;
    for (int r = 0; r < MODEL_REGIONS; r++) {
        for (int p = 0; mr[r].live && p < mr[r].pages; p++) {
            n += mr[r].frame[p] == frame;
        }
    }
    return n;
}

static void op_create(struct model_region *m)
{
    m->pages = 1 + below(MODEL_PAGES);
    vregion_flags_t rights = below(4) == 0 ? VS_R : VS_RW;
    ck_assert_ok(vspace_map_anon(&test_vs, (gensize_t)m->pages * VPAGE, rights, &m->base));
    for (int p = 0; p < m->pages; p++) {
        m->frame[p] = 0;
        m->rights[p] = rights;
    }
    m->grouped = false;
    m->live = true;
}

static void op_access(struct model_region *m)
{
    int p = below(m->pages);
    genvaddr_t va = m->base + (genvaddr_t)p * VPAGE + 0x40;
    bool write = below(2) == 0;
    uint32_t v = (uint32_t)next_random();
    if (write && !(m->rights[p] & VREGION_FLAGS_WRITE)) {
        ck_assert_err(vs_access(va, FAULT_WRITE, &v), LIB_ERR_VSPACE_PROTECTED);
        return;
    }
    if (m->frame[p] == 0) {
        m->frame[p] = ++next_frame;
        frame_value[m->frame[p]] = 0;
        expect_fills++;
    } else if (write && holders(m->frame[p]) > 1) {
        int copy = ++next_frame;
        frame_value[copy] = frame_value[m->frame[p]];
        m->frame[p] = copy;
        expect_copies++;
    }
    ck_assert_int_lt(next_frame, MODEL_FRAMES);
    if (write) {
        ck_assert_ok(vs_access(va, FAULT_WRITE, &v));
        frame_value[m->frame[p]] = v;
    } else {
        ck_assert_ok(vs_access(va, FAULT_READ, &v));
        ck_assert_uint_eq(v, frame_value[m->frame[p]]);
    }
}

static void op_protect(struct model_region *m)
{
    int first = below(m->pages), count = 1 + below(m->pages - first);
    vregion_flags_t rights = below(2) == 0 ? VS_R : VS_RW;
    ck_assert_ok(vspace_protect(&test_vs, m->base + (genvaddr_t)first * VPAGE,
                                (gensize_t)count * VPAGE, rights));
    for (int p = first; p < first + count; p++) {
        m->rights[p] = rights;
    }
}

/* Copies whole regions only: a piece protect split off is a region of its own in vspace. */
static void op_copy(struct model_region *m, struct model_region *to)
{
    const struct vspace_region *r = vspace_region_of(&test_vs, m->base);
    if (r->bytes != (gensize_t)m->pages * VPAGE) {
        return;
    }
    *to = *m;
    ck_assert_ok(vspace_copy_on_write(&test_vs, m->base, &to->base));
    m->grouped = to->grouped = true;
    for (int p = 0; p < m->pages; p++) {
        frame_was_shared[m->frame[p]] = true;
    }
}

static void op_unmap(struct model_region *m)
{
    for (genvaddr_t a = m->base; a < m->base + (genvaddr_t)m->pages * VPAGE;) {
        const struct vspace_region *r = vspace_region_of(&test_vs, a);
        genvaddr_t next = r->base + r->bytes;
        ck_assert_ok(vspace_unmap(&test_vs, r->base));
        a = next;
    }
    m->live = false;
}

/* Every page: mapped exactly when touched, to the frame the model says (shared frames are one
   capability), writable exactly when its rights allow and no other region holds the frame. */
static void check_all(void)
{
    struct capref cap_of[MODEL_FRAMES] = {0};
    bool seen[MODEL_FRAMES] = {false};
    size_t distinct = 0;
    for (int r = 0; r < MODEL_REGIONS; r++) {
        for (int p = 0; mr[r].live && p < mr[r].pages; p++) {
            genvaddr_t va = mr[r].base + (genvaddr_t)p * VPAGE;
            struct pmap_mapping_info info;
            int f = mr[r].frame[p];
            if (f == 0) {
                ck_assert_err(pmap_lookup(&test_pmap, va, &info), LIB_ERR_PMAP_NOT_MAPPED);
                continue;
            }
            ck_assert_ok(pmap_lookup(&test_pmap, va, &info));
            vregion_flags_t want = mr[r].rights[p];
            if (holders(f) > 1) {
                want &= ~VREGION_FLAGS_WRITE;
            }
            /* A frame shared once, or a page of a copy-on-write group, regains write at its
               holder's next write (an upgrade). */
            ck_assert(info.flags == want || ((frame_was_shared[f] || mr[r].grouped) &&
                                             info.flags == (want & ~VREGION_FLAGS_WRITE)));
            ck_assert_uint_eq(*vs_word(va + 0x40), frame_value[f]);
            if (!seen[f]) {
                seen[f] = true;
                cap_of[f] = info.frame;
                distinct++;
                for (int g = 1; g < f; g++) { /* no two model frames share a capability */
                    ck_assert(!seen[g] || !capref_equal(cap_of[g], info.frame));
                }
            } else {
                ck_assert(capref_equal(cap_of[f], info.frame));
            }
        }
    }
    struct vspace_stats s;
    vspace_get_stats(&test_vs, &s);
    ck_assert_uint_eq(s.zero_fills, expect_fills);
    ck_assert_uint_eq(s.cow_copies, expect_copies);
    ck_assert_uint_eq(s.frames_owned, distinct);
}

static void random_op(void)
{
    struct model_region *m = &mr[below(MODEL_REGIONS)];
    if (!m->live) {
        op_create(m);
        return;
    }
    int what = below(16);
    if (what < 10) {
        op_access(m);
    } else if (what < 12) {
        op_protect(m);
    } else if (what < 14) {
        struct model_region *to = &mr[below(MODEL_REGIONS)];
        if (!to->live) {
            op_copy(m, to);
        }
    } else {
        op_unmap(m);
    }
}

START_TEST(vspace_follows_the_model)
{
    rng = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    memset(mr, 0, sizeof(mr));
    next_frame = 0;
    memset(frame_was_shared, 0, sizeof(frame_was_shared));
    expect_fills = expect_copies = 0;
    for (int i = 0; i < 1500; i++) {
        random_op();
        if (i % 16 == 0) {
            check_all();
        }
    }
    check_all();
    vspace_assert_no_leaks();
}
END_TEST

Suite *vspace_model_suite(void)
{
    Suite *s = suite_create("vspace model");
    TCase *tc = vspace_tcase(s, "random");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, vspace_follows_the_model, 0, 8);
    return s;
}
