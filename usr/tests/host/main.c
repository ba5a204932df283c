/* Runs every host suite of the capability core and paging under Check. */
#include "dispatcher_support.h"
#include "fuzz_replay.h"
#include "paging_support.h"
#include <stdio.h>
#include <stdlib.h>

Suite *pager_attacks_suite(void);

int main(void)
{
    printf("host kernel: index seed 0x%llx (HOST_SEED)\n",
           (unsigned long long)host_machine_default_seed());
    SRunner *runner = srunner_create(errors_suite());
    srunner_add_suite(runner, format_suite());
    srunner_add_suite(runner, cspace_suite());
    srunner_add_suite(runner, retype_suite());
    srunner_add_suite(runner, copy_delete_suite());
    srunner_add_suite(runner, identify_suite());
    srunner_add_suite(runner, mdb_suite());
    srunner_add_suite(runner, walker_suite());
    srunner_add_suite(runner, paging_map_suite());
    srunner_add_suite(runner, paging_refusal_suite());
    srunner_add_suite(runner, paging_delete_suite());
    srunner_add_suite(runner, translate_suite());
    srunner_add_suite(runner, map_index_suite());
    srunner_add_suite(runner, identify_mapping_suite());
    srunner_add_suite(runner, split_mapping_suite());
    srunner_add_suite(runner, map_copy_suite());
    srunner_add_suite(runner, trace_suite());
    srunner_add_suite(runner, fdt_suite());
    srunner_add_suite(runner, libcap_suite());
    srunner_add_suite(runner, libcap_dispatcher_suite());
    srunner_add_suite(runner, isolation_suite());
    srunner_add_suite(runner, treap_suite());
    srunner_add_suite(runner, error_order_suite());
    srunner_add_suite(runner, mmu_view_suite());
    srunner_add_suite(runner, fuzz_found_suite());
    srunner_add_suite(runner, syscalls_suite());
    srunner_add_suite(runner, fault_suite());
    srunner_add_suite(runner, spawn_suite());
    srunner_add_suite(runner, dispatcher_suite());
    srunner_add_suite(runner, dispatch_suite());
    srunner_add_suite(runner, endpoint_suite());
    srunner_add_suite(runner, pager_suite());
    srunner_add_suite(runner, pager_attacks_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
