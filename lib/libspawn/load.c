/* The child's image, stack and dispatcher frame: fresh frames, filled through windows, mapped leaf
 * table by table. */
#include "spawn_internal.h"
#include <domain_layout.h>
#include <string.h>

static genvaddr_t page_down(genvaddr_t a)
{
    return a & ~(genvaddr_t)(BASE_PAGE_BYTES - 1);
}

static genvaddr_t page_up(genvaddr_t a)
{
    return page_down(a + BASE_PAGE_BYTES - 1);
}

/* What one leaf table maps: the kernel's spawn.c gives init one frame per leaf table, and so do we.
 */
static gensize_t leaf_span(const struct pmap *vspace)
{
    const struct pmap_layout *l = vspace->layout;
    return l->span_bytes[l->levels - 2];
}

/* Copies the segment's file bytes that fall into [vaddr, vaddr + bytes) into the fresh frame. */
static errval_t fill_frame(struct spawninfo *si, struct capref frame, genvaddr_t vaddr,
                           gensize_t bytes, const uint8_t *image, const struct spawn_segment *seg)
{
    genvaddr_t from = vaddr > seg->vaddr ? vaddr : seg->vaddr;
    genvaddr_t file_end = seg->vaddr + seg->filesz;
    genvaddr_t to = vaddr + bytes < file_end ? vaddr + bytes : file_end;
    if (to <= from) {
        return SYS_ERR_OK; /* nothing of the file here: the kernel zeroed the frame */
    }
    struct spawn_window w;
    errval_t err = spawn_window_open(si->parent, frame, bytes, VREGION_FLAGS_READ_WRITE, &w);
    if (err_is_fail(err)) {
        return err;
    }
    memcpy((uint8_t *)w.ptr + (from - vaddr), image + seg->offset + (from - seg->vaddr),
           (size_t)(to - from));
    return spawn_window_close(&w);
}

/* One frame for [vaddr, vaddr + bytes) (inside one leaf table), filled, mapped into the child. */
static errval_t map_piece(struct spawninfo *si, genvaddr_t vaddr, gensize_t bytes,
                          vregion_flags_t flags, const uint8_t *image,
                          const struct spawn_segment *seg)
{
    if (si->frame_count == SPAWN_FRAMES_MAX) {
        return LIB_ERR_SPAWN_IMAGE_TOO_BIG;
    }
    struct capref frame;
    errval_t err = frame_alloc(&frame, bytes, NULL);
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_SPAWN_CHILD_MAP);
    }
    si->frames[si->frame_count] = frame;
    si->frame_grants[si->frame_count++] = NULL_CAP;
    if (seg != NULL) {
        err = fill_frame(si, frame, vaddr, bytes, image, seg);
        if (err_is_fail(err)) {
            return err;
        }
    }
    /* The child's PAGECN holds copies of what is mapped: copies without grant. */
    struct capref granted;
    err = slot_alloc(&granted);
    if (err_is_ok(err)) {
        err = spawn_delegate(granted, frame);
        if (err_is_fail(err)) {
            slot_free(granted);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_SPAWN_CHILD_MAP);
    }
    si->frame_grants[si->frame_count - 1] = granted;
    struct slot_redirect *previous = spawn_redirect_begin(si);
    err = pmap_map(&si->vspace, vaddr, granted, 0, bytes, flags);
    spawn_redirect_end(previous);
    return err_is_fail(err) ? err_push(err, LIB_ERR_SPAWN_CHILD_MAP) : err;
}

static errval_t map_range(struct spawninfo *si, genvaddr_t start, genvaddr_t end,
                          vregion_flags_t flags, const uint8_t *image,
                          const struct spawn_segment *seg)
{
    gensize_t span = leaf_span(&si->vspace);
    while (start < end) {
        genvaddr_t stop = (start / span + 1) * span;
        stop = stop < end ? stop : end;
        errval_t err = map_piece(si, start, stop - start, flags, image, seg);
        if (err_is_fail(err)) {
            return err;
        }
        start = stop;
    }
    return SYS_ERR_OK;
}

errval_t spawn_load_image(struct spawninfo *si, const uint8_t *image, const struct spawn_elf *elf)
{
    for (int i = 0; i < elf->count; i++) {
        const struct spawn_segment *seg = &elf->segment[i];
        errval_t err = map_range(si, page_down(seg->vaddr), page_up(seg->vaddr + seg->memsz),
                                 seg->flags, image, seg);
        if (err_is_fail(err)) {
            return err;
        }
    }
    errval_t err = map_range(si, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES, DOMAIN_STACK_TOP,
                             VREGION_FLAGS_READ_WRITE, NULL, NULL);
    if (err_is_ok(err)) { /* last, as for init: the child's PAGECN comes out in init's order */
        err = map_piece(si, DOMAIN_DISPATCHER_FRAME_VADDR, DISPATCHER_FRAME_BYTES,
                        VREGION_FLAGS_READ_WRITE, NULL, NULL);
    }
    if (err_is_ok(err)) {
        si->dispframe = si->frames[si->frame_count - 1];
        si->entry = elf->entry;
        si->stack_top = DOMAIN_STACK_TOP;
    }
    return err;
}
