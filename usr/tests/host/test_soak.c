/* The soak suite: phases of random pmap, frame and slot operations, each back to the baseline. */
#include "soak.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOAK_SEED_DEFAULT 0x50a4c0deull
#define SOAK_OPS_DEFAULT 16000       /* the bounded run of `make test`: one phase of each kind */
#define SOAK_PHASE_OPS_DEFAULT 4000  /* `make soak` sets 100000 */
#define SOAK_CHECK_EVERY_DEFAULT 200 /* the oracle every this many operations */
#define REHOARD_EVERY 250            /* a starved phase takes back what frees gave it */
#define MAX_HELD_SLOTS 64

static struct {
    uint64_t seed, ops, phase_ops, check_every;
} cfg;

/* What the soak's own libcap operations hold: slots, some with a copy of a pool frame. */
static struct {
    struct capref slot[MAX_HELD_SLOTS];
    int copy_of[MAX_HELD_SLOTS]; /* the pool frame copied in, or -1 */
    size_t count;
} held;

struct soak_counts {
    struct random_counts r;
    size_t scatters, frame_churns, slot_allocs, slot_frees;
};

/* The highest values seen at the oracle's checks, over the whole run, less the soak's hoards. */
static struct {
    size_t meta_blocks, tables, mappings, slots_used, cnodes, caps_live;
    gensize_t ram_used;
} peak;

static struct pmap_stats base_stats;
static struct resource_counts base_counts;
static size_t base_cnodes;

static const char *const kind_name[SOAK_KINDS] = {"wide", "dense", "RAM-starved", "slot-starved"};

#define MAX(a, b) ((a) > (b) ? (a) : (b))

static void note_peak(void)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct resource_counts now;
    resource_counts_take(&now);
    gensize_t hoard_bytes;
    size_t hoard_slots;
    soak_hoarded(&hoard_bytes, &hoard_slots);
    now.ram_free += hoard_bytes;
    now.slots_used -= hoard_slots;
    peak.meta_blocks = MAX(peak.meta_blocks, s.meta_blocks);
    peak.tables = MAX(peak.tables, s.tables);
    peak.mappings = MAX(peak.mappings, s.mappings);
    peak.slots_used = MAX(peak.slots_used, now.slots_used);
    peak.cnodes = MAX(peak.cnodes, slot_alloc_cnodes());
    peak.caps_live = MAX(peak.caps_live, now.caps_live);
    peak.ram_used = MAX(peak.ram_used, base_counts.ram_free - now.ram_free);
}

/* Pool frame i goes: its mappings first, then the frame (revoking the copies held slots have). */
static void free_pool_frame(size_t i)
{
    for (size_t k = model.count; k-- > 0;) {
        if (k < model.count && capref_equal(model.r[k].frame, frames[i].cap)) {
            do_unmap(model.r[k].vaddr, model.r[k].bytes);
        }
    }
    note("frame_free of pool frame %zu", i);
    errval_t err = frame_free(frames[i].cap);
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    for (size_t h = 0; h < held.count; h++) {
        if (held.copy_of[h] == (int)i) {
            struct cap_identity id;
            expect(err_is_fail(cap_identify(held.slot[h], &id)),
                   "%s: the copy in held slot %zu outlived the frame's revoke", where, h);
            held.copy_of[h] = -1;
        }
    }
}

/* A pool frame (not the 64-page one random maps rely on, nor the large one) is replaced. */
static void frame_churn(struct soak_counts *c)
{
    static const size_t churnable[] = {0, 1, 3};
    size_t i = churnable[rng_below(3)];
    free_pool_frame(i);
    gensize_t bytes = (1 + rng_below(64)) * PAGE;
    note("frame_alloc of %#llx bytes for pool frame %zu", (ull)bytes, i);
    size_t used = slot_alloc_used();
    errval_t err;
    while (err_is_fail(err = frame_alloc(&frames[i].cap, bytes, NULL))) {
        expect(slot_alloc_used() == used, "%s: failed (%s) yet kept a slot", where, errstr(err));
        expect(soak_give_back(err), "%s: %s", where, errstr(err));
    }
    struct cap_identity id;
    ck_assert_ok(cap_identify(frames[i].cap, &id));
    expect(id.bytes == bytes, "%s: got %#llx bytes", where, (ull)id.bytes);
    frames[i].base = id.base;
    frames[i].bytes = bytes;
    c->frame_churns++;
}

