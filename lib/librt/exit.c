/* Ending a domain: exit, abort and failed assertions all end in the exit system call. */
#include <assert.h>
#include <libcap/syscalls.h>
#include <stdio.h>
#include <stdlib.h>

_Noreturn void exit(int status)
{
    sys_exit((uint64_t)(unsigned)status);
    for (;;) {
        /* the kernel does not return from exit */
    }
}

_Noreturn void abort(void)
{
    printf("abort\n");
    exit(134);
}

_Noreturn void assert_failed(const char *expr, const char *file, int line)
{
    printf("assertion failed: %s (%s:%d)\n", expr, file, line);
    exit(134);
}
