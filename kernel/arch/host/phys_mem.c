/* Simulated physical memory: a lazily backed host mapping at a configurable physical base. */
#include <host_machine.h>
#include <phys_mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "host_internal.h"

static uint8_t *sim_memory;
static genpaddr_t sim_base;
static gensize_t sim_bytes;

void host_phys_mem_create(genpaddr_t base, gensize_t bytes)
{
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        fprintf(stderr, "host: cannot reserve %llu bytes of simulated physical memory\n",
                (unsigned long long)bytes);
        exit(EXIT_FAILURE);
    }
    sim_memory = mem;
    sim_base = base;
    sim_bytes = bytes;
}

void host_phys_mem_destroy(void)
{
    if (sim_memory != NULL) {
        munmap(sim_memory, sim_bytes);
    }
    sim_memory = NULL;
    sim_bytes = 0;
}

void *phys_to_kernel_ptr(genpaddr_t paddr)
{
    if (paddr < sim_base || paddr - sim_base >= sim_bytes) {
        /* A kernel invariant: the kernel only touches memory that capabilities name. */
        fprintf(stderr, "host: kernel touched physical address 0x%llx outside [0x%llx, 0x%llx)\n",
                (unsigned long long)paddr, (unsigned long long)sim_base,
                (unsigned long long)(sim_base + sim_bytes));
        abort();
    }
    return sim_memory + (paddr - sim_base);
}

void *host_machine_phys_ptr(genpaddr_t paddr)
{
    return phys_to_kernel_ptr(paddr);
}
