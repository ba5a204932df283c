/* libpmap: a domain's own address space, kept in a shadow tree of the page tables it built. */
#ifndef PMAP_PMAP_H
#define PMAP_PMAP_H

#include <libcap/libcap.h>
#include <page_sizes.h> /* BASE_PAGE_BYTES, LARGE_PAGE_BYTES, HUGE_PAGE_BYTES */
#include <pmap/pmap_arch.h>
#include <pmap/slab.h>

struct pmap_vnode;

/* Where a pmap's own metadata (shadow nodes) comes from, and which addresses it manages. */
struct pmap_options {
    /* The lowest address the pmap maps, adopts or hands out (0: the layout's user_min). */
    genvaddr_t vaddr_min;
    /*
     * Self-paging (heap_alloc NULL): metadata lives in frames the pmap maps
     * into its own window [meta_base, meta_base + meta_window_bytes), which
     * it keeps out of pmap_determine_addr and grows past its end when the
     * address space there is free. 0 picks the layout's default. Both must
     * be multiples of PMAP_REFILL_BYTES and lie in user space
     * (LIB_ERR_PMAP_NOT_ALIGNED, LIB_ERR_PMAP_ADDR_OUT_OF_RANGE).
     */
    genvaddr_t meta_base;
    gensize_t meta_window_bytes;
    /*
     * A foreign address space (building a child): metadata blocks come from
     * the caller's heap instead, heap_alloc(bytes) returning 8-byte aligned
     * memory or NULL.
     */
    void *(*heap_alloc)(size_t bytes);
    void (*heap_free)(void *block); /* gives a block back at pmap_destroy */
};

/* Counters a caller can watch: everything the pmap holds. */
struct pmap_stats {
    size_t tables;        /* page tables below the root */
    size_t mappings;      /* mapped runs (one capability copy each) */
    size_t meta_blocks;   /* metadata blocks (frames, or heap blocks) */
    size_t vnodes_free;   /* free shadow table nodes in the slab */
    size_t mappings_free; /* free mapping nodes in the slab */
    gensize_t meta_bytes; /* bytes of metadata blocks */
    size_t runs_revoked;  /* runs found already gone at unmap: their frame was revoked or freed */
};

#define PMAP_REFILL_BYTES (64 * 1024)
/* After everything mapped is unmapped, a self-paging pmap holds at most this many metadata
 * blocks more than before the maps (see doc/pmap.md, "Shrinking"). */
#define PMAP_SHRINK_SLACK_BLOCKS 4
#define PMAP_ROOT_NODE_BYTES (64 + 4096 * sizeof(uintptr_t))
#define PMAP_BOOTSTRAP_VNODES 6
#define PMAP_BOOTSTRAP_MAPPINGS 8
#define PMAP_NODE_BYTES_MAX (64 + 512 * sizeof(uintptr_t))
#define PMAP_MAPPING_BYTES_MAX 64
#define PMAP_BOOTSTRAP_BYTES                                                                       \
    (PMAP_ROOT_NODE_BYTES + PMAP_BOOTSTRAP_VNODES * PMAP_NODE_BYTES_MAX +                          \
     PMAP_BOOTSTRAP_MAPPINGS * PMAP_MAPPING_BYTES_MAX)

struct pmap {
    const struct pmap_layout *layout;
    genvaddr_t vaddr_min; /* what the pmap manages: [vaddr_min, layout->user_end) */
    struct capref root_cap;
    genpaddr_t root_base;
    struct pmap_vnode *root;
    struct slab_allocator vnode_slab;
    struct slab_allocator mapping_slab;
    struct pmap_options options;
    genvaddr_t meta_base; /* [meta_base, meta_next) is mapped, up to meta_limit reserved */
    genvaddr_t meta_next;
    genvaddr_t meta_limit;
    genvaddr_t meta_grow_limit; /* the window never grows past a range determine_addr gave */
    void *meta_blocks;          /* list of metadata blocks, threaded through their headers */
    size_t meta_idle[2];        /* per slab: blocks none of whose objects is in use */
    size_t meta_holes;          /* block-sized holes trimming left below meta_next */
    bool refilling;
    bool own_space; /* the domain runs on this root (pmap_init_self): vaddrs are its own */
    genvaddr_t addr_hint;
    struct pmap_stats stats;
    /* The root's shadow node and the first reserve of nodes, as a domain's .bss would hold. */
    _Alignas(16) unsigned char bootstrap[PMAP_BOOTSTRAP_BYTES];
};

/*
 * Takes over the address space rooted at root (an empty root page table of
 * this architecture). Errors: LIB_ERR_PMAP_INIT over the cause.
 */
errval_t pmap_init(struct pmap *pmap, struct capref root, const struct pmap_options *options);

/*
 * pmap_init for a domain the kernel started (init): its own root table
 * (PAGECN_SLOT_VROOT), self-paging metadata, the whole user part of the
 * address space; the image and stack the kernel mapped are adopted from
 * PAGECN with PMAP_ADOPT_KEEP, and address selection starts at
 * DOMAIN_PMAP_VADDR_MIN, above them. Errors: LIB_ERR_PMAP_INIT over the cause.
 */
errval_t pmap_init_self(struct pmap *pmap);

/* pmap_adopt flags: pmap_destroy leaves these mappings in place (the domain's own image). */
#define PMAP_ADOPT_KEEP 1u

