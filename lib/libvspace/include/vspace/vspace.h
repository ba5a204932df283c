/* libvspace: a domain's virtual regions over memory objects, filled by its own fault handler. */
#ifndef VSPACE_VSPACE_H
#define VSPACE_VSPACE_H

#include <pmap/pmap.h>

/* What backs a region (doc/selfpaging.md, "Memory objects"). */
enum vspace_object {
    VSPACE_ANON,   /* zeroed frames, allocated and mapped at the first touch of each page */
    VSPACE_FRAME,  /* one frame of the caller's, mapped at once; the caller keeps it */
    VSPACE_PINNED, /* a frame vspace allocates and maps at once: never faults */
    VSPACE_GUARD,  /* nothing: every access faults, reads too */
};

/* Region flags. */
#define VSPACE_STACK_GUARD 0x1u /* a guard below a stack: touching it is a stack overflow */
#define VSPACE_KEEP 0x2u        /* pages mapped before vspace knew them (the image's stack) */

/* The region table starts inside struct vspace and grows into pinned memory, up to the limit. */
#define VSPACE_INLINE_REGIONS 32
/* First touches after this many take their frames from runs of this many, retyped at once. */
#define VSPACE_SPARE_RUN 16
#define VSPACE_MAX_REGIONS (64 * 1024)

struct vspace_region {
    genvaddr_t base;
    gensize_t bytes;
    enum vspace_object object;
    unsigned flags;         /* VSPACE_STACK_GUARD, VSPACE_KEEP */
    vregion_flags_t rights; /* what accesses may do now (VREGION_FLAGS_*) */
    struct capref frame;    /* VSPACE_FRAME, VSPACE_PINNED: the frame, from frame_offset on */
    gensize_t frame_offset;
    unsigned object_id; /* the map or copy that made it: only its own pieces join again */
    /* Regions of one copy-on-write group hold one object: pages at equal object offsets may
       share a frame, mapped without write until one side writes. 0: no group. */
    unsigned cow_group;
    gensize_t object_offset;
};

struct vspace_stats {
    size_t regions;
    size_t faults;       /* handled by vspace_handle_fault, resolved or not */
    size_t zero_fills;   /* first touches that allocated a frame */
    size_t cow_copies;   /* writes that copied a shared page */
    size_t cow_upgrades; /* writes to a page no longer shared: write allowed again */
    size_t frames_owned; /* frames vspace allocated and still holds mapped */
    size_t frames_spare; /* retyped ahead for first touches, not mapped yet (< VSPACE_SPARE_RUN) */
    size_t refused;      /* faults it could not resolve */
};

/*
 * The regions live in this structure, then in pinned memory vspace maps for them: never in
 * memory that can fault, since the fault handler reads them. Addresses inside a region are
 * vspace's: map there only through it.
 */
struct vspace {
    struct pmap *pmap;
    struct vspace_region *regions; /* sorted by base, not overlapping */
    size_t count, capacity;
    size_t max_regions; /* VSPACE_MAX_REGIONS unless lowered after vspace_init */
    struct vspace_region inline_regions[VSPACE_INLINE_REGIONS];
    struct capref table_frame; /* the pinned table, once the inline one is outgrown */
    genvaddr_t table_vaddr;
    unsigned next_cow_group, next_object;
    struct vspace_stats stats;
    struct frame_run spare; /* frames retyped ahead for first touches (stats.frames_spare) */
    errval_t last_error;    /* of the last fault it could not resolve */
    /* A fault whose access the region's rights refuse (a write barrier's trap); true:
       resolved (it changed the rights), the instruction runs again. */
    bool (*on_protection_fault)(struct vspace *vs, genvaddr_t vaddr, unsigned kind);
    /* Booted: a fault vspace could not resolve, before the domain ends by it (vspace_install
       has printed why). The domain's error path: report, exit; returning ends it. */
    void (*on_unresolved)(struct vspace *vs, genvaddr_t vaddr, unsigned kind, errval_t err);
};

errval_t vspace_init(struct vspace *vs, struct pmap *pmap);

/*
 * A region of bytes (multiple of 4 KiB) at an address vspace chooses (*ret), or at *ret
 * with the _at variants. Anonymous memory maps nothing now; a frame region maps
 * [offset, offset + bytes) of frame now; pinned memory allocates and maps now; a guard maps
 * nothing ever. Errors: LIB_ERR_VSPACE_MAP over LIB_ERR_VSPACE_NOT_ALIGNED,
 * _RIGHTS_INVALID, _OVERLAP, _TOO_MANY_REGIONS, or the pmap's or allocator's error.
 */
errval_t vspace_map_anon(struct vspace *vs, gensize_t bytes, vregion_flags_t rights,
                         genvaddr_t *ret);
