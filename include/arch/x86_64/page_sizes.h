/* x86-64's page sizes: what one entry maps, at each level of table that can map a page. */
#ifndef ARCH_PAGE_SIZES_H
#define ARCH_PAGE_SIZES_H

#include <caps/captypes.h>

#define PAGE_TABLE_LEVELS 4                   /* PML4, PDPT, page directory, page table */
#define LARGE_PAGE_BYTES ((gensize_t)1 << 21) /* a page-directory entry: 2 MiB */
#define HUGE_PAGE_BYTES ((gensize_t)1 << 30)  /* a PDPT entry: 1 GiB, on CPUs that have them */
/* BASE_PAGE_BYTES (caps/captypes.h): a page-table entry, 4 KiB. */

#endif
