/* A booted suite whose tests misbehave on purpose, one per way the runner must not be fooled. */
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <test/booted.h>

static const char *passes(void)
{
    return NULL;
}

static const char *fails(void)
{
    return "the probe fails here (runnerprobe.c:16)";
}

static const char *crashes(void)
{
    volatile uintptr_t address = 0x8; /* a null pointer, hidden from the bounds checks */
    *(volatile int *)address = 1;     /* the kernel ends the domain */
    return NULL;
}

static const char *prints_then_spins(void)
{
    printf("runnerprobe: spinning now\n");
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
    return NULL;
}

static const char *exits_zero_halfway(void)
{
    exit(0);
}

static const char *exits_three(void)
{
    exit(3);
}

static const char *skips_without_a_reason(void)
{
    return booted_test_skip("");
}

static const struct booted_test probes[] = {
    {"RP001", "passes", passes},
    {"RP002", "fails", fails},
    {"RP003", "crashes", crashes},
    {"RP004", "prints a line, then spins", prints_then_spins},
    {"RP005", "calls exit(0) halfway", exits_zero_halfway},
    {"RP006", "calls exit(3)", exits_three},
    {"RP007", "skips without a reason", skips_without_a_reason},
    {NULL, NULL, NULL},
};

static struct pmap self_pmap;

int main(void)
{
    errval_t err = libcap_init();
    if (err_is_ok(err)) {
        err = pmap_init_self(&self_pmap);
    }
    if (err_is_fail(err)) {
        printf("runnerprobe: set-up failed\n");
        return 1;
    }
    static const struct booted_test *const tables[] = {probes, NULL};
    struct booted_run run;
    booted_run_begin(&run, "runnerprobe", &self_pmap, tables);
    booted_run_table(&run, probes);
    return booted_run_end(&run);
}