static void release_held(size_t h)
{
    note("slot_free of held slot %zu", h);
    if (held.copy_of[h] >= 0) {
        ck_assert_ok(cap_delete(held.slot[h]));
    }
    errval_t err = slot_free(held.slot[h]);
    expect(err_is_ok(err), "%s: %s", where, errstr(err));
    held.count--;
    held.slot[h] = held.slot[held.count];
    held.copy_of[h] = held.copy_of[held.count];
}

/* Takes a slot (half the time with a copy of a pool frame in it), or gives one back. */
static void slot_churn(struct soak_counts *c)
{
    if (held.count > 0 && (held.count == MAX_HELD_SLOTS || rng_below(2) == 0)) {
        release_held((size_t)rng_below(held.count));
        c->slot_frees++;
        return;
    }
    size_t h = held.count;
    note("slot_alloc for held slot %zu", h);
    errval_t err;
    while (err_is_fail(err = slot_alloc(&held.slot[h]))) {
        expect(soak_give_back(err), "%s: %s", where, errstr(err));
    }
    held.copy_of[h] = -1;
    held.count++;
    if (rng_below(2) == 0) {
        int i = (int)rng_below(frame_count);
        note("cap_copy of pool frame %d into held slot %zu", i, h);
        ck_assert_ok(cap_copy(held.slot[h], frames[i].cap));
        held.copy_of[h] = i;
    }
    c->slot_allocs++;
}

/*
 * Thousands of one-page runs, every other page from one call each: enough runs to need several
 * metadata blocks more than PMAP_SHRINK_SLACK_BLOCKS, which the phase's end must give back.
 */
static void scatter(struct soak_counts *c)
{
    gensize_t span = model.hi - model.lo;
    size_t pages = (size_t)(span / PAGE / 2) + (size_t)rng_below(span / PAGE / 4);
    genvaddr_t va = random_vaddr(pages * PAGE, PAGE);
    for (size_t i = 0; i < pages; i += 2) {
        c->r.refused += !do_map(&frames[0], 0, va + i * PAGE, PAGE, random_flags());
        c->r.maps++;
    }
    c->scatters++;
}

static void soak_op(struct soak_counts *c)
{
    uint64_t pick = rng_below(1000);
    if (pick < 1) {
        scatter(c);
    } else if (pick < 900) {
        random_op(&c->r);
    } else if (pick < 940) {
        frame_churn(c);
    } else {
        slot_churn(c);
    }
}

static genvaddr_t window_bytes(enum soak_kind kind)
{
    return kind == SOAK_DENSE ? (genvaddr_t)8 << 20 : WINDOW_HI - WINDOW_LO;
}

/* The end of a phase: everything it mapped unmapped, everything it took given back. */
static void end_phase(const char *phase)
{
    snprintf(where_prefix, sizeof(where_prefix), "%s end: ", phase);
    soak_hook(false);
    soak_feed();
    note("every page of the window");
    check_every_page(model.lo, model.hi);
    check_against_model();
    do_unmap(model.lo, model.hi - model.lo);
    ck_assert_uint_eq(model.count, 0);
    check_against_model();
    expect(user_tables() == 0, "%s: %zu user tables left", phase, user_tables());
    while (held.count > 0) {
        release_held(held.count - 1);
    }
    free_frames();
    check_metadata_shrank(phase, &base_stats, &base_counts, base_cnodes);
}

