/* Where a domain's image and stack lie in its address space on ARMv7 (the kernel sets them up). */
#ifndef DOMAIN_LAYOUT_H
#define DOMAIN_LAYOUT_H

/* Domain images are ELF files of this machine and class. */
#define DOMAIN_ELF_MACHINE 40
#define DOMAIN_ELF_CLASS 1

/* Domains are linked at DOMAIN_IMAGE_BASE; the stack ends at DOMAIN_STACK_TOP. */
#define DOMAIN_IMAGE_BASE 0x400000
#define DOMAIN_STACK_TOP 0x10000000
#define DOMAIN_STACK_BYTES (64 * 1024)
/* A domain's dispatcher frame (include/dispatcher.h), a guard page below the stack. */
#define DOMAIN_DISPATCHER_FRAME_VADDR (DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - 2 * 4096)

/* The kernel maps the image and stack below this address; the pmap adopts them and hands out
 * addresses from here up first. */
#define DOMAIN_PMAP_VADDR_MIN 0x10000000

#endif
