/* Dispatcher control blocks: the kernel's view of a domain. */
#ifndef KERNEL_DISPATCH_H
#define KERNEL_DISPATCH_H

#include <capabilities.h>

struct dcb {
    struct cte cspace; /* the domain's root (L1) CNode, a copy held by the kernel */
    struct cte vroot;  /* the root page table the domain runs on, held by the kernel */
    const char *name;
};

/* The domain whose system call the kernel is handling. */
extern struct dcb *dcb_current;

#endif
