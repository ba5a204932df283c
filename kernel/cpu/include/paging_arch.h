/* Architecture interface for page tables; each kernel/arch/<arch> folder implements it. */
#ifndef KERNEL_PAGING_ARCH_H
#define KERNEL_PAGING_ARCH_H

#include <caps/captypes.h>

/* Is type a page-table level of this architecture's format? */
bool paging_vnode_type_is_native(enum objtype type);

#endif
