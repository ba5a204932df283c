/* Platform interface: what the generic kernel asks of the machine beyond memory and maintenance. */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <caps/captypes.h>
#include <dispatch.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The domain asked to exit (or faulted): with a single domain, this ends
 * the machine (QEMU exits with the status); on the host it is recorded.
 */
void platform_domain_exit(struct dcb *dcb, uint64_t status);

/* The kernel's text and read-only data, which nothing may change after boot (host: none). */
void platform_kernel_text(const uint8_t **start, size_t *bytes);

/* The root table the MMU walks now (x86-64: CR3; ARMv7: TTBR0); 0 if none is loaded. */
genpaddr_t platform_loaded_root(void);

/* Stops the machine; failure says whether something went wrong. */
_Noreturn void platform_halt(bool failure);

/* A root page table was just created (zeroed) at base: the kernel's half is added here. */
void platform_root_table_created(genpaddr_t base);

#endif
