/* Helpers for the dispatcher suites: a domain's objects carved from a RAM piece of its own. */
#ifndef HOST_TEST_DISPATCHER_SUPPORT_H
#define HOST_TEST_DISPATCHER_SUPPORT_H

#include "paging_support.h"
#include <dispatcher.h>

/* Where a domain starts and sees its dispatcher frame: user addresses on both formats. */
#define DOM_ENTRY 0x401000
#define DOM_STACK_TOP 0x7f0000
#define DOM_FRAME_VADDR 0x600000

/*
 * A domain in the making: its dispatcher, CSpace root (an L1 CNode of 256
 * slots), root table and dispatcher frame, each carved from one RAM piece
 * (in init's CSpace through the paging helpers' slots), so that "everything
 * came back" is one retype over the whole piece.
 */
struct dom {
    capaddr_t piece, disp, cspace, vroot, frame;
    capaddr_t probe;       /* an empty slot for piece probes */
    genpaddr_t piece_base; /* physical base of the piece */
    size_t caps_before;    /* live capabilities before the piece was made */
};

/* Offsets of the objects in the piece (the ARMv7 root table wants 16 KiB alignment). */
#define DOM_AT_DISP 0
#define DOM_AT_CSPACE (32 * 1024)
#define DOM_AT_VROOT (64 * 1024)
#define DOM_AT_FRAME (96 * 1024)
#define DOM_PIECE_BYTES (128 * 1024)

/* Makes the piece and the four objects; names the domain in its frame. */
void dom_make(struct dom *d, const char *name);

/* The domain each test of the dispatcher suites starts with ("child"), made by their fixture. */
extern struct dom dom_under_test;
TCase *dom_tcase(Suite *s, const char *name);

/* SETUP with d's own objects, DOM_FRAME_VADDR, DOM_ENTRY and DOM_STACK_TOP. */
errval_t dom_setup(const struct dom *d);

/* SETUP, then RUN: the domain waits in the queue behind init. */
void dom_start(const struct dom *d);

/* The dispatcher frame as the kernel sees it. */
struct dispatcher_shared *dom_shared(const struct dom *d);

/* Retypes the object range [offset, offset + bytes) of the piece into a frame: the kernel's
   answer (SYS_ERR_RETYPE_OVERLAP while something there lives), the probe deleted again. */
errval_t dom_retype_over(const struct dom *d, gensize_t offset, gensize_t bytes);

/* Is nothing of the piece alive any more (the whole piece can be retyped)? */
bool dom_piece_free(const struct dom *d);

/* Deletes init's copies of d's CSpace, root table and frame (the kernel's stay while held). */
void dom_delete_user_copies(const struct dom *d);

/* Does the kernel still hold d's CSpace, root table and frame (retype over each is refused)? */
void dom_assert_held(const struct dom *d, bool held);

/* Everything of d gone: the piece retypes whole and goes, the count is back where it was. */
void dom_assert_all_back(const struct dom *d);

/* identify's word of the type (value[4]) for the capability at addr. */
uintptr_t word_of(capaddr_t addr);

/* What identify says of a dispatcher in state s that ended with status (0 if it did not). */
#define DISPATCHER_WORD(s, status) ((uintptr_t)(s) | ((uintptr_t)(status) << 8))

/* A read-only (or other) copy of addr in a fresh slot. */
capaddr_t mint_copy(capaddr_t addr, caprights_t rights);

/* The first address of the kernel's half (what the root cannot map for a domain). */
uint64_t kernel_half(void);

/* The registers a domain starting at pc with sp and first argument arg has. */
struct dispatcher_save_area regs_at(uint64_t pc, uint64_t sp, uint64_t arg);
bool regs_equal(const struct dispatcher_save_area *a, const struct dispatcher_save_area *b);

/* DEBUG_CHECK_KERNEL as the domain that runs now must pass. */
void assert_kernel_ok(void);

Suite *dispatcher_suite(void);
Suite *dispatch_suite(void);
Suite *endpoint_suite(void);
Suite *pager_suite(void);

/* A write page fault (not present) of the running domain at vaddr, its registers regs, taken as
   the booted kernels take one (exception_user). */
void dom_fault_write(uint64_t vaddr, uint64_t ip, const struct dispatcher_save_area *regs);

/* The root table dom runs in. */
genpaddr_t dom_vroot(const struct dom *dom);

/* MINT with a badge, invoked on the CNode root names (the caller's own root, or another
   domain's while it runs), into slot. */
errval_t dom_mint_badged(capaddr_t root, capaddr_t slot, capaddr_t src, caprights_t rights,
                         uint64_t badge);

/* A new unbadged Endpoint to dom, in a fresh slot of init's. */
capaddr_t dom_endpoint(const struct dom *dom);

#endif
