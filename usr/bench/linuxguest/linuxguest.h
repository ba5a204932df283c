/* linuxguest: what the Linux guest benchmark's series share: samples, reports, placement. */
#ifndef LINUXGUEST_H
#define LINUXGUEST_H

#include "counter.h"
#include <stddef.h>
#include <stdint.h>

#define REPEATS 201
#define PAGE 4096u
/* A leaf page table's span in Linux on both architectures; series start on this boundary. */
#define LEAF_SPAN (2u * 1024 * 1024)

/* Counter ticks of the current series' runs, one per run. */
extern uint64_t samples[REPEATS];

/* Prints the series' min, median and max in instructions, each divided by per. */
void report(const char *name, unsigned per);
/* Prints a line that is not a figure, and waits until the console has sent it. */
void note(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Reports what failed with errno's text and stops the guest: no figure follows. */
_Noreturn void fail(const char *what);
/* Ends the benchmark: powers the guest off when this is init, else exits. */
_Noreturn void finish(int status);

/* A LEAF_SPAN-aligned address with bytes free above it; nothing is left mapped there. */
char *place(size_t bytes);
/* mmap at exactly at (MAP_FIXED); fails the benchmark when Linux refuses. */
char *map_at(char *at, size_t bytes, int prot, int flags, int fd);
/* A memfd of the given pages, each written once so that the page cache holds them. */
int memfd_pages(size_t pages);

/* What guestbench's counter is to a Linux process on this architecture. */
const char *counter_probe_cycle_counter(void);

void bench_mm_ops(void);
/* Cost per operation against live mappings (scaling.c): the series "live N: ...". */
void bench_scaling(void);

#endif
