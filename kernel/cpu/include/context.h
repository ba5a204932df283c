/* A domain's registers in and out of the kernel: what each architecture does at a switch. */
#ifndef KERNEL_CONTEXT_H
#define KERNEL_CONTEXT_H

#include <caps/captypes.h>
#include <dispatcher.h>
#include <stdbool.h>

/* Copies the user registers the kernel was entered with (the entry frame) into area. */
void context_save(struct dispatcher_save_area *area);

/*
 * Makes the entry frame return to area's registers, as user mode with the
 * domain's own flags only. False (nothing changed) when the return would
 * fault in the kernel (x86-64: a non-canonical rip or rsp); the kernel then
 * ends the domain.
 */
bool context_load(const struct dispatcher_save_area *area);

/* Switches the MMU to the root table at root (the TLB of the old one goes). */
void context_switch_root(genpaddr_t root);

#endif
