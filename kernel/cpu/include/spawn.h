/* Starting init from an ELF image: its CSpace, its address space, its memory. */
#ifndef KERNEL_SPAWN_H
#define KERNEL_SPAWN_H

#include <dispatch.h>
#include <stddef.h>

/* Free physical memory at boot, handed out from the front of each range. */
#define BOOT_MEMORY_RANGES 32
struct boot_memory {
    genpaddr_t base[BOOT_MEMORY_RANGES];
    gensize_t bytes[BOOT_MEMORY_RANGES];
    int count;
};

/* Adds [base, base + bytes) (page-aligned inwards) to the free memory. */
void boot_memory_add(struct boot_memory *mem, genpaddr_t base, gensize_t bytes);

/* Takes bytes aligned to align_bytes; 0 when nothing fits. */
genpaddr_t boot_memory_take(struct boot_memory *mem, gensize_t bytes, gensize_t align_bytes);

/* Removes [base, base + bytes) from the free memory (the kernel image, boot modules). */
void boot_memory_reserve(struct boot_memory *mem, genpaddr_t base, gensize_t bytes);

/*
 * Builds init from the ELF image at elf (elf_bytes long): its Dispatcher
 * (TASKCN_SLOT_DISPATCHER), CSpace, a root table in PAGECN_SLOT_VROOT with
 * tables and frames (as capabilities in PAGECN) for every loadable segment,
 * the stack and the dispatcher frame (also in TASKCN_SLOT_DISPFRAME), and
 * RAM capabilities for all memory left; init is then runnable. Returns
 * init's DCB, or NULL with a message when the image is not a loadable ELF
 * for this machine or memory runs out.
 */
struct dcb *spawn_init(const void *elf, size_t elf_bytes, struct boot_memory *mem);

#endif