errval_t vspace_map_anon_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                            vregion_flags_t rights);
errval_t vspace_map_frame(struct vspace *vs, struct capref frame, gensize_t offset, gensize_t bytes,
                          vregion_flags_t rights, genvaddr_t *ret);
errval_t vspace_map_pinned(struct vspace *vs, gensize_t bytes, vregion_flags_t rights,
                           genvaddr_t *ret);
errval_t vspace_map_guard(struct vspace *vs, gensize_t bytes, genvaddr_t *ret);
errval_t vspace_map_guard_at(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes, unsigned flags);

/*
 * Sets the rights of [vaddr, vaddr + bytes), which regions other than guards must cover,
 * splitting regions at the borders; mapped pages change now, the rest when first touched.
 * Pages shared copy-on-write stay without write. Errors: LIB_ERR_VSPACE_PROTECT over
 * _NOT_ALIGNED, _RIGHTS_INVALID, _NOT_COVERED, _TOO_MANY_REGIONS, or the pmap's error.
 */
errval_t vspace_protect(struct vspace *vs, genvaddr_t vaddr, gensize_t bytes,
                        vregion_flags_t rights);

/*
 * A copy-on-write copy of the anonymous region at src (which must start there) at a new
 * address (*ret): both see the contents of now, each its own writes from then on. Pages
 * are shared without write until one side writes. Errors: LIB_ERR_VSPACE_COPY over
 * _NO_REGION, _NOT_ANON, _TOO_MANY_REGIONS, or the pmap's error (nothing half-done).
 */
errval_t vspace_copy_on_write(struct vspace *vs, genvaddr_t src, genvaddr_t *ret);

/*
 * Removes the region that starts at vaddr: unmaps its pages and frees the frames vspace
 * owns and no other region maps. Errors: LIB_ERR_VSPACE_UNMAP over _NO_REGION, _KEPT.
 */
errval_t vspace_unmap(struct vspace *vs, genvaddr_t vaddr);

/* The region holding vaddr, or NULL. */
const struct vspace_region *vspace_region_of(const struct vspace *vs, genvaddr_t vaddr);

/*
 * Resolves a page fault at vaddr of kind (DISPATCHER_FAULT_*): a first touch of anonymous
 * memory gets a zeroed frame, a write to a shared copy-on-write page a copy. SYS_ERR_OK:
 * resolved, run the instruction again. Errors: LIB_ERR_VSPACE_NO_REGION, _GUARD,
 * _STACK_OVERFLOW, _PROTECTED (the rights refuse the access, and on_protection_fault did
 * not resolve it), LIB_ERR_VSPACE_FILL over the allocator's or pmap's error (nothing
 * half-done: a later fault may succeed).
 */
errval_t vspace_handle_fault(struct vspace *vs, genvaddr_t vaddr, unsigned kind);

void vspace_get_stats(const struct vspace *vs, struct vspace_stats *ret);

/* Set the hooks above. The handler reads them asynchronously, like a signal handler: set them
   through these calls (opaque to the compiler), not by assignment right before a fault. */
void vspace_set_protection_handler(struct vspace *vs,
                                   bool (*fn)(struct vspace *vs, genvaddr_t vaddr, unsigned kind));
void vspace_set_error_handler(struct vspace *vs, void (*fn)(struct vspace *vs, genvaddr_t vaddr,
                                                            unsigned kind, errval_t err));

/*
 * A stack of bytes, anonymous (filled as it grows down) or pinned, with a guard page below
 * it whose touch is LIB_ERR_VSPACE_STACK_OVERFLOW; *ret_top: where it starts (its end).
 * Errors: LIB_ERR_VSPACE_MAP over _NOT_ANON (another object), _NOT_ALIGNED,
 * _TOO_MANY_REGIONS, or the pmap's or allocator's error.
 */
errval_t vspace_map_stack(struct vspace *vs, gensize_t bytes, enum vspace_object object,
                          genvaddr_t *ret_top);

/* Makes [base, top), already mapped (the stack the kernel or a parent made), a region vspace
   keeps as it is, with a stack guard page below base. */
errval_t vspace_adopt_stack(struct vspace *vs, genvaddr_t base, genvaddr_t top);

/* Removes every region (kept ones leave their pages mapped). */
errval_t vspace_destroy(struct vspace *vs);

/* Booted domains (lib/libvspace/booted.c). */

/*
 * Registers the domain's fault handler (librt) over vs, on a pinned exception stack of
 * bytes with a guard below it, and makes the domain's stack a region with a stack guard
 * below it (DOMAIN_STACK_TOP, DOMAIN_STACK_BYTES).
 */
errval_t vspace_install(struct vspace *vs, gensize_t exception_stack_bytes);

/* Clears the domain's fault handler (the regions stay). */
void vspace_uninstall(struct vspace *vs);

/* malloc's memory from now on: anonymous memory, filled at first touch. */
errval_t vspace_heap_init(struct vspace *vs);

#endif
