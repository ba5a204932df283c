/* Capability operations on caprefs: each kernel error comes back under a library error. */
#ifndef LIBCAP_CAPS_H
#define LIBCAP_CAPS_H

#include <libcap/capref.h>
#include <libcap/invoke.h>

/* Retypes count objects of obj_bytes each from src (at offset_bytes) into dest.slot on. */
errval_t cap_retype(struct capref dest, struct capref src, gensize_t offset_bytes,
                    enum objtype type, gensize_t obj_bytes, size_t count);
errval_t cap_copy(struct capref dest, struct capref src);
errval_t cap_mint(struct capref dest, struct capref src, caprights_t rights);
errval_t cap_delete(struct capref cap);
errval_t cap_revoke(struct capref cap);
/* Revokes and deletes cap in one call (the slot stays allocated); *ret: what cap was. */
errval_t cap_reclaim(struct capref cap, struct cap_identity *ret);
errval_t cap_identify(struct capref cap, struct cap_identity *ret);
/* The mapping the copy holds (doc/capabilities.md); SYS_ERR_VM_NOT_MAPPED under the push if none.
 */
errval_t cap_identify_mapping(struct capref cap, struct cap_mapping *ret);

/* Deletes the capability and returns its slot to the slot allocator. */
errval_t cap_destroy(struct capref cap);

/* Page tables and frames: see doc/paging.md. */
errval_t vnode_map(struct capref table, cslot_t slot, struct capref src, vregion_flags_t flags,
                   gensize_t offset_bytes, size_t pte_count);
/* A copy of src into the empty slot dest, mapped as vnode_map maps it, in one call; when the map
   is refused dest stays empty. */
errval_t vnode_map_copy(struct capref table, cslot_t slot, struct capref src, struct capref dest,
                        vregion_flags_t flags, gensize_t offset_bytes, size_t pte_count);
errval_t vnode_unmap(struct capref table, struct capref src, cslot_t slot, size_t pte_count);
errval_t vnode_modify_flags(struct capref frame, size_t first_page, size_t pages,
                            vregion_flags_t flags);
/* The same, saying where first_page lies in the caller's address space: the kernel's TLB flush
   then walks the caller's tables there instead of searching for the address (MODIFY_FLAGS). */
errval_t vnode_modify_flags_at(struct capref frame, size_t first_page, size_t pages,
                               vregion_flags_t flags, uint64_t vaddr);
/* The mapping frame holds keeps entries [0, at); dest, an unmapped copy, takes the rest. */
errval_t vnode_split_mapping(struct capref frame, size_t at, struct capref dest);

#endif
