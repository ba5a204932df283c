/* selfpagebench's shared pieces: the pmap, the fault handler's hook, the samples and reports. */
#ifndef SELFPAGEBENCH_H
#define SELFPAGEBENCH_H

#include <disp.h>
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stddef.h>
#include <stdint.h>

#define REPEATS 201
#define PAGE BASE_PAGE_BYTES

extern struct pmap bench_pmap;

/* What the registered handler does for the series running now; false ends the domain. */
typedef bool (*bench_serve_t)(const struct disp_fault *fault);

/* Registers the one handler the benchmark uses; it counts every fault, then calls serve. */
void bench_handler_init(void);
void bench_serve(bench_serve_t serve);

/* A series' expected faults, checked against the frame's count and the handler's own. */
struct trap_count {
    uint64_t frame_before;
    uint64_t handled_before;
};
void trap_count_start(struct trap_count *c);
void trap_count_check(const struct trap_count *c, const char *series, uint64_t expected);

/* A fresh zeroed frame for a first touch, taken from runs of VSPACE_SPARE_RUN frames retyped
   at once, as libvspace takes them past its first fills; false if RAM is out. */
bool bench_fresh_frame(struct capref *frame, genpaddr_t *base);

uint64_t bench_now(void);
/* Prints min, median and max of samples[0..REPEATS) divided by per (sorting them), as guestbench
   and linuxguest do: "selfpagebench: NAME MIN MEDIAN MAX". */
void bench_report(const char *name, uint64_t *samples, unsigned per);
void bench_check(errval_t err, const char *what);

void bench_appelli(void);
void bench_lazy(void);
/* The PAGER design: selfpagechild's faults served by this domain as its pager. */
void bench_pager(void);

#endif
