/* The hosted platform: the real kernel inside a Linux process, with simulated physical memory. */
#ifndef HOST_MACHINE_H
#define HOST_MACHINE_H

#include <caps/captypes.h>
#include <invocations.h>

struct host_machine_config {
    genpaddr_t phys_base;   /* first simulated physical address; not zero, page-aligned */
    gensize_t ram_bytes;    /* simulated RAM from phys_base on */
    gensize_t device_bytes; /* a device window right after RAM, handed out as PhysAddr */
    uint64_t random_seed;   /* seeds the kernel's treap priorities; 0: from the host clock */
};

#define HOST_MACHINE_DEFAULT_CONFIG                                                                \
    ((struct host_machine_config){                                                                 \
        .phys_base = 0x40000000, .ram_bytes = 64ull << 20, .device_bytes = 1ull << 20})

/*
 * Boots a fresh machine: allocates the simulated memory (lazily, so large
 * sizes cost only what is touched), resets the kernel's state and creates
 * the init domain, whose CSpace gets one RAM capability for all RAM the
 * kernel did not use and one PhysAddr capability for the device window.
 * Any previous machine must have been shut down. Exits the process with a
 * message if the host cannot provide the memory.
 */
void host_machine_boot(const struct host_machine_config *config);

/* Releases the simulated memory. */
void host_machine_shutdown(void);

/* The trap into the kernel: the same words a hardware system call carries. */
struct sysret host_syscall(const uintptr_t regs[SYSCALL_REGS]);

/* The physical range of the RAM capability handed to init, and of the device window. */
genpaddr_t host_machine_free_ram_base(void);
gensize_t host_machine_free_ram_bytes(void);
genpaddr_t host_machine_device_base(void);

/* Where simulated physical address paddr lives in this process (tests use it to peek). */
void *host_machine_phys_ptr(genpaddr_t paddr);

#endif
