/* Runs the boot image and libspawn suites under Check. */
#include "spawn_check.h"
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("host kernel: index seed 0x%llx (HOST_SEED)\n",
           (unsigned long long)host_machine_default_seed());
    SRunner *runner = srunner_create(cpio_suite());
    srunner_add_suite(runner, bootmods_suite());
    srunner_add_suite(runner, slot_redirect_suite());
    srunner_add_suite(runner, spawn_elf_suite());
    srunner_add_suite(runner, spawn_load_suite());
    srunner_add_suite(runner, spawn_hostile_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
