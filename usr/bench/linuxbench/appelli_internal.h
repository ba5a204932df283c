/* What appelli_linux.c and appelli_uffd.c share: the samples, the reports and the checks. */
#ifndef APPELLI_INTERNAL_H
#define APPELLI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define APPELLI_REPEATS 201
#define APPELLI_PAGE 4096u

uint64_t appelli_now(void);
uint64_t *appelli_samples(void); /* APPELLI_REPEATS of them */
/* Prints min, median and max of the samples divided by per (sorting them). */
void appelli_report(const char *name, unsigned per);
/* Print a FAILED line and mark the run failed unless the condition holds; return it. */
int appelli_expect(const char *series, uint64_t counted, uint64_t expected);
int appelli_fail_unless(int ok, const char *what);
void appelli_say(const char *what);

/* The pager design's series: userfaultfd served by a handler thread. */
void appelli_uffd(size_t lazy_pages);

#endif
