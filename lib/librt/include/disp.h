/* A domain's dispatcher frame and its dispatch (doc/domains.md). */
#ifndef LIBRT_DISP_H
#define LIBRT_DISP_H

#include <dispatcher.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Called before main with the frame the kernel passed: registers the run
 * upcall (resume where the domain was) and its stack, and the resume code
 * as the critical range, then enables the domain.
 */
void disp_init(struct dispatcher_shared *frame);

/* The domain's own dispatcher frame. */
struct dispatcher_shared *disp_frame(void);

/* A fault as the kernel described it (include/dispatcher.h, DISPATCHER_FAULT_*). */
struct disp_fault {
    uintptr_t vaddr; /* the exact address (page faults) */
    uintptr_t ip;    /* the faulting instruction */
    unsigned kind;
};

/*
 * Runs, disabled, on the exception stack, for each fault of the domain while it is enabled.
 * True: the faulting instruction runs again (the handler made it possible: mapped a page,
 * changed rights). False: the domain ends with the kernel's standard report of that fault.
 */
typedef bool (*disp_exception_handler_t)(const struct disp_fault *fault);

/*
 * Registers handler for the domain's exceptions, on [stack, stack + bytes); NULL: none (a
 * fault ends the domain). The handler must not fault itself (that ends the domain) and must
 * not touch state the faulting code may have been changing (doc/selfpaging.md).
 */
void disp_set_exception_handler(disp_exception_handler_t handler, void *stack, size_t bytes);

#endif
