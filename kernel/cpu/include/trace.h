/* Tracing refused invocations: a build option (KERNEL_TRACE_REFUSALS), silent when off. */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <capabilities.h>
#include <dispatch.h>

#ifdef KERNEL_TRACE_REFUSALS
#define KERNEL_TRACE_ON 1
#else
#define KERNEL_TRACE_ON 0
#endif

/*
 * At a refusal: prints the values that failed ("physical address 0x40201000
 * is not aligned to the page size 0x200000"). Type-checked in every build,
 * compiled away unless tracing is on.
 */
#define TRACE_REFUSAL(...)                                                                         \
    do {                                                                                           \
        if (KERNEL_TRACE_ON) {                                                                     \
            trace_refusal_detail(__VA_ARGS__);                                                     \
        }                                                                                          \
    } while (0)

void trace_refusal_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After a refused invocation: what was invoked, with which arguments, and the error. */
void trace_refused_invocation(const struct dcb *dcb, const struct capability *invoked, uint64_t cmd,
                              const uintptr_t *args, errval_t err);

#endif
