/* libvspace's internals: the sorted region table and the helpers the operations share. */
#ifndef VSPACE_INTERNAL_H
#define VSPACE_INTERNAL_H

#include <vspace/vspace.h>

/* Index of the region holding vaddr, or -1. */
long region_index(const struct vspace *vs, genvaddr_t vaddr);

/* Does [vaddr, vaddr + bytes) meet any region? */
bool region_overlaps(const struct vspace *vs, genvaddr_t vaddr, gensize_t bytes);

/* Index of the first region meeting [vaddr, vaddr + bytes), or -1. */
long region_first_overlap(const struct vspace *vs, genvaddr_t vaddr, gensize_t bytes);

/* Room for more regions, growing the table into pinned memory: afterwards that many inserts
   and splits cannot fail. LIB_ERR_VSPACE_TOO_MANY_REGIONS past max_regions, or the
   allocation's error. */
errval_t region_reserve(struct vspace *vs, size_t more);

/* Gives back a pinned table (vspace_destroy). */
errval_t region_table_free(struct vspace *vs);

/* Inserts r (not overlapping any region) into room region_reserve made. */
void region_insert(struct vspace *vs, const struct vspace_region *r);

void region_remove(struct vspace *vs, size_t index);

/* Splits the region holding vaddr so that one starts at vaddr (nothing if one does), in room
   region_reserve made. */
void region_split_at(struct vspace *vs, genvaddr_t vaddr);

/* Joins neighbours around [first, last] that hold the same object with the same attributes. */
void region_coalesce(struct vspace *vs, size_t first, size_t last);

/* Another region of r's copy-on-write group that maps the frame at r's page, or NULL;
 * *peer_page: where. */
const struct vspace_region *cow_peer_mapping(const struct vspace *vs, const struct vspace_region *r,
                                             genvaddr_t page, genvaddr_t *peer_page);

/* A free range of bytes no region holds and the pmap has not mapped. */
errval_t choose_region_addr(struct vspace *vs, gensize_t bytes, genvaddr_t *ret);

/* vspace_map_pinned at vaddr, or at an address it chooses. */
errval_t vspace_map_pinned_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                              vregion_flags_t rights, bool choose, genvaddr_t *ret);

/* A region over pages already mapped read-write (a stack), kept as they are: never filled,
   never unmapped by vspace. */
errval_t vspace_map_kept(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes);

bool vspace_rights_valid(vregion_flags_t rights);
bool vspace_range_aligned(genvaddr_t vaddr, gensize_t bytes);

#endif
