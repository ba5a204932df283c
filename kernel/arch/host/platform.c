/* The hosted platform's answers to the kernel's platform interface: recorded, not acted on. */
#include <host_machine.h>
#include <platform.h>
#include <stdio.h>
#include <stdlib.h>

#include "host_internal.h"

static bool exited;
static uint64_t exit_status;

void platform_domain_exit(struct dcb *dcb, uint64_t status)
{
    (void)dcb;
    exited = true;
    exit_status = status;
}

void platform_kernel_text(const uint8_t **start, size_t *bytes)
{
    *start = NULL; /* the hosted kernel's text belongs to the Linux process, which guards it */
    *bytes = 0;
}

genpaddr_t platform_loaded_root(void)
{
    return host_loaded_root();
}

_Noreturn void platform_halt(bool failure)
{
    fprintf(stderr, "host: the kernel halted the machine%s\n", failure ? " after a failure" : "");
    exit(failure ? EXIT_FAILURE : EXIT_SUCCESS);
}

void platform_root_table_created(genpaddr_t base)
{
    (void)base; /* the hosted kernel has no half of its own in user address spaces */
}

bool host_machine_exit_status(uint64_t *status)
{
    *status = exit_status;
    return exited;
}

void host_platform_reset(void)
{
    exited = false;
    exit_status = 0;
}
