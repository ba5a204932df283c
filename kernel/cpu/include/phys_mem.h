/* Platform interface: how the kernel reaches physical memory (on host, the simulated memory). */
#ifndef PHYS_MEM_H
#define PHYS_MEM_H

#include <caps/captypes.h>

/* The kernel's pointer to physical address paddr, which must lie in memory the platform has. */
void *phys_to_kernel_ptr(genpaddr_t paddr);

#endif
