/* ARMv7's page sizes: what one entry maps, at each level of table that can map a page. */
#ifndef ARCH_PAGE_SIZES_H
#define ARCH_PAGE_SIZES_H

#include <caps/captypes.h>

#define PAGE_TABLE_LEVELS 2                   /* L1 (4096 entries), L2 (256 entries) */
#define LARGE_PAGE_BYTES ((gensize_t)1 << 20) /* an L1 section: 1 MiB */
#define HUGE_PAGE_BYTES ((gensize_t)0)        /* none: nothing larger than a section is used */
/* BASE_PAGE_BYTES (caps/captypes.h): an L2 small page, 4 KiB. */

#endif
