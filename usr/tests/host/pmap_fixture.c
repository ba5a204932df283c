/* Set-up for the libpmap suites: a booted machine, libcap, a root table and a pmap over it. */
#include "pmap_fixture.h"
#include <mdb.h>

struct pmap test_pmap;
struct capref test_root;
struct resource_counts baseline;

void resource_counts_take(struct resource_counts *ret)
{
    *ret = (struct resource_counts){
        .slots_used = slot_alloc_used(),
        .ram_free = ram_free_bytes(),
        .ram_ranges = ram_free_ranges(),
        .caps_live = mdb_count(),
        .shared_pages = vnode_shared_pages(),
    };
}

void pmap_boot_with(gensize_t ram_bytes, const struct pmap_options *options)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = ram_bytes;
    pmap_boot_config(&config, options);
}

void pmap_boot_config(const struct host_machine_config *config, const struct pmap_options *options)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(config);
    ck_assert_ok(libcap_init());
    resource_counts_take(&baseline);
    ck_assert_ok(vnode_create(&test_root, pmap_arch_layout()->table_type[0]));
    ck_assert_ok(pmap_init(&test_pmap, test_root, options));
}

void pmap_boot(void)
{
    pmap_boot_with(256ull << 20, NULL);
}

void pmap_shutdown(void)
{
    host_machine_shutdown();
    host_console_capture(NULL, 0);
}

TCase *pmap_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, pmap_boot, pmap_shutdown);
    suite_add_tcase(s, tc);
    return tc;
}

void assert_no_leaks(void)
{
    ck_assert_ok(pmap_destroy(&test_pmap));
    ck_assert_ok(vnode_destroy(test_root));
    struct resource_counts now;
    resource_counts_take(&now);
    ck_assert_uint_eq(now.slots_used, baseline.slots_used);
    ck_assert_uint_eq(now.ram_free, baseline.ram_free);
    ck_assert_uint_eq(now.ram_ranges, baseline.ram_ranges);
    ck_assert_uint_eq(now.caps_live, baseline.caps_live);
    ck_assert_uint_eq(now.shared_pages, baseline.shared_pages);
}
