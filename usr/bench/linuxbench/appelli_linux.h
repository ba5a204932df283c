/* Linux's counterparts of selfpagebench: the Appel-Li series and first touches, plain C. */
#ifndef APPELLI_LINUX_H
#define APPELLI_LINUX_H

#include <stdint.h>

/*
 * Runs every series and prints one line each, "<prefix>: NAME MIN MEDIAN MAX", in the
 * units of clock (linuxbench: nanoseconds; a guest's /init: its instruction counter). Returns 0,
 * or 1 after a FAILED line (a trap count or a value that is not what it should be). Needs
 * nothing but libc and Linux's system calls, so that a static /init can call it too.
 */
int appelli_linux(uint64_t (*clock)(void), const char *prefix);

#endif
