/* Shared between libspawn's files: windows into the parent, and the steps of spawn_load. */
#ifndef LIBSPAWN_SPAWN_INTERNAL_H
#define LIBSPAWN_SPAWN_INTERNAL_H

#include <spawn/spawn.h>

/* A frame mapped into the parent for a moment, to read or fill it. */
struct spawn_window {
    struct pmap *pmap;
    genvaddr_t vaddr;
    gensize_t bytes;
    void *ptr;
};

/* Maps bytes of frame into parent with flags; Errors: LIB_ERR_SPAWN_PARENT_MAP over the cause. */
errval_t spawn_window_open(struct pmap *parent, struct capref frame, gensize_t bytes,
                           vregion_flags_t flags, struct spawn_window *ret);
errval_t spawn_window_close(struct spawn_window *w);

/* Platform: the pointer through which the parent reaches what it mapped at vaddr (host: a view). */
void *spawn_platform_pointer(struct pmap *parent, genvaddr_t vaddr, gensize_t bytes);

/* The child's CSpace (cspace.c): made, and taken down again. */
errval_t spawn_cspace_create(struct spawninfo *si, gensize_t ram_bytes, size_t rootcn_slots);
errval_t spawn_cspace_destroy(struct spawninfo *si);

/* The image and stack (load.c), into si->vspace, whose root is in PAGECN already. */
errval_t spawn_load_image(struct spawninfo *si, const uint8_t *image, const struct spawn_elf *elf);

/* Ends a started child (start.c): its Dispatcher and Endpoint go; SYS_ERR_OK if not started. */
errval_t spawn_stop_and_end(struct spawninfo *si);

/*
 * Puts a copy of src without the grant right into dest: what a child holds it may use and
 * delete, but not revoke, so it cannot take the parent's own copies (doc/spawn.md).
 */
errval_t spawn_delegate(struct capref dest, struct capref src);

/* Keeps the first failure of a teardown that goes on past failures. */
static inline void spawn_keep_first(errval_t *first, errval_t err)
{
    if (err_is_ok(*first)) {
        *first = err;
    }
}

/* Runs libpmap and libcap work for the child with slot_alloc redirected to its PAGECN. */
struct slot_redirect *spawn_redirect_begin(struct spawninfo *si);
void spawn_redirect_end(struct slot_redirect *previous);

#endif
