/* The CSpace layout the CPU driver builds for the init domain at boot. */
#ifndef INIT_CSPACE_H
#define INIT_CSPACE_H

#include <caps/capaddr.h>

/* L1 slots of init's root CNode; each holds an L2 CNode. */
#define ROOTCN_SLOT_TASKCN 0      /* the domain's own capabilities */
#define ROOTCN_SLOT_SUPERCN 1     /* one RAM capability per free physical range */
#define ROOTCN_SLOT_PHYSADDRCN 2  /* PhysAddr capabilities for device ranges */
#define ROOTCN_SLOT_SLOT_ALLOC0 3 /* empty, for the domain's first slot allocator */
#define ROOTCN_SLOT_PAGECN 4      /* the root page table, then the tables and frames of the image */
#define ROOTCN_SLOT_MODULECN 5    /* one read-only Frame per boot module (include/bootinfo.h) */
#define ROOTCN_SLOTS_USER 6       /* first L1 slot the kernel leaves empty */

/* init's root CNode has room for this many L2 CNodes (2M slots in all). */
#define INIT_ROOTCN_SLOTS 8192

/* Slots in PAGECN (filled when the kernel starts init from an image). */
#define PAGECN_SLOT_VROOT 0 /* the root page table of init's address space */

/* Slots in TASKCN. */
/* Slot 0 stays empty: capability address 0 is the null capability and names nothing. */
#define TASKCN_SLOT_ROOTCN 1     /* a copy of the root CNode capability */
#define TASKCN_SLOT_DISPATCHER 2 /* the domain's own Dispatcher capability */
#define TASKCN_SLOT_DISPFRAME                                                                      \
    3                          /* its dispatcher frame (mapped at DOMAIN_DISPATCHER_FRAME_VADDR)   \
                                */
#define TASKCN_SLOT_BOOTINFO 4 /* init only: a read-only Frame of struct bootinfo */
#define TASKCN_SLOT_PARENT 5   /* a spawned domain: an Endpoint to its parent, if it gave one */

/* The address of init's root CNode copy: the CSpace it invokes. */
#define CAPADDR_ROOTCN (capaddr_make(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN))

#endif
