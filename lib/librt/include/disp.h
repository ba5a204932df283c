/* A domain's dispatcher frame and its dispatch (doc/domains.md). */
#ifndef LIBRT_DISP_H
#define LIBRT_DISP_H

#include <dispatcher.h>

/*
 * Called before main with the frame the kernel passed: registers the run
 * upcall (resume where the domain was) and its stack, and the resume code
 * as the critical range, then enables the domain.
 */
void disp_init(struct dispatcher_shared *frame);

/* The domain's own dispatcher frame. */
struct dispatcher_shared *disp_frame(void);

#endif
