/* Helpers for the paging suites: this format's geometry, slots, RAM and page-table paths. */
#ifndef HOST_TEST_PAGING_SUPPORT_H
#define HOST_TEST_PAGING_SUPPORT_H

#include "fixture.h"
#include "walker.h"

/*
 * The page-table format under test, learned at run time from the walker
 * built for this target: levels from the root (0) down to the leaf table.
 */
struct test_format {
    int levels;
    enum objtype table[4];
    cslot_t entries[4];
    gensize_t span_bytes[4]; /* what one entry of each level maps */
    cslot_t root_user_slots; /* root slots below the kernel's reserved half */
    unsigned entry_bytes;    /* 8 (x86-64) or 4 (ARMv7) */
    bool cleans_cache;       /* ARMv7 cleans written entries to memory */
};

extern struct test_format fmt;

/* Learns fmt from the walker built for this target (no machine needed). */
void paging_learn_format(void);

/* Boots the default machine and learns the format; the fixture of every paging TCase. */
void paging_boot(void);

/* The paging part of paging_boot, for a test that booted a machine of its own. */
void paging_setup_after_boot(void);
TCase *paging_tcase(Suite *s, const char *name);

/* A fresh empty slot (from L2 CNodes the helpers install at L1 slots 8 and up). */
capaddr_t new_slot(void);

/* A new object of type, bytes long, carved from init's RAM above 16 MiB; its slot. */
capaddr_t new_object(enum objtype type, gensize_t bytes);

/* A new object from init's RAM at an address aligned to align_bytes. */
capaddr_t new_aligned_object(enum objtype type, gensize_t bytes, gensize_t align_bytes);

/* The root table of the test address space, made at boot, and its physical base. */
extern capaddr_t root_table;
genpaddr_t root_base(void);

/*
 * Makes (or reuses) the tables from the root down to the table of level
 * `level` that maps vaddr, mapping each into its parent; returns that table.
 */
capaddr_t table_for(uint64_t vaddr, int level);

/* The slot of vaddr in a table of level `level`. */
cslot_t slot_of(uint64_t vaddr, int level);

/* A copy of a table's entries, to prove a refused request changed nothing. */
struct table_snapshot {
    genpaddr_t base;
    gensize_t bytes;
    uint8_t data[16384];
};
void snapshot_take(capaddr_t table, struct table_snapshot *snap);
bool snapshot_unchanged(const struct table_snapshot *snap);

/* Is the frame copy at addr unmapped (an unmap attempt reports SYS_ERR_VM_NOT_MAPPED)? */
bool copy_is_unmapped(capaddr_t table, capaddr_t frame);

/* The suites. */
Suite *paging_map_suite(void);
Suite *paging_refusal_suite(void);
Suite *paging_delete_suite(void);
Suite *map_index_suite(void);
Suite *walker_suite(void);
Suite *translate_suite(void);
Suite *identify_mapping_suite(void);
Suite *split_mapping_suite(void);
Suite *map_copy_suite(void);

#endif
