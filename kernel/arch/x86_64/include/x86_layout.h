/* The x86-64 kernel's address space: where the image, the direct map and user space lie. */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

/* The kernel image runs in the top 2 GiB, at this offset from its physical address. */
#define KERNEL_IMAGE_VBASE 0xFFFFFFFF80000000

/* All physical memory (the first 4 GiB) is mapped here, through PML4 slot 256. */
#define PML4_DIRECT_SLOT 256
#define DIRECT_MAP_VBASE 0xFFFF800000000000

/* QEMU's isa-debug-exit device: writing v makes QEMU exit with (v << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4

#endif
