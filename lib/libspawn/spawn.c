/* spawn_load and spawn_free: the steps in order, and slot_alloc sent to the child's PAGECN. */
#include "spawn_internal.h"
#include <stdlib.h>
#include <string.h>

/*
 * The child's pmap takes its metadata from the parent's heap, which may map more memory for the
 * parent with slots of the parent's own: the redirection to PAGECN pauses while the heap works.
 */
static void *(*heap_alloc_fn)(size_t bytes);
static void (*heap_free_fn)(void *block);

static void *heap_alloc_for_child(size_t bytes)
{
    struct slot_redirect *r = slot_alloc_redirect(NULL);
    void *block = heap_alloc_fn(bytes);
    slot_alloc_redirect(r);
    return block;
}

static void heap_free_for_child(void *block)
{
    struct slot_redirect *r = slot_alloc_redirect(NULL);
    heap_free_fn(block);
    slot_alloc_redirect(r);
}

struct slot_redirect *spawn_redirect_begin(struct spawninfo *si)
{
    heap_alloc_fn = si->heap_alloc;
    heap_free_fn = si->heap_free;
    si->pagecn_slots.l1 = si->pagecn.l1;
    return slot_alloc_redirect(&si->pagecn_slots);
}

void spawn_redirect_end(struct slot_redirect *previous)
{
    slot_alloc_redirect(previous);
}

/* The root table in PAGECN_SLOT_VROOT (PAGECN's first slot), and the pmap over it. */
static errval_t make_vspace(struct spawninfo *si)
{
    struct slot_redirect *previous = spawn_redirect_begin(si);
    errval_t err =
        vnode_create_with_base(&si->vroot, pmap_arch_layout()->table_type[0], &si->vroot_base);
    if (err_is_ok(err)) {
        struct pmap_options options = {.heap_alloc = heap_alloc_for_child,
                                       .heap_free = heap_free_for_child};
        err = pmap_init(&si->vspace, si->vroot, &options);
        si->vspace_live = err_is_ok(err);
    } else {
        si->vroot = NULL_CAP;
    }
    spawn_redirect_end(previous);
    return err_is_fail(err) ? err_push(err, LIB_ERR_SPAWN_CHILD_MAP) : err;
}

static errval_t build(struct spawninfo *si, const char *module_name, const struct spawn_options *o)
{
    struct spawn_module module;
    errval_t err = spawn_find_module(si->parent, module_name, &module);
    if (err_is_fail(err)) {
        return err;
    }
    struct spawn_window w;
    err = spawn_window_open(si->parent, module.frame, module.bytes, VREGION_FLAGS_READ, &w);
    if (err_is_fail(err)) {
        return err;
    }
    struct spawn_elf elf;
    err = spawn_elf_check(w.ptr, (size_t)module.bytes, &elf);
    if (err_is_ok(err)) {
        err = spawn_cspace_create(si, o->ram_bytes, o->rootcn_slots);
    }
    if (err_is_ok(err)) {
        err = make_vspace(si);
    }
    if (err_is_ok(err)) {
        err = spawn_load_image(si, w.ptr, &elf);
    }
    if (err_is_ok(err)) {
        err = spawn_delegate(spawn_child_slot(si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME),
                             si->dispframe);
        err = err_is_fail(err) ? err_push(err, LIB_ERR_SPAWN_CSPACE) : err;
    }
    errval_t closed = spawn_window_close(&w);
    return err_is_fail(err) ? err : closed;
}

errval_t spawn_load(struct spawninfo *si, struct pmap *parent, const char *module_name,
                    const struct spawn_options *options)
{
    struct spawn_options o = options != NULL ? *options : (struct spawn_options){0};
    o.ram_bytes = o.ram_bytes != 0 ? o.ram_bytes : SPAWN_RAM_BYTES_DEFAULT;
    o.rootcn_slots = o.rootcn_slots != 0 ? o.rootcn_slots : SPAWN_ROOTCN_SLOTS_DEFAULT;
    memset(si, 0, sizeof(*si)); /* large (the pmap's bootstrap area): no compound literal */
    si->parent = parent;
    si->heap_alloc = o.heap_alloc != NULL ? o.heap_alloc : malloc;
    si->heap_free = o.heap_free != NULL ? o.heap_free : free;
    for (size_t i = 0; i + 1 < sizeof(si->name) && module_name[i] != '\0'; i++) {
        si->name[i] = module_name[i];
    }
    errval_t err = build(si, module_name, &o);
    if (err_is_fail(err)) {
        spawn_free(si); /* what was made goes; the error that matters is the first */
        return err_push(err, LIB_ERR_SPAWN_LOAD);
    }
    return SYS_ERR_OK;
}

errval_t spawn_free(struct spawninfo *si)
{
    errval_t first = spawn_stop_and_end(si); /* before its tables go: it runs on them */
    struct slot_redirect *previous = spawn_redirect_begin(si);
    if (si->vspace_live) {
        spawn_keep_first(&first, pmap_destroy(&si->vspace));
        si->vspace_live = false;
    }
    if (!capref_is_null(si->vroot)) {
        /* The child may have emptied or refilled PAGECN_SLOT_VROOT: what was made goes back. */
        spawn_keep_first(&first, vnode_destroy_made(si->vroot, pmap_arch_layout()->table_type[0],
                                                    si->vroot_base));
        si->vroot = NULL_CAP;
    }
    spawn_redirect_end(previous);
    for (size_t i = 0; i < si->frame_count; i++) {
        if (!capref_is_null(si->frame_grants[i])) {
            spawn_keep_first(&first, cap_destroy(si->frame_grants[i]));
        }
        spawn_keep_first(&first, frame_free(si->frames[i]));
    }
    si->frame_count = 0;
    si->dispframe = NULL_CAP;
    spawn_keep_first(&first, spawn_cspace_destroy(si));
    return err_is_fail(first) ? err_push(first, LIB_ERR_SPAWN_FREE) : first;
}
