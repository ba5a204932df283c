/* pmap_init and pmap_destroy: the root's shadow node, the first reserve, and tearing down. */
#include "pmap_internal.h"
#include <domain_layout.h>

static size_t max_node_bytes(const struct pmap_layout *layout)
{
    size_t bytes = 0;
    for (int level = 1; level < layout->levels; level++) {
        size_t b = vnode_bytes(layout, level);
        bytes = b > bytes ? b : bytes;
    }
    return bytes;
}

/* Carves the root's node and the first reserve of nodes out of the bootstrap area. */
static void bootstrap_slabs(struct pmap *pmap)
{
    const struct pmap_layout *l = pmap->layout;
    unsigned char *p = pmap->bootstrap;
    size_t root_bytes = (vnode_bytes(l, 0) + 15) & ~(size_t)15;
    pmap->root = (struct pmap_vnode *)p;
    p += root_bytes;
    size_t node_bytes = max_node_bytes(l);
    slab_init(&pmap->vnode_slab, node_bytes);
    slab_init(&pmap->mapping_slab, sizeof(struct pmap_mapping));
    size_t vnode_area = PMAP_BOOTSTRAP_VNODES * pmap->vnode_slab.obj_bytes;
    slab_grow(&pmap->vnode_slab, p, vnode_area);
    slab_grow(&pmap->mapping_slab, p + vnode_area, PMAP_BOOTSTRAP_BYTES - root_bytes - vnode_area);
}

/* A metadata window must hold whole blocks, each inside one leaf table, in user space. */
static errval_t check_options(const struct pmap_layout *l, const struct pmap_options *o)
{
    if (o->vaddr_min % BASE_PAGE_BYTES != 0) {
        return LIB_ERR_PMAP_NOT_ALIGNED;
    }
    if (o->vaddr_min >= l->user_end) {
        return LIB_ERR_PMAP_ADDR_OUT_OF_RANGE;
    }
    if (o->heap_alloc != NULL || (o->meta_base == 0 && o->meta_window_bytes == 0)) {
        return SYS_ERR_OK;
    }
    genvaddr_t base = o->meta_base != 0 ? o->meta_base : l->meta_base_default;
    gensize_t bytes = o->meta_window_bytes != 0 ? o->meta_window_bytes : l->meta_window_default;
    if (base % PMAP_REFILL_BYTES != 0 || bytes % PMAP_REFILL_BYTES != 0) {
        return LIB_ERR_PMAP_NOT_ALIGNED;
    }
    genvaddr_t min = o->vaddr_min > l->user_min ? o->vaddr_min : l->user_min;
    if (base < min || base >= l->user_end || bytes > l->user_end - base) {
        return LIB_ERR_PMAP_ADDR_OUT_OF_RANGE;
    }
    return SYS_ERR_OK;
}

errval_t pmap_init(struct pmap *pmap, struct capref root, const struct pmap_options *options)
{
    const struct pmap_layout *l = pmap_arch_layout();
    struct cap_identity id;
    errval_t err = cap_identify(root, &id);
    if (err_is_ok(err) && id.type != l->table_type[0]) {
        err = LIB_ERR_VNODE_CREATE_TYPE;
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_PMAP_INIT);
    }
    if (err_is_ok(err) && options != NULL) {
        err = check_options(l, options);
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_PMAP_INIT);
    }
    *pmap = (struct pmap){.layout = l, .root_cap = root, .root_base = id.base};
    pmap->options = options != NULL ? *options : (struct pmap_options){0};
    bootstrap_slabs(pmap);
    *pmap->root = (struct pmap_vnode){.cap = root, .base = id.base};
    __builtin_memset(pmap->root->child, 0, l->entries[0] * sizeof(uintptr_t));
    pmap->meta_base = pmap->options.meta_base != 0 ? pmap->options.meta_base : l->meta_base_default;
    gensize_t window = pmap->options.meta_window_bytes != 0 ? pmap->options.meta_window_bytes
                                                            : l->meta_window_default;
    pmap->meta_next = pmap->meta_base;
    pmap->meta_limit = pmap->meta_base + window;
    pmap->meta_grow_limit = l->user_end;
    pmap->vaddr_min = pmap->options.vaddr_min > l->user_min ? pmap->options.vaddr_min : l->user_min;
    pmap->addr_hint = pmap->vaddr_min;
    return SYS_ERR_OK;
}

errval_t pmap_init_self(struct pmap *pmap)
{
    struct capref root = {.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = PAGECN_SLOT_VROOT};
    errval_t err = pmap_init(pmap, root, NULL);
    if (err_is_fail(err)) {
        return err;
    }
    /* Hand out addresses above the image and stack first: the low ones only when that is full. */
    pmap->addr_hint = DOMAIN_PMAP_VADDR_MIN;
    pmap->own_space = true;
    struct capref image = {.cnode = root.cnode, .slot = PAGECN_SLOT_VROOT + 1};
    err = pmap_adopt(pmap, image, L2_CNODE_SLOTS - image.slot, PMAP_ADOPT_KEEP);
    if (err_is_fail(err)) {
        pmap_destroy(pmap); /* gives back the metadata a refill may have taken */
        return err_push(err, LIB_ERR_PMAP_INIT);
    }
    return SYS_ERR_OK;
}

void pmap_get_stats(const struct pmap *pmap, struct pmap_stats *ret)
{
    *ret = pmap->stats;
    ret->vnodes_free = pmap->vnode_slab.free_count;
    ret->mappings_free = pmap->mapping_slab.free_count;
}
