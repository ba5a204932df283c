/* Capability operations on caprefs, with the kernel's error pushed under a library error. */
#include <libcap/caps.h>
#include <libcap/slot_alloc.h>

errval_t cap_retype(struct capref dest, struct capref src, gensize_t offset_bytes,
                    enum objtype type, gensize_t obj_bytes, size_t count)
{
    errval_t err = invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(src), offset_bytes, type,
                                       obj_bytes, count, dest.cnode.address, dest.slot);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_RETYPE) : err;
}

errval_t cap_copy(struct capref dest, struct capref src)
{
    errval_t err =
        invoke_cnode_copy(CAPADDR_ROOTCN, dest.cnode.address, dest.slot, get_cap_addr(src));
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_COPY) : err;
}

errval_t cap_mint(struct capref dest, struct capref src, caprights_t rights)
{
    errval_t err =
        invoke_cnode_mint(CAPADDR_ROOTCN, dest.cnode.address, dest.slot, get_cap_addr(src), rights);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_MINT) : err;
}

errval_t cap_delete(struct capref cap)
{
    errval_t err = invoke_cnode_delete(CAPADDR_ROOTCN, get_cap_addr(cap));
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_DELETE) : err;
}

errval_t cap_revoke(struct capref cap)
{
    errval_t err = invoke_cnode_revoke(CAPADDR_ROOTCN, get_cap_addr(cap));
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_REVOKE) : err;
}

errval_t cap_reclaim(struct capref cap, struct cap_identity *ret)
{
    errval_t err = invoke_cnode_reclaim(CAPADDR_ROOTCN, get_cap_addr(cap), ret);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_RECLAIM) : err;
}

errval_t cap_identify(struct capref cap, struct cap_identity *ret)
{
    errval_t err = invoke_cap_identify(get_cap_addr(cap), ret);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_IDENTIFY) : err;
}

errval_t cap_identify_mapping(struct capref cap, struct cap_mapping *ret)
{
    errval_t err = invoke_cap_identify_mapping(get_cap_addr(cap), ret);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_IDENTIFY_MAPPING) : err;
}

errval_t cap_destroy(struct capref cap)
{
    errval_t err = cap_delete(cap);
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_CAP_DESTROY);
    }
    err = slot_free(cap);
    return err_is_fail(err) ? err_push(err, LIB_ERR_CAP_DESTROY) : err;
}

errval_t vnode_map(struct capref table, cslot_t slot, struct capref src, vregion_flags_t flags,
                   gensize_t offset_bytes, size_t pte_count)
{
    errval_t err = invoke_vnode_map(get_cap_addr(table), slot, get_cap_addr(src), flags,
                                    offset_bytes, pte_count);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_MAP) : err;
}

errval_t vnode_map_copy(struct capref table, cslot_t slot, struct capref src, struct capref dest,
                        vregion_flags_t flags, gensize_t offset_bytes, size_t pte_count)
{
    errval_t err =
        invoke_vnode_map_copy(get_cap_addr(table), slot, get_cap_addr(src), flags, offset_bytes,
                              pte_count, CAPADDR_ROOTCN, dest.cnode.address, dest.slot);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_MAP) : err;
}

errval_t vnode_unmap(struct capref table, struct capref src, cslot_t slot, size_t pte_count)
{
    errval_t err = invoke_vnode_unmap(get_cap_addr(table), get_cap_addr(src), slot, pte_count);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_UNMAP) : err;
}

errval_t vnode_modify_flags_at(struct capref frame, size_t first_page, size_t pages,
                               vregion_flags_t flags, uint64_t vaddr)
{
    errval_t err = invoke_frame_modify_flags(get_cap_addr(frame), first_page, pages, flags, vaddr);
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_MODIFY_FLAGS) : err;
}

errval_t vnode_modify_flags(struct capref frame, size_t first_page, size_t pages,
                            vregion_flags_t flags)
{
    return vnode_modify_flags_at(frame, first_page, pages, flags, 0);
}

errval_t vnode_split_mapping(struct capref frame, size_t at, struct capref dest)
{
    errval_t err = invoke_frame_split_mapping(get_cap_addr(frame), at, get_cap_addr(dest));
    return err_is_fail(err) ? err_push(err, LIB_ERR_VNODE_SPLIT_MAPPING) : err;
}
