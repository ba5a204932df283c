/* The ARMv7 kernel's address space on QEMU virt: RAM, the direct map, devices, boot hand-offs. */
#ifndef ARMV7_LAYOUT_H
#define ARMV7_LAYOUT_H

#define RAM_PBASE 0x40000000
/* Physical RAM [RAM_PBASE, +1 GiB) is mapped at KERNEL_VBASE: the kernel image and all RAM. */
#define KERNEL_VBASE 0xC0000000
#define KERNEL_VOFFSET (KERNEL_VBASE - RAM_PBASE)
/* The first 256 MiB of the physical address space (devices) is mapped uncached here. */
#define DEVICE_VBASE 0xB0000000
#define DEVICE_WINDOW_BYTES 0x10000000

/* QEMU places the device tree at the start of RAM when the image leaves room below itself. */
#define DTB_PADDR RAM_PBASE
#define DTB_MAX_BYTES 0x100000
/* The boot image, a cpio newc archive put there by QEMU's generic loader (tools/qemu-run). */
#define BOOT_ARCHIVE_PADDR 0x48000000
#define BOOT_ARCHIVE_MAX_BYTES 0x1000000

#endif
