/* The reference model, oracle and random operations the pmap suite and the soak share. */
#ifndef HOST_TEST_PMAP_MODEL_H
#define HOST_TEST_PMAP_MODEL_H

#include "pmap_fixture.h"
#include <stdint.h>

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

/* Layout: format-dependent values, decided at run time. */
const struct pmap_layout *layout(void);
int leaf_level(void);
int large_level(void); /* the smallest large page: the deepest level above the leaf */
gensize_t large_bytes(void);
gensize_t leaf_table_bytes(void); /* what one leaf table maps */
int level_of_page(gensize_t page_bytes);
bool in_meta_window(genvaddr_t va);

/* Failure context: what was being done (where_prefix, then note's text), named on failure. */
extern char where_prefix[160];
extern char where[384];
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errstr(errval_t err);

/* Frames the tests map, freed before the leak check. */
struct test_frame {
    struct capref cap;
    genpaddr_t base;
    gensize_t bytes;
};
#define MAX_FRAMES 16
extern struct test_frame frames[MAX_FRAMES];
extern size_t frame_count;
struct test_frame *new_frame(gensize_t bytes, gensize_t align);
void free_frames(void);

/* The reference model: sorted, disjoint ranges of what is mapped. */
struct range {
    genvaddr_t vaddr;
    gensize_t bytes;
    struct capref frame;
    genpaddr_t frame_base;
    gensize_t offset;      /* into the frame, of vaddr */
    vregion_flags_t flags; /* as pmap_map got them (LARGE kept), then as modify_flags set them */
};
struct model {
    struct range *r;
    size_t count;
    size_t capacity;
    genvaddr_t lo, hi; /* every range lies in [lo, hi); gaps there are checked */
};
extern struct model model;
void model_reset(genvaddr_t lo, genvaddr_t hi);
const struct range *model_find(genvaddr_t vaddr);
bool model_overlaps(genvaddr_t vaddr, gensize_t bytes);
void model_add(const struct range *r);
void model_remove(genvaddr_t vaddr, gensize_t bytes);
void model_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags);

/* Operations on the pmap and on the model alike; do_map expects a refusal exactly on overlap. */
bool do_map(const struct test_frame *f, gensize_t offset, genvaddr_t vaddr, gensize_t bytes,
            vregion_flags_t flags);
void do_unmap(genvaddr_t vaddr, gensize_t bytes);
void do_modify(genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags);
/*
 * For runs on a starved machine (the soak): when set, a do_* call that failed is passed here
 * before the model changes, with the user runs and tables from just before a map (NULL for unmap
 * and modify_flags, which may keep the splits made at their borders: doc/pmap.md); it checks the
 * failure (named, nothing half-done), frees something and returns true to have the same call
 * made again, or false to let the call's checks judge.
 */
struct user_counts {
    size_t runs, tables; /* the pmap's, less the metadata's own */
};
void user_counts_take(struct user_counts *ret);
extern bool (*starved_retry)(errval_t err, genvaddr_t vaddr, gensize_t bytes,
                             const struct user_counts *before);

/* The oracle (pmap_oracle.c). */
struct walk_result walk(genvaddr_t va);
struct pmap_mapping_info lookup_ok(genvaddr_t va);
void check_page(const struct range *r, genvaddr_t va);
void check_absent(genvaddr_t va);
/* Tables that runs need, counted from runs given in address order. */
struct table_count {
    size_t tables;
    bool seen[PMAP_MAX_LEVELS];
    genvaddr_t last[PMAP_MAX_LEVELS]; /* index of the last table counted, per level */
};
void table_count_add(struct table_count *tc, genvaddr_t vaddr, gensize_t bytes, int level);
void metadata_needs(size_t *tables, size_t *runs);
size_t user_tables(void);
void check_against_model(void);
void check_every_page(genvaddr_t lo, genvaddr_t hi);
void unmap_all_and_check_no_leaks(void);
void start(void);
void check_metadata_shrank(const char *who, const struct pmap_stats *before,
                           const struct resource_counts *held, size_t cnodes);

/* Seeded random operations over the model's window (pmap_random.c). */
extern uint64_t rng_state;
uint64_t rng_below(uint64_t n);
uint64_t env_u64(const char *name, uint64_t fallback);
vregion_flags_t random_flags(void);
struct random_counts {
    size_t ops, maps, refused, unmaps, modifies, lookups, checks;
};
/* The frame pool: base-page frames of several sizes and one of two large pages (POOL_LARGE). */
#define POOL_LARGE 4
void make_pool(void);
genvaddr_t random_vaddr(gensize_t bytes, gensize_t align);
void random_range(genvaddr_t *vaddr, gensize_t *bytes);
void random_op(struct random_counts *c);

#endif
