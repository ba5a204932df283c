/* Shared between libcap's allocators: making one object from reserved RAM, and freeing it. */
#ifndef LIBCAP_MEM_INTERNAL_H
#define LIBCAP_MEM_INTERNAL_H

#include <libcap/caps.h>
#include <libcap/ram_alloc.h>

/*
 * Retypes one object from a fresh reservation into a fresh slot; undoes both on failure.
 * *ret_base (if not NULL) gets the object's physical base.
 */
errval_t make_object(struct capref *ret, enum objtype type, gensize_t bytes, gensize_t align_bytes,
                     genpaddr_t *ret_base);

/* Identifies, revokes and destroys a capability we made; *id says what it was. */
errval_t free_object(struct capref cap, struct cap_identity *id);

#endif