static void run_phase(unsigned p, uint64_t ops)
{
    enum soak_kind kind = (enum soak_kind)(p % SOAK_KINDS);
    uint64_t seed = cfg.seed + p;
    char phase[96];
    snprintf(phase, sizeof(phase), "soak phase %u (%s, seed %#llx)", p, kind_name[kind], (ull)seed);
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    frame_count = 0;
    genvaddr_t half = window_bytes(kind) / 2;
    model_reset(TEST_VA - half, TEST_VA + half);
    make_pool();
    struct soak_counts c = {0};
    size_t failures = soak_starved_failures;
    soak_hook(true);
    for (uint64_t op = 0; op < ops; op++) {
        snprintf(where_prefix, sizeof(where_prefix), "%s op %llu: ", phase, (ull)op);
        if (op % REHOARD_EVERY == 0) {
            soak_starve(kind);
        }
        soak_op(&c);
        if ((op + 1) % cfg.check_every == 0) {
            strncat(where, " (then a model check)", sizeof(where) - strlen(where) - 1);
            check_against_model();
            note_peak();
        }
    }
    end_phase(phase);
    printf("%s: %llu ops (%zu maps, %zu refused as overlapping, %zu unmaps, %zu modify_flags, "
           "%zu lookups, %zu scatters, %zu frame churns, %zu slot allocs, %zu slot frees), %zu "
           "calls ran out "
           "and succeeded after a give-back\n",
           phase, (ull)ops, c.r.maps, c.r.refused, c.r.unmaps, c.r.modifies, c.r.lookups,
           c.scatters, c.frame_churns, c.slot_allocs, c.slot_frees,
           soak_starved_failures - failures);
    fflush(stdout);
}

static void print_final(void)
{
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    struct resource_counts now;
    resource_counts_take(&now);
    printf("soak peak: %zu metadata blocks, %zu tables, %zu runs, %zu slots, %zu L2 CNodes, %zu "
           "capabilities, %llu KiB of RAM in use\n",
           peak.meta_blocks, peak.tables, peak.mappings, peak.slots_used, peak.cnodes,
           peak.caps_live, (ull)peak.ram_used / 1024);
    printf("soak final: %zu metadata blocks (%zu at the start), %zu tables (%zu), %zu slots (%zu), "
           "%zu L2 CNodes (%zu), %zu capabilities (%zu), %llu KiB RAM free (%llu), %zu free "
           "ranges (%zu)\n",
           s.meta_blocks, base_stats.meta_blocks, s.tables, base_stats.tables, now.slots_used,
           base_counts.slots_used, slot_alloc_cnodes(), base_cnodes, now.caps_live,
           base_counts.caps_live, (ull)now.ram_free / 1024, (ull)base_counts.ram_free / 1024,
           now.ram_ranges, base_counts.ram_ranges);
}

START_TEST(phases_of_random_operations_come_back_to_the_baseline)
{
    printf("soak: seed %#llx (SOAK_SEED; phase p uses seed + p), %llu ops (SOAK_OPS) in phases "
           "of %llu (SOAK_PHASE_OPS), the oracle every %llu (SOAK_CHECK_EVERY)\n",
           (ull)cfg.seed, (ull)cfg.ops, (ull)cfg.phase_ops, (ull)cfg.check_every);
    start();
    pmap_get_stats(&test_pmap, &base_stats);
    resource_counts_take(&base_counts);
    base_cnodes = slot_alloc_cnodes();
    unsigned p = 0;
    for (uint64_t done = 0; done < cfg.ops; p++) {
        uint64_t ops = cfg.ops - done < cfg.phase_ops ? cfg.ops - done : cfg.phase_ops;
        run_phase(p, ops);
        done += ops;
    }
    print_final();
    printf("soak: %u phases, %llu operations, every phase back to the baseline\n", p, (ull)cfg.ops);
    fflush(stdout);
    assert_no_leaks();
}
END_TEST

Suite *soak_suite(void)
{
    cfg.seed = env_u64("SOAK_SEED", SOAK_SEED_DEFAULT);
    cfg.ops = env_u64("SOAK_OPS", SOAK_OPS_DEFAULT);
    cfg.phase_ops = env_u64("SOAK_PHASE_OPS", SOAK_PHASE_OPS_DEFAULT);
    cfg.check_every = env_u64("SOAK_CHECK_EVERY", SOAK_CHECK_EVERY_DEFAULT);
    if (cfg.phase_ops == 0 || cfg.check_every == 0) {
        fprintf(stderr, "soak: SOAK_PHASE_OPS and SOAK_CHECK_EVERY must be above 0\n");
        exit(EXIT_FAILURE);
    }
    Suite *s = suite_create("soak");
    TCase *tc = pmap_tcase(s, "phases");
    /* Bounded by the operations asked for: a minute plus a generous 2 ms an operation. */
    tcase_set_timeout(tc, 60.0 + (double)cfg.ops / 500.0);
    tcase_add_test(tc, phases_of_random_operations_come_back_to_the_baseline);
    return s;
}