/*
 * Takes over mappings made before the pmap existed (by a parent, or the kernel for init): the
 * capabilities in slots [first.slot, first.slot + count) of first.cnode that hold a mapping in
 * this pmap's address space, tables and frames in any order. Each table must be mapped in the
 * root or in another adopted table; slots that are empty, or hold an unmapped copy or something
 * unmappable, are passed over. Afterwards lookup, unmap, modify_flags and address selection
 * treat them as if pmap_map had made them. The capabilities stay the caller's: taking an adopted
 * table or run down unmaps it and leaves the capability in its slot. Only the shadow tree
 * changes (and metadata refills); on failure it is as before. Errors: LIB_ERR_PMAP_ADOPT over
 * LIB_ERR_PMAP_FLAGS_INVALID (unknown flags), _ADOPT_SLOTS, _ADOPT_FLAGS_MIXED,
 * _ADOPT_UNREACHABLE, _ADOPT_OVERLAP, _ADDR_OUT_OF_RANGE, _ADDR_RESERVED (a run in the
 * metadata window), or the identify or refill that failed.
 */
errval_t pmap_adopt(struct pmap *pmap, struct capref first, size_t count, unsigned flags);

/*
 * Unmaps everything, reclaims every table below the root and gives back
 * the metadata blocks; the root capability stays the caller's. Runs adopted
 * with PMAP_ADOPT_KEEP stay mapped, with the tables above them.
 */
errval_t pmap_destroy(struct pmap *pmap);

/*
 * Maps bytes of frame from offset_bytes on at vaddr (all multiples of 4 KiB)
 * with flags (VREGION_FLAGS_*; VREGION_FLAGS_LARGE asks for large pages
 * where address, frame and size allow). Makes missing tables, takes one copy
 * of the frame per table it touches. All or nothing: on failure nothing of
 * the range stays mapped. Errors: LIB_ERR_PMAP_MAP over
 * LIB_ERR_PMAP_NOT_ALIGNED, _SIZE_INVALID, _ADDR_OUT_OF_RANGE,
 * _ADDR_RESERVED, _FRAME_RANGE, _FLAGS_INVALID, _EXISTING_MAPPING, or the
 * allocation or refill that failed.
 */
errval_t pmap_map(struct pmap *pmap, genvaddr_t vaddr, struct capref frame, gensize_t offset_bytes,
                  gensize_t bytes, vregion_flags_t flags);

/*
 * Unmaps every mapped page in [vaddr, vaddr + bytes) (page-aligned; holes
 * are fine), splitting runs and large pages at the borders; tables left
 * empty are reclaimed. Errors: LIB_ERR_PMAP_UNMAP over the cause.
 */
errval_t pmap_unmap(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/*
 * pmap_map for a frame the caller made for this mapping alone (a zero-filled page at a first
 * touch): the pmap maps frame itself, not a copy, and believes frame_base, which the
 * allocation told the caller, rather than identify it; the kernel still checks both. The two
 * invocations that saves are most of a lazy fill's cost. frame must hold no mapping and the
 * range must be one run (within one table, at one page size); the pmap hands the capability
 * back unmapped when pmap_unmap takes the range down, never deletes it. Errors: as pmap_map's
 * (offset 0), and LIB_ERR_PMAP_LENT_RUNS.
 */
errval_t pmap_map_lent(struct pmap *pmap, genvaddr_t vaddr, struct capref frame,
                       genpaddr_t frame_base, gensize_t bytes, vregion_flags_t flags);

/* Sets flags on every mapped page in [vaddr, vaddr + bytes), splitting at the borders. */
errval_t pmap_modify_flags(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes,
                           vregion_flags_t flags);

/* The mapped run that contains vaddr. */
struct pmap_mapping_info {
    genvaddr_t vaddr; /* where the run starts */
    gensize_t bytes;
    struct capref frame;    /* the frame given to pmap_map */
    gensize_t offset_bytes; /* into the frame, of the run's start */
    gensize_t page_bytes;
    vregion_flags_t flags;
};
errval_t pmap_lookup(struct pmap *pmap, genvaddr_t vaddr, struct pmap_mapping_info *ret);

/*
 * A free range of bytes aligned to alignment_bytes (a power-of-two
 * multiple of 4 KiB; 0 means 4 KiB), outside the metadata window. Each call
 * searches on from the end of the last range it handed out (next fit), so a
 * range not mapped yet is not handed out again before the search wraps around
 * the address space. Errors: LIB_ERR_PMAP_NO_VIRTUAL_SPACE,
 * LIB_ERR_PMAP_ALIGNMENT_INVALID, _SIZE_INVALID.
 */
errval_t pmap_determine_addr(struct pmap *pmap, gensize_t bytes, gensize_t alignment_bytes,
                             genvaddr_t *ret);

/*
 * Could [vaddr, vaddr + bytes) be mapped now: in the pmap's range, outside the metadata window
 * and its growth, nothing mapped? Errors: LIB_ERR_PMAP_SIZE_INVALID, _NOT_ALIGNED,
 * _ADDR_OUT_OF_RANGE, _ADDR_RESERVED, _EXISTING_MAPPING.
 */
errval_t pmap_check_free(struct pmap *pmap, genvaddr_t vaddr, gensize_t bytes);

/* The next pmap_determine_addr searches on from vaddr: a caller that keeps ranges of its own
   unmapped (libvspace's lazy regions) passes the search over them. */
void pmap_set_search_start(struct pmap *pmap, genvaddr_t vaddr);

void pmap_get_stats(const struct pmap *pmap, struct pmap_stats *ret);

/* Prints the shadow tree, one line per run (address range, level, slots, pages, flags). */
void pmap_dump(struct pmap *pmap, void (*print)(const char *line));

/* Platform interface: the pointer through which this pmap's own mapped memory at vaddr is
 * reached (on hardware the address itself; on the host a walk of the simulated tables). */
void *pmap_platform_meta_pointer(const struct pmap *pmap, genvaddr_t vaddr);

#endif
