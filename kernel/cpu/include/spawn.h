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

struct spawn_result {
    uint64_t entry;
    uint64_t stack_top;
    genpaddr_t root; /* the root page table to switch to */
};

/*
 * Builds init from the ELF image at elf (elf_bytes long): its CSpace, a
 * root table in PAGECN_SLOT_VROOT with tables and frames (as capabilities
 * in PAGECN) for every loadable segment and the stack, and RAM
 * capabilities for all memory left. Fails with a message (returns false)
 * when the image is not a loadable ELF for this machine or memory runs out.
 */
bool spawn_init(struct dcb *init, const void *elf, size_t elf_bytes, struct boot_memory *mem,
                struct spawn_result *ret);

#endif
