/* The demo's parts (demo.c, share.c, lazy.c): what `make run` shows. */
#ifndef DEMO_H
#define DEMO_H

#include <libcap/libcap.h>
#include <pmap/pmap.h>

/* Prints what was done and "ok" or the error chain. */
void demo_check(const char *what, errval_t err);

/* Two children from the boot image (demochild) share one frame with init, then end. */
void demo_share(struct pmap *pmap);

/* A lazily filled array: libvspace and the domain's own fault handler (lazy.c). */
void demo_lazy(struct pmap *pmap);

#endif
