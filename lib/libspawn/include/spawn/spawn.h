/* libspawn: a parent builds a child domain from a boot module, in init's layout, and frees it. */
#ifndef SPAWN_SPAWN_H
#define SPAWN_SPAWN_H

#include <bootinfo.h>
#include <dispatcher.h>
#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <spawn/elf_image.h>

/* A boot module as init holds it: a read-only Frame in MODULECN (include/bootinfo.h). */
struct spawn_module {
    struct capref frame;
    gensize_t bytes;
};

/*
 * Finds the boot module called name through the boot information
 * (TASKCN_SLOT_BOOTINFO), which it maps read-only into parent for the
 * look-up. Errors: LIB_ERR_SPAWN_MODULE_NOT_FOUND, LIB_ERR_SPAWN_BOOTINFO (no
 * frame there, a bad magic or count, or a module larger than its frame),
 * LIB_ERR_SPAWN_PARENT_MAP over the mapping's error.
 */
errval_t spawn_find_module(struct pmap *parent, const char *name, struct spawn_module *ret);

/* What the caller may choose; zeroes choose the defaults. */
struct spawn_options {
    gensize_t ram_bytes;               /* RAM for the child's SUPERCN slot 0 (1 MiB) */
    size_t rootcn_slots;               /* L1 slots of its root CNode, a multiple of 256 (256) */
    void *(*heap_alloc)(size_t bytes); /* where its pmap's metadata lives (malloc) */
    void (*heap_free)(void *block);    /* (free) */
};

#define SPAWN_RAM_BYTES_DEFAULT (1024 * 1024)
#define SPAWN_ROOTCN_SLOTS_DEFAULT 256
/* Frames of an image, its stack and its dispatcher frame: one per leaf table each touches. */
#define SPAWN_FRAMES_MAX 64

/* An L2 CNode of the child, installed at L1 slot l1 of the parent's root while the child lives. */
struct spawn_cnode {
    uint32_t l1;
    genpaddr_t base;
    bool made;
};

/*
 * Everything a child is made of. The parent keeps it for spawn_free; its
 * dispatcher runs on rootcn, vroot, dispframe, entry and stack_top.
 */
struct spawninfo {
    struct pmap *parent;    /* the parent's own pmap: where it maps frames to fill them */
    struct pmap vspace;     /* the child's address space, managed from the parent */
    bool vspace_live;       /* vspace was initialised */
    struct capref rootcn;   /* the child's L1 CNode, in a slot of the parent */
    genpaddr_t rootcn_base; /* and the RAM it was retyped from */
    gensize_t rootcn_bytes;
    struct spawn_cnode taskcn, supercn, slot_alloc0, pagecn;
    struct slot_redirect pagecn_slots; /* which PAGECN slots hold the child's tables and frames */
    struct capref ram;                 /* the RAM delegated; SUPERCN slot 0 holds a copy */
    struct capref vroot;               /* the child's root table, PAGECN_SLOT_VROOT */
    genpaddr_t vroot_base;             /* where it was made */
    struct capref
        frames[SPAWN_FRAMES_MAX]; /* the image's, stack's, dispatcher frame's (parent's) */
    struct capref frame_grants[SPAWN_FRAMES_MAX]; /* each minted without grant: what is mapped */
    size_t frame_count;
    struct capref dispframe; /* the last of frames: mapped at DOMAIN_DISPATCHER_FRAME_VADDR */
    char name[DISPATCHER_NAME_BYTES]; /* the module's name: the kernel's name for the domain */
    struct capref disp; /* spawn_start: the child's Dispatcher (TASKCN_SLOT_DISPATCHER: a copy) */
    struct capref child_ep; /* and the parent's Endpoint to the child */
    bool started;
    genvaddr_t entry;
    genvaddr_t stack_top;
    void *(*heap_alloc)(size_t bytes);
    void (*heap_free)(void *block);
};

