/* The demo's self-paging part: a 64 MiB array whose pages the domain's own handler fills. */
#include "demo.h"
#include <stdio.h>
#include <vspace/vspace.h>

static struct vspace vs;

void demo_lazy(struct pmap *pmap)
{
    demo_check("vspace_init over init's pmap", vspace_init(&vs, pmap));
    demo_check("vspace_install (fault handler, guards)", vspace_install(&vs, 16384));
    genvaddr_t va = 0;
    demo_check("vspace_map_anon 64 MiB, nothing mapped",
               vspace_map_anon(&vs, 64 << 20, VREGION_FLAGS_READ_WRITE, &va));
    if (va == 0) {
        return;
    }
    volatile uint32_t *squares = (volatile uint32_t *)(uintptr_t)va;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < 100000; i += 1000) {
        squares[i] = (i / 1000) * (i / 1000); /* each new page: one fault, one zeroed frame */
        sum += squares[i];
    }
    struct vspace_stats s;
    vspace_get_stats(&vs, &s);
    printf("demo: wrote 100 squares over 400 KB: %zu pages filled by %zu faults (sum %llu)\n",
           s.zero_fills, s.faults, (unsigned long long)sum);
    vspace_uninstall(&vs);
    demo_check("vspace_destroy", vspace_destroy(&vs));
}
