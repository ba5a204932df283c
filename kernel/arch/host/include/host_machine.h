/* The hosted platform: the real kernel inside a Linux process, with simulated physical memory. */
#ifndef HOST_MACHINE_H
#define HOST_MACHINE_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <dispatcher.h>
#include <invocations.h>
#include <stddef.h>

/* A boot module for the hosted machine: the boot copies its bytes into simulated RAM. */
struct host_boot_module {
    const char *name;
    const void *bytes;
    size_t size;
};

struct host_machine_config {
    genpaddr_t phys_base;   /* first simulated physical address; not zero, page-aligned */
    gensize_t ram_bytes;    /* simulated RAM from phys_base on */
    gensize_t device_bytes; /* a device window right after RAM, handed out as PhysAddr */
    uint64_t random_seed; /* seeds the kernel's treap priorities; 0: host_machine_default_seed() */
    bool no_kcheck;       /* benchmarks: no invariant checker after system calls */
    const struct host_boot_module *modules; /* handed to init as on hardware (bootinfo.h) */
    size_t module_count;
};

#define HOST_MACHINE_DEFAULT_CONFIG                                                                \
    ((struct host_machine_config){                                                                 \
        .phys_base = 0x40000000, .ram_bytes = 64ull << 20, .device_bytes = 1ull << 20})

/*
 * Boots a fresh machine: allocates the simulated memory (lazily, so large
 * sizes cost only what is touched), resets the kernel's state and creates
 * the init domain, whose CSpace gets the boot information page and the boot
 * modules (copied into RAM after the CSpace, each from a page boundary) as on
 * hardware, one RAM capability for all RAM the kernel did not use and one
 * PhysAddr capability for the device window.
 * Any previous machine must have been shut down. Exits the process with a
 * message if the host cannot provide the memory.
 */
void host_machine_boot(const struct host_machine_config *config);

/*
 * Makes the root table at root (an address in init's CSpace) the one init
 * runs on, as loading it into the MMU would on hardware: the kernel keeps its
 * own copy (dcb->vroot), which no delete or revoke from init removes.
 * Errors: lookup errors, SYS_ERR_VM_MAP_WRONG_LEVEL if it is not a root table.
 */
errval_t host_machine_load_root(capaddr_t root);

/*
 * The seed of a machine whose config leaves random_seed 0: HOST_SEED from the
 * environment, else HOST_MACHINE_SEED_DEFAULT, so every run of a suite is the
 * same run unless asked otherwise (a suite prints it at its start).
 */
#define HOST_MACHINE_SEED_DEFAULT UINT64_C(0x5eed2024)
uint64_t host_machine_default_seed(void);

/*
 * The user registers of the domain that runs now (the hosted CPU's): a switch between domains
 * saves them into the old domain's dispatcher frame and loads the new one's (doc/domains.md).
 */
struct dispatcher_save_area *host_machine_user_registers(void);

/* Releases the simulated memory. */
void host_machine_shutdown(void);

/* The trap into the kernel: the same words a hardware system call carries. */
struct sysret host_syscall(const uintptr_t regs[SYSCALL_REGS]);

/*
 * The timer's interrupt while the current domain runs in user mode, taken as the booted kernels
 * take it: with more than one domain runnable, the current one is saved and the next one's
 * registers and root are loaded (doc/domains.md, "Scheduling"); alone, it goes on.
 */
void host_machine_timer_tick(void);

/* The physical range of the RAM capability handed to init, and of the device window. */
genpaddr_t host_machine_free_ram_base(void);
gensize_t host_machine_free_ram_bytes(void);
genpaddr_t host_machine_device_base(void);

/* Where the boot information page lies (TASKCN_SLOT_BOOTINFO's frame). */
genpaddr_t host_machine_bootinfo_base(void);

/*
 * The maintenance log: every TLB flush and cache clean the kernel asked
 * for since boot or the last reset, in order (QEMU models no caches, so
 * this is where a missing clean shows). Only the first 4096 are kept;
 * the count goes on.
 */
enum host_maintenance_kind {
    HOST_TLB_FLUSH_RANGE, /* addr, bytes: virtual range in the address space of root */
    HOST_TLB_FLUSH_ALL,
    HOST_CACHE_CLEAN, /* addr, bytes: physical range cleaned to memory */
};

struct host_maintenance_event {
    enum host_maintenance_kind kind;
    genpaddr_t root;
    uint64_t addr;
    uint64_t bytes;
};

size_t host_maintenance_count(void);
const struct host_maintenance_event *host_maintenance_event(size_t index);
void host_maintenance_reset(void);

/*
 * Sends the kernel console into buf (NUL-terminated, truncated when full)
 * instead of stdout, from an empty buffer on; a NULL buf sends it back.
 */
void host_console_capture(char *buf, size_t bytes);

/*
 * The hosted MMU: translates vaddr through the page tables rooted at the
 * physical address root, as the hardware would (with the kernel's entry
 * formats), and returns the byte's place in this process; NULL if vaddr
 * does not translate.
 */
void *host_mmu_translate(genpaddr_t root, uint64_t vaddr);

/*
 * A view of [vaddr, vaddr + bytes) in the address space of root, as a domain running on root sees
 * it: host memory whose pages are the simulated frames root's tables map there, aligned to bytes
 * when bytes is a power of two. The views are the hosted TLB: when the kernel flushes a range,
 * each page of a view there that no longer translates to its frame becomes inaccessible, so a
 * late access faults as it would on hardware (metadata libraries reach their memory only this
 * way). NULL if a page does not translate or the arguments are not page-aligned.
 */
void *host_mmu_view(genpaddr_t root, uint64_t vaddr, size_t bytes);

/* Whether init asked to exit (SYSCALL_EXIT) since boot, and with which status. */
bool host_machine_exit_status(uint64_t *status);

/* Where simulated physical address paddr lives in this process (tests use it to peek). */
void *host_machine_phys_ptr(genpaddr_t paddr);

#endif
