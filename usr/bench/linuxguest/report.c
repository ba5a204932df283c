/* linuxguest's output: figures in guestbench's line format, the console drained after each. */
#include "linuxguest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

uint64_t samples[REPEATS];

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/*
 * The next series starts only when the UART has sent this line: its interrupts would
 * otherwise land inside the measured runs.
 */
static void drain(void)
{
    fflush(stdout);
    tcdrain(STDOUT_FILENO);
}

void report(const char *name, unsigned per)
{
    qsort(samples, REPEATS, sizeof(samples[0]), compare);
    uint64_t scale = counter_scale();
    printf("linuxguest: %-44s %llu %llu %llu\n", name,
           (unsigned long long)(samples[0] * scale / per),
           (unsigned long long)(samples[REPEATS / 2] * scale / per),
           (unsigned long long)(samples[REPEATS - 1] * scale / per));
    drain();
}

void note(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("linuxguest: ", stdout);
    vprintf(format, args);
    fputc('\n', stdout);
    va_end(args);
    drain();
}

void fail(const char *what)
{
    note("failed: %s: %s", what, strerror(errno));
    finish(EXIT_FAILURE);
}

void finish(int status)
{
    drain();
    if (getpid() == 1) { /* only init may stop the machine: run by hand, it just exits */
        sync();
        reboot(RB_POWER_OFF);
        for (;;) {
            pause();
        }
    }
    exit(status);
}
