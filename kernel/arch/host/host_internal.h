/* Functions shared between the files of the hosted platform. */
#ifndef HOST_INTERNAL_H
#define HOST_INTERNAL_H

#include <caps/captypes.h>

void host_phys_mem_create(genpaddr_t base, gensize_t bytes);
void host_phys_mem_destroy(void);
void host_platform_reset(void);

/* The root host_machine_load_root loaded last (0: none since boot). */
genpaddr_t host_loaded_root(void);

#endif
