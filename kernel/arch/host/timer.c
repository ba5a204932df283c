/* The hosted timer: a tick a test raises, taken as the booted timers take theirs from user mode. */
#include <dispatch.h>
#include <host_machine.h>

void host_machine_timer_tick(void)
{
    sched_timer_tick();
    sched_leave_kernel(); /* the tick may have made another domain's turn */
}
