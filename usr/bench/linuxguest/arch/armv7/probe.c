/* linuxguest's probe of PMCCNTR, guestbench's counter on ARMv7, from a Linux process. */
#include "linuxguest.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static sigjmp_buf probe_jump;

static void probe_trap(int sig)
{
    (void)sig;
    siglongjmp(probe_jump, 1);
}

/* Linux on ARMv7 leaves PMUSERENR clear unless told otherwise; the probe shows which holds. */
const char *counter_probe_cycle_counter(void)
{
    struct sigaction trap = {.sa_handler = probe_trap}, old;
    sigaction(SIGILL, &trap, &old);
    const char *answer = "PMCCNTR not readable from user mode (SIGILL), so CNTVCT";
    if (!sigsetjmp(probe_jump, 1)) {
        uint32_t v;
        __asm__ volatile("mrc p15, 0, %0, c9, c13, 0" : "=r"(v));
        (void)v;
        answer = "PMCCNTR readable from user mode, CNTVCT used all the same";
    }
    sigaction(SIGILL, &old, NULL);
    return answer;
}
