/* selfpagebench's counter, reports, failure lines and the fault handler that counts. */
#include "selfpagebench.h"
#include <cycle_counter.h>
#include <stdio.h>
#include <stdlib.h>
#include <vspace/vspace.h>

static _Alignas(16) uint8_t exception_stack[16384];
static bench_serve_t serving;
static volatile uint64_t handled;

static bool on_fault(const struct disp_fault *fault)
{
    handled++;
    return serving != NULL && serving(fault);
}

void bench_handler_init(void)
{
    disp_set_exception_handler(on_fault, exception_stack, sizeof(exception_stack));
}

void bench_serve(bench_serve_t serve)
{
    serving = serve;
}

void trap_count_start(struct trap_count *c)
{
    c->frame_before = ((volatile struct dispatcher_shared *)disp_frame())->faults;
    c->handled_before = handled;
}

void trap_count_check(const struct trap_count *c, const char *series, uint64_t expected)
{
    uint64_t frame = ((volatile struct dispatcher_shared *)disp_frame())->faults - c->frame_before;
    uint64_t own = handled - c->handled_before;
    if (frame != expected || own != expected) {
        printf("selfpagebench: FAILED %s: %llu faults counted by the kernel, %llu by the "
               "handler, %llu expected\n",
               series, (unsigned long long)frame, (unsigned long long)own,
               (unsigned long long)expected);
        exit(1);
    }
}

bool bench_fresh_frame(struct capref *frame, genpaddr_t *base)
{
    static struct frame_run supply;
    return err_is_ok(frame_run_take(&supply, VSPACE_SPARE_RUN, frame, base));
}

uint64_t bench_now(void)
{
    return cycle_counter();
}

void bench_check(errval_t err, const char *what)
{
    if (err_is_fail(err)) {
        char text[200];
        err_format(err, text, sizeof(text));
        printf("selfpagebench: FAILED %s: %s\n", what, text);
        exit(1);
    }
}

static void sort(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++) { /* insertion sort: n is small */
        uint64_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

void bench_report(const char *name, uint64_t *samples, unsigned per)
{
    sort(samples, REPEATS);
    printf("selfpagebench: %-44s %llu %llu %llu\n", name, (unsigned long long)(samples[0] / per),
           (unsigned long long)(samples[REPEATS / 2] / per),
           (unsigned long long)(samples[REPEATS - 1] / per));
}
