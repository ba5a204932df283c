/*
 * Simulated physical memory: a lazily backed memory file at a configurable physical base, mapped
 * whole for the kernel and page by page by the hosted MMU's views (mmu_view.c).
 */
#include <host_machine.h>
#include <phys_mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host_internal.h"

static uint8_t *sim_memory;
static genpaddr_t sim_base;
static gensize_t sim_bytes;
static int sim_fd = -1; /* a file, so a page can be mapped at a second place: the views */

void host_phys_mem_create(genpaddr_t base, gensize_t bytes)
{
    int fd = memfd_create("simulated-ram", MFD_CLOEXEC);
    void *mem = MAP_FAILED;
    if (fd >= 0 && ftruncate(fd, (off_t)bytes) == 0) {
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    }
    if (mem == MAP_FAILED) {
        fprintf(stderr, "host: cannot reserve %llu bytes of simulated physical memory\n",
                (unsigned long long)bytes);
        exit(EXIT_FAILURE);
    }
    sim_fd = fd;
    sim_memory = mem;
    sim_base = base;
    sim_bytes = bytes;
}

void host_phys_mem_destroy(void)
{
    host_mmu_views_destroy();
    if (sim_memory != NULL) {
        munmap(sim_memory, sim_bytes);
        close(sim_fd);
    }
    sim_memory = NULL;
    sim_bytes = 0;
    sim_fd = -1;
}

bool host_phys_mem_page_map(void *at, genpaddr_t paddr)
{
    if (paddr < sim_base || paddr - sim_base >= sim_bytes) {
        return false;
    }
    void *p = mmap(at, BASE_PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, sim_fd,
                   (off_t)(paddr - sim_base));
    return p == at;
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

void phys_zero(genpaddr_t paddr, gensize_t bytes)
{
    __builtin_memset(phys_to_kernel_ptr(paddr), 0, bytes);
}
