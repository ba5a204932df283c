/* Platform interface: how the kernel reaches physical memory (on host, the simulated memory). */
#ifndef PHYS_MEM_H
#define PHYS_MEM_H

#include <caps/captypes.h>

/* The kernel's pointer to physical address paddr, which must lie in memory the platform has. */
void *phys_to_kernel_ptr(genpaddr_t paddr);

/* Zeroes [paddr, paddr + bytes) with the machine's widest stores (retype zeroes every frame it
   makes: a first touch of lazy memory pays for it). */
void phys_zero(genpaddr_t paddr, gensize_t bytes);

#endif
