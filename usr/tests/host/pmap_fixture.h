/* Set-up for the libpmap suites: a booted machine, libcap, a root table and a pmap over it. */
#ifndef HOST_TEST_PMAP_FIXTURE_H
#define HOST_TEST_PMAP_FIXTURE_H

#include "fixture.h"
#include "walker.h"
#include <pmap/pmap.h>

extern struct pmap test_pmap;
extern struct capref test_root; /* the root table test_pmap manages */

/* What libcap and the kernel hold right after libcap_init, before the root and the pmap. */
struct resource_counts {
    size_t slots_used;
    gensize_t ram_free;
    size_t ram_ranges;
    size_t caps_live; /* mdb_count(): every capability in the kernel */
    size_t shared_pages;
};
extern struct resource_counts baseline;
void resource_counts_take(struct resource_counts *ret);

/* Boots a machine of ram_bytes, initialises libcap and a self-paging pmap. */
void pmap_boot_with(gensize_t ram_bytes, const struct pmap_options *options);

/* The same with a whole machine configuration (a device window, say). */
void pmap_boot_config(const struct host_machine_config *config, const struct pmap_options *options);

/* The checked fixture: 256 MiB and default options. */
void pmap_boot(void);
void pmap_shutdown(void);
TCase *pmap_tcase(Suite *s, const char *name);

/* Destroys the pmap and the root; asserts every resource is back to the baseline. */
void assert_no_leaks(void);

/* Suites. */
Suite *pmap_suite(void);
Suite *pmap_errors_suite(void);
Suite *pmap_setup_suite(void);
Suite *pmap_adopt_suite(void);

#endif
