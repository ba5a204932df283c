/* Platform interface of libvspace: how the library reaches a page of its own address space. */
#ifndef VSPACE_PLATFORM_H
#define VSPACE_PLATFORM_H

#include <pmap/pmap.h>

/* The pointer through which the mapped page at page (page-aligned) is read and written. */
void *vspace_page_pointer(const struct pmap *pmap, genvaddr_t page);

/* The same for bytes (a multiple of the page size) of mapped memory from vaddr on. */
void *vspace_platform_pointer(const struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

#endif
