/* linuxguest: init of a Linux guest that measures Linux's memory paths with guestbench's counter.
 */
#include "appelli_linux.h"
#include "linuxguest.h"

#include <stdlib.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A loop of known length shows that counter x scale counts instructions on this machine; the
 * fewest of five runs, as a timer tick may fall into one.
 */
static void calibrate(void)
{
    const unsigned long n = 500000;
    uint64_t fewest = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = counter_read();
        counter_spin(n);
        uint64_t ticks = counter_read() - t0;
        fewest = ticks < fewest ? ticks : fewest;
    }
    note("calibration: %lu instructions counted as %llu (%llu ticks)", 2 * n,
         (unsigned long long)(fewest * counter_scale()), (unsigned long long)fewest);
}

/* guestbench's counter in instructions: what the Appel-Li series time with. */
static uint64_t instructions(void)
{
    return counter_read() * counter_scale();
}

static int run(void)
{
    struct utsname name;
    uname(&name);
    note("Linux %s %s; counter %s, %llu instructions per tick", name.release, name.machine,
         COUNTER_NAME, (unsigned long long)counter_scale());
    note("probe: %s", counter_probe_cycle_counter());
    calibrate();
    note("min, median and max instructions of %d runs each", REPEATS);
    bench_mm_ops();
    bench_scaling();
    /* The Appel-Li and userfaultfd series: the same source as linuxbench's native ones. */
    if (appelli_linux(instructions, "linuxguest") != 0) {
        note("failed: a self-paging series (its FAILED line above)");
        return EXIT_FAILURE;
    }
    note("done");
    return EXIT_SUCCESS;
}

/*
 * Linux logs every fault of init that a handler takes (it counts them as unhandled for
 * init), which would put printk into the trap figures: a child process measures.
 */
int main(void)
{
    if (getpid() != 1) {
        return run();
    }
    pid_t child = fork();
    if (child == 0) {
        exit(run());
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child) {
        fail("fork");
    }
    if (!WIFEXITED(status)) {
        note("failed: the benchmark ended by signal %d", WTERMSIG(status));
    }
    finish(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILURE);
}
