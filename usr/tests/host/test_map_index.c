/* The mapping index: the record covering an entry, found from its table and slot alone. */
#include "paging_support.h"
#include <cspace.h>
#include <dispatch.h>
#include <map_index.h>

#define VA ((uint64_t)0x10000000) /* slot 0 of its leaf table in both formats */
#define LEAF (fmt.levels - 1)
#define SLOTS 12

static struct cte *cte_at(capaddr_t addr)
{
    struct cte *cte;
    ck_assert_ok(cspace_lookup_cap(&dcb_current->cspace.cap, addr, &cte));
    return cte;
}

/* Runs at slots [1, 4), [4, 5) and [7, 10) of one leaf table: neighbours, a gap, a tail. */
static const struct {
    cslot_t slot;
    cslot_t count;
} runs[] = {{1, 3}, {4, 1}, {7, 3}};

/* Maps the runs; owner[s] is the copy whose run covers slot s, NULL for empty slots. */
static genpaddr_t map_runs(struct cte *owner[SLOTS])
{
    capaddr_t leaf = table_for(VA, LEAF);
    for (cslot_t s = 0; s < SLOTS; s++) {
        owner[s] = NULL;
    }
    for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
        capaddr_t frame = new_object(ObjType_Frame, runs[r].count * BASE_PAGE_BYTES);
        ck_assert_ok(
            invoke_vnode_map(leaf, runs[r].slot, frame, VREGION_FLAGS_READ, 0, runs[r].count));
        for (cslot_t s = runs[r].slot; s < runs[r].slot + runs[r].count; s++) {
            owner[s] = cte_at(frame);
        }
    }
    return identify(leaf).base;
}

START_TEST(each_entry_finds_the_run_that_covers_it_and_no_other)
{
    struct cte *owner[SLOTS];
    genpaddr_t table = map_runs(owner);
    for (cslot_t s = 0; s < SLOTS; s++) {
        ck_assert_msg(map_index_find(table, s) == owner[s], "slot %u: the copy of another run",
                      (unsigned)s);
    }
}
END_TEST

START_TEST(the_first_record_from_each_slot_is_the_next_run_in_the_table)
{
    struct cte *owner[SLOTS];
    genpaddr_t table = map_runs(owner);
    for (cslot_t s = 0; s < SLOTS; s++) {
        struct cte *want = NULL;
        for (cslot_t t = s; t < SLOTS && want == NULL; t++) {
            if (owner[t] != NULL && owner[t]->mapping.slot == t) {
                want = owner[t];
            }
        }
        struct cte *got = map_index_first_from(table, s);
        if (want == NULL) {
            ck_assert_msg(got == NULL || got->mapping.table_base != table, "slot %u", (unsigned)s);
        } else {
            ck_assert_msg(got == want, "slot %u: not the next run", (unsigned)s);
        }
    }
}
END_TEST

Suite *map_index_suite(void)
{
    Suite *s = suite_create("mapping index");
    TCase *tc = paging_tcase(s, "lookup");
    tcase_add_test(tc, each_entry_finds_the_run_that_covers_it_and_no_other);
    tcase_add_test(tc, the_first_record_from_each_slot_is_the_next_run_in_the_table);
    return s;
}