/*
 * Builds a child from the boot module called module_name (parent: the
 * caller's own pmap, options may be NULL). The child's CSpace has init's
 * layout (include/init_cspace.h): TASKCN with a copy of its root CNode at
 * TASKCN_SLOT_ROOTCN; SUPERCN with options->ram_bytes of RAM at slot 0 (a
 * copy of si->ram); an empty SLOT_ALLOC0; PAGECN with the root table at
 * PAGECN_SLOT_VROOT, then for each loadable segment and then the stack, leaf
 * table by leaf table, the tables made on the way down and the frame mapped
 * there, then the dispatcher frame, as the kernel's spawn.c lays out init's
 * (each table and frame in PAGECN is the copy that holds its mapping);
 * TASKCN_SLOT_DISPFRAME holds a copy of the dispatcher frame. PHYSADDRCN and
 * MODULECN stay empty. The image, the stack (DOMAIN_STACK_BYTES below
 * DOMAIN_STACK_TOP) and the dispatcher frame (at
 * DOMAIN_DISPATCHER_FRAME_VADDR) are mapped through si->vspace, a pmap whose
 * metadata is on the heap; the segments with their rights (read, write,
 * execute as the ELF says), the stack and the dispatcher frame read-write,
 * all zeroed beyond the file's bytes. On
 * failure everything made so far is freed again. Errors: LIB_ERR_SPAWN_LOAD
 * over the cause (spawn_find_module's, spawn_elf_check's,
 * LIB_ERR_SPAWN_CSPACE, LIB_ERR_SPAWN_PARENT_MAP, LIB_ERR_SPAWN_CHILD_MAP,
 * LIB_ERR_SPAWN_IMAGE_TOO_BIG, each over what failed).
 */
errval_t spawn_load(struct spawninfo *si, struct pmap *parent, const char *module_name,
                    const struct spawn_options *options);

/*
 * Starts a child spawn_load built: names its dispatcher frame after the
 * module, makes its Dispatcher (a copy at TASKCN_SLOT_DISPATCHER), copies
 * parent_ep (an Endpoint the caller holds, normally to itself; NULL_CAP: none)
 * to TASKCN_SLOT_PARENT, makes si->child_ep, an Endpoint to the child, sets
 * the dispatcher up (doc/domains.md) and makes it runnable. The child runs at
 * the next dispatch: yield, wait or the timer. Errors:
 * LIB_ERR_SPAWN_NOT_LOADED (si not loaded, or started already), else
 * LIB_ERR_SPAWN_START over the cause; a failed start leaves the child loaded
 * and not started, to be freed with spawn_free.
 */
errval_t spawn_start(struct spawninfo *si, struct capref parent_ep);

/*
 * Ends the child if it was started (destroying its Dispatcher, and with it
 * si->child_ep and every Endpoint to it), then frees everything spawn_load
 * made: the child's address space (tables,
 * mappings, metadata), its frames, its RAM (and whatever the child retyped
 * from it), its CNodes and the parent's L1 slots; RAM, slots and shared table
 * pages are back where they were before spawn_load (the parent's heap keeps
 * what it grew). Errors: LIB_ERR_SPAWN_FREE over the first failure (it goes
 * on with the rest).
 */
errval_t spawn_free(struct spawninfo *si);

/*
 * The child's faults go to ep (an Endpoint the caller holds, badged to tell children apart;
 * NULL_CAP: none) from now on: at each one the kernel blocks the child and sends ep's domain a
 * fault message (librt's pager_recv); spawn_pager_resume lets it run the faulting instruction
 * again (after a map through si->vspace, say), or with DISPATCHER_RESUME_DECLINE ends it with
 * the fault reported (doc/selfpaging.md). Errors: LIB_ERR_SPAWN_NOT_LOADED (not started), else
 * the dispatcher's (LIB_ERR_DISPATCHER_FAULT_EP, _RESUME over the kernel's).
 */
errval_t spawn_set_pager(struct spawninfo *si, struct capref ep);
errval_t spawn_pager_resume(struct spawninfo *si, uintptr_t flags);

/* How the parent names slot of the child's L2 CNode at child L1 slot l1 (TASKCN ... PAGECN). */
struct capref spawn_child_slot(const struct spawninfo *si, uint32_t l1, cslot_t slot);

#endif
