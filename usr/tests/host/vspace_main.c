/* Runs the libvspace suites under Check. */
#include "vspace_support.h"
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("host kernel: index seed 0x%llx (HOST_SEED)\n",
           (unsigned long long)host_machine_default_seed());
    SRunner *runner = srunner_create(vspace_suite());
    srunner_add_suite(runner, vspace_model_suite());
    srunner_add_suite(runner, vspace_edges_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
