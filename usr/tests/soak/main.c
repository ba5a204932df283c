/* The booted soak: phases of random operations, each ending with the counters at the baseline. */
#include "soak.h"
#include <domain_layout.h>
#include <stdio.h>

#define SOAK_SEED 0x50a4b007ull /* phase p uses SOAK_SEED + p */
#define PHASES 6
#define OPS_PER_PHASE 3000

struct pmap self_pmap;

struct counts {
    struct pmap_stats stats;
    size_t slots, cnodes, ram_ranges;
    gensize_t ram_free;
};

static void take(struct counts *c)
{
    pmap_get_stats(&self_pmap, &c->stats);
    c->slots = slot_alloc_used();
    c->cnodes = slot_alloc_cnodes();
    c->ram_free = ram_free_bytes();
    c->ram_ranges = ram_free_ranges();
}

static char verdict[240];

/*
 * Back to the baseline within the bound of doc/pmap.md "Shrinking": at most
 * PMAP_SHRINK_SLACK_BLOCKS more metadata blocks, each holding its frame, two slots and maybe a
 * table; the CNodes of slots still held and one spare; each piece held splitting at most one
 * free range.
 */
static const char *at_baseline(const struct counts *base)
{
    struct counts now;
    take(&now);
    size_t extra = now.stats.meta_blocks > base->stats.meta_blocks
                       ? now.stats.meta_blocks - base->stats.meta_blocks
                       : 0;
    size_t extra_tables =
        now.stats.tables > base->stats.tables ? now.stats.tables - base->stats.tables : 0;
    size_t extra_slots = now.slots - base->slots;
    size_t extra_cnodes = now.cnodes - base->cnodes;
    gensize_t ram_bound =
        extra * PMAP_REFILL_BYTES + extra_tables * BASE_PAGE_BYTES + extra_cnodes * L2_CNODE_BYTES;
    const char *what = NULL;
    if (extra > PMAP_SHRINK_SLACK_BLOCKS) {
        what = "meta_blocks";
    } else if (now.stats.mappings - now.stats.meta_blocks !=
               base->stats.mappings - base->stats.meta_blocks) {
        what = "mappings (runs other than the metadata's)";
    } else if (now.slots > base->slots + 2 * extra + extra_tables) {
        what = "slot_alloc_used";
    } else if (now.cnodes > base->cnodes + extra_slots + 1) {
        what = "slot_alloc_cnodes";
    } else if (base->ram_free - now.ram_free > ram_bound) {
        what = "ram_free_bytes";
    } else if (now.ram_ranges > base->ram_ranges + extra + extra_tables + extra_cnodes) {
        what = "ram_free_ranges";
    }
    if (what == NULL) {
        return NULL;
    }
    snprintf(verdict, sizeof(verdict),
             "%s off the baseline: meta_blocks %zu (%zu), tables %zu (%zu), runs %zu (%zu), slots "
             "%zu (%zu), CNodes %zu (%zu), RAM free %llu KiB (%llu), free ranges %zu (%zu)",
             what, now.stats.meta_blocks, base->stats.meta_blocks, now.stats.tables,
             base->stats.tables, now.stats.mappings, base->stats.mappings, now.slots, base->slots,
             now.cnodes, base->cnodes, (unsigned long long)now.ram_free / 1024,
             (unsigned long long)base->ram_free / 1024, now.ram_ranges, base->ram_ranges);
    return verdict;
}

int main(void)
{
    printf("soak: seeded random pmap and libcap operations, in init\n");
    errval_t err = libcap_init();
    if (err_is_ok(err)) {
        err = pmap_init_self(&self_pmap);
    }
    if (err_is_fail(err)) {
        char text[200];
        err_format(err, text, sizeof(text));
        printf("soak: set-up failed: %s\n", text);
        return 1;
    }
    printf("soak: seed 0x%llx, phase p uses seed + p; %d phases of %d operations\n",
           (unsigned long long)SOAK_SEED, PHASES, OPS_PER_PHASE);
    printf("soak: %d tests\n", PHASES); /* the plan: one verdict per phase */
    struct counts base;
    take(&base);
    int passed = 0, failed = 0;
    for (unsigned p = 0; p < PHASES; p++) {
        const char *why = soak_phase(SOAK_SEED + p, OPS_PER_PHASE);
        const struct soak_tally *t = &soak_tally;
        if (why == NULL) {
            why = at_baseline(&base);
        } else {
            soak_release_all();
        }
        if (why == NULL &&
            t->peak_meta_blocks <= base.stats.meta_blocks + PMAP_SHRINK_SLACK_BLOCKS) {
            /* else a pmap that never gives metadata back would pass */
            why = "the scatter never needed more metadata blocks than the slack";
        }
        if (why == NULL) {
            printf(
                "PASS SK%03u phase %u seed 0x%llx: %u maps, %u page unmaps, %u modify_flags, "
                "%u frees, %u slot ops, %u pages' bytes checked, %u scatters of %u runs (peak %zu "
                "metadata blocks); back to the baseline\n",
                p + 1, p, (unsigned long long)(SOAK_SEED + p), t->maps, t->unmaps, t->modifies,
                t->frees, t->slot_ops, t->pages_checked, t->scatters, SOAK_SCATTER_RUNS,
                t->peak_meta_blocks);
            passed++;
        } else {
            printf("FAIL SK%03u phase %u seed 0x%llx: %s\n", p + 1, p,
                   (unsigned long long)(SOAK_SEED + p), why);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
