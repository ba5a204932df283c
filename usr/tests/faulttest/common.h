/* Shared by the fault domains: a pmap over init's own address space. */
#ifndef FAULTTEST_COMMON_H
#define FAULTTEST_COMMON_H

#include <domain_layout.h>
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdio.h>
#include <stdlib.h>

static struct pmap fault_pmap;

/* Says which set-up step failed and why; the domain's status for it. */
static inline int fail(const char *what, errval_t err)
{
    char text[200];
    err_format(err, text, sizeof(text));
    printf("faulttest: %s failed: %s\n", what, text);
    return 2;
}

/* Maps a fresh frame with flags; returns its address and (in *frame) the frame. */
static inline volatile int *map_fresh_page(vregion_flags_t flags, struct capref *frame)
{
    genvaddr_t vaddr;
    if (err_is_fail(libcap_init()) || err_is_fail(pmap_init_self(&fault_pmap)) ||
        err_is_fail(frame_alloc(frame, 4096, NULL)) ||
        err_is_fail(pmap_determine_addr(&fault_pmap, 4096, 4096, &vaddr)) ||
        err_is_fail(pmap_map(&fault_pmap, vaddr, *frame, 0, 4096, flags))) {
        printf("faulttest: set-up failed\n");
        exit(2);
    }
    return (volatile int *)(uintptr_t)vaddr;
}

#endif
