/* Functions shared between the files of the hosted platform. */
#ifndef HOST_INTERNAL_H
#define HOST_INTERNAL_H

#include <caps/captypes.h>

void host_phys_mem_create(genpaddr_t base, gensize_t bytes);
void host_phys_mem_destroy(void);

/* Maps the simulated page at paddr (page-aligned) at the host page at, over what was there. */
bool host_phys_mem_page_map(void *at, genpaddr_t paddr);

/* The hosted MMU's walk: the physical address vaddr translates to through root's tables. */
bool host_mmu_translate_paddr(genpaddr_t root, uint64_t vaddr, genpaddr_t *paddr);

/* The hosted TLB: the kernel flushed [vaddr, vaddr + bytes) of root's address space, or all. */
void host_mmu_views_flush(genpaddr_t root, uint64_t vaddr, uint64_t bytes);
void host_mmu_views_flush_all(void);

/* Forgets every view, making their pages inaccessible (the machine shuts down). */
void host_mmu_views_destroy(void);
void host_platform_reset(void);

/* The root host_machine_load_root or a switch between domains loaded last (0: none since boot). */
genpaddr_t host_loaded_root(void);
void host_set_loaded_root(genpaddr_t root);

#endif
