/* linuxguest's probe of guestbench's counter on x86-64, where both read rdtsc. */
#include "linuxguest.h"

const char *counter_probe_cycle_counter(void)
{
    return "rdtsc, the counter guestbench reads";
}
