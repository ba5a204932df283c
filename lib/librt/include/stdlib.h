/* Process control for domains: exit ends the domain with a status the kernel reports. */
#ifndef LIBRT_STDLIB_H
#define LIBRT_STDLIB_H

#include <stddef.h>

_Noreturn void exit(int status);
_Noreturn void abort(void);

#endif
