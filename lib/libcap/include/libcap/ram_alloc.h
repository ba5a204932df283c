/* Memory allocation from the RAM capabilities the domain was given: RAM, frames, page tables. */
#ifndef LIBCAP_RAM_ALLOC_H
#define LIBCAP_RAM_ALLOC_H

#include <errors/errno.h>
#include <libcap/capref.h>

/* Part of a boot RAM capability: retype from src at offset to make objects there. */
struct ram_piece {
    struct capref src;
    gensize_t offset;
    genpaddr_t base;
    gensize_t bytes;
};

/* Learns the RAM capabilities in init's SUPERCN and starts with all of them free. */
errval_t ram_alloc_init(void);

/*
 * Takes bytes (a multiple of 4 KiB) at an address aligned to align_bytes (a
 * power of two) out of the free RAM without making a capability, so that a
 * caller can retype straight from the boot capability (the slot allocator
 * does: it cannot take a slot to make slots). Errors:
 * LIB_ERR_RAM_ALLOC_SIZE, LIB_ERR_RAM_ALLOC_EXHAUSTED, LIB_ERR_RAM_ALLOC_FRAGMENTED.
 */
errval_t ram_reserve(gensize_t bytes, gensize_t align_bytes, struct ram_piece *ret);

/* Gives a reserved range back; LIB_ERR_RAM_ALLOC_FRAGMENTED if the table of free ranges is full. */
errval_t ram_release(genpaddr_t base, gensize_t bytes);

/* A new RAM capability of bytes (rounded up to 4 KiB) in a new slot. */
errval_t ram_alloc(struct capref *ret, gensize_t bytes);

/* A new RAM capability whose base is aligned to align_bytes (a power of two). */
errval_t ram_alloc_aligned(struct capref *ret, gensize_t bytes, gensize_t align_bytes);

/*
 * A new Frame of at least bytes; *ret_bytes (if not NULL) gets its size,
 * bytes rounded up to 4 KiB. The frame is zeroed by the kernel.
 */
errval_t frame_alloc(struct capref *ret, gensize_t bytes, gensize_t *ret_bytes);

/* A new Frame of bytes whose physical base is aligned to align_bytes (for large pages). */
errval_t frame_alloc_aligned(struct capref *ret, gensize_t bytes, gensize_t align_bytes);
/* frame_alloc of whole pages that also says where the frame lies (what pmap_map_lent takes, so
   that nobody needs to identify the frame again). */
errval_t frame_alloc_base(struct capref *ret, gensize_t bytes, genpaddr_t *ret_base);
/*
 * count (1 to 32) one-page frames in one retype: in slots first.slot, first.slot + 1, ...,
 * at physical first_base, first_base + 4 KiB, ...; each is freed with frame_free on its own.
 * One invocation, one overlap check and one RAM range for all of them: what a lazy filler
 * retypes ahead of its faults. Errors: LIB_ERR_FRAME_ALLOC over the slot's, RAM's or retype's.
 */
errval_t frame_alloc_run(struct capref *first, size_t count, genpaddr_t *first_base);

/* Frames of one frame_alloc_run handed out one at a time (a lazy filler's supply). */
struct frame_run {
    struct capref next; /* the next frame; left more follow it slot by slot */
    genpaddr_t next_base;
    size_t left;
};

/*
 * The next frame of r and its base; when r is empty, a new run of count (1 to 32) first, or one
 * frame alone if RAM cannot give the run (the last pages still come). Errors: frame_alloc's.
 */
errval_t frame_run_take(struct frame_run *r, size_t count, struct capref *frame, genpaddr_t *base);

/* Frees the frames r still holds; it is empty afterwards, also on an error. */
errval_t frame_run_free(struct frame_run *r);

/*
 * A new page table of type. Tables smaller than a page (ARMv7 L2: 1 KiB)
 * share pages: four L2 tables are carved from one 4 KiB range, and the range
 * returns to the allocator only when all four are destroyed.
 */
errval_t vnode_create(struct capref *ret, enum objtype type);
/* The same, and *ret_base (if not NULL) gets the table's physical base, for vnode_destroy_made. */
errval_t vnode_create_with_base(struct capref *ret, enum objtype type, genpaddr_t *ret_base);

/*
 * Frees what ram_alloc, frame_alloc or vnode_create made: revokes the
 * capability (every copy and descendant goes, and with them every mapping),
 * deletes it, frees its slot and gives the memory back.
 */
errval_t ram_free(struct capref cap);
errval_t frame_free(struct capref cap);
errval_t vnode_destroy(struct capref cap);

/*
 * Destroys the table of type that vnode_create_with_base made at base, whose capability was put
 * in cap's slot, trusting nothing of what that slot holds now (it may lie in a CSpace another
 * domain changes): the table is revoked only if it is still there (a copy without grant there
 * is only deleted), anything else in the slot is deleted, the slot freed, and the memory made at
 * base given back. Copies someone else still holds keep the table alive in the kernel until they
 * go; until then a retype over it is refused (SYS_ERR_RETYPE_OVERLAP).
 */
errval_t vnode_destroy_made(struct capref cap, enum objtype type, genpaddr_t base);

/* Pages currently shared by small page tables. */
size_t vnode_shared_pages(void);
void vnode_alloc_init(void);

/* Free bytes, and how many free ranges hold them. */
gensize_t ram_free_bytes(void);
size_t ram_free_ranges(void);

#endif
