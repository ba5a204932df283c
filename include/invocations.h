/* System-call numbers and invocation commands: the ABI between domains and the CPU driver. */
#ifndef INVOCATIONS_H
#define INVOCATIONS_H

#include <errors/errno.h>
#include <stdint.h>

/*
 * A system call carries SYSCALL_REGS words: the call number, then for
 * SYSCALL_INVOKE the invoked capability's address, the command and up to
 * INVOKE_ARGS arguments. Every platform passes exactly these words, in
 * registers on hardware and as an array on the hosted platform.
 */
enum syscall_number {
    SYSCALL_INVOKE = 1,
    SYSCALL_PUTCHAR = 2, /* (character): writes it to the kernel console */
    SYSCALL_EXIT = 3,    /* (status): the domain is done */
    SYSCALL_DEBUG = 4,   /* (debug_cmd): the kernel's self-checks, for test suites */
    SYSCALL_YIELD = 5,   /* (): the next runnable domain runs; this one is dispatched anew later */
    SYSCALL_WAIT = 6,    /* (): returns when the domain's receive buffer holds a message */
};

/* SYSCALL_DEBUG commands. */
enum debug_cmd {
    /*
     * Runs the invariant checker over all kernel state and compares the
     * kernel's text with its checksum from boot. Errors:
     * SYS_ERR_KERNEL_INVARIANT (value[0]: which invariant, enum kcheck_invariant),
     * SYS_ERR_KERNEL_TEXT_CHANGED.
     */
    DEBUG_CHECK_KERNEL = 1,
    /*
     * DEBUG_TRANSLATE(vaddr): walks the root page table the caller runs on
     * towards vaddr, as the MMU would, and reports the entry the walk ends
     * at: the one mapping vaddr's page, or the first absent one. value[0]:
     * DEBUG_TRANSLATE_LEVEL() of that entry's table (0: the root),
     * DEBUG_TRANSLATE_PRESENT if it maps a page, and DEBUG_TRANSLATE_LOG2()
     * of the bytes the entry spans; value[1]: the page's physical base;
     * value[2]: its rights and memory type (VREGION_FLAGS_*); value[3]: the
     * raw entry. Nothing but the caller's own tables is read. Errors:
     * SYS_ERR_TRANSLATE_NO_ROOT, SYS_ERR_TRANSLATE_NOT_USER (the kernel's
     * half, or beyond what the root indexes: non-canonical on x86-64).
     */
    DEBUG_TRANSLATE = 2,
};

#define DEBUG_TRANSLATE_PRESENT ((uintptr_t)1 << 8)
#define DEBUG_TRANSLATE_LOG2_SHIFT 16
#define DEBUG_TRANSLATE_LEVEL(word) ((int)((word)&0xff))
#define DEBUG_TRANSLATE_LOG2(word) ((unsigned)(((word) >> DEBUG_TRANSLATE_LOG2_SHIFT) & 0xff))

/* Which invariant of kernel state a failed DEBUG_CHECK_KERNEL found broken (doc/security.md). */
enum kcheck_invariant {
    KCHECK_OK = 0,
    KCHECK_INDEX_SHAPE,      /* the derivation index is not a well-formed treap */
    KCHECK_OBJECTS_OVERLAP,  /* two live objects overlap without being copies or nested */
    KCHECK_BAD_DERIVATION,   /* an object lies inside one of a type it cannot come from */
    KCHECK_ENTRY_UNCOVERED,  /* a present entry of a live table has no matching mapping record */
    KCHECK_RECORD_DANGLING,  /* a record's table is dead, or its entries are absent or differ */
    KCHECK_RIGHTS_EXCEEDED,  /* an entry grants more than its capability's rights allow */
    KCHECK_TABLE_ALIASED,    /* a table is mapped through more than one copy */
    KCHECK_KERNEL_COPY_LOST, /* a DCB's own copy (CSpace root, root table, frame) is not live */
    KCHECK_NUM
};

#define INVOKE_ARGS 8
#define SYSCALL_REGS (3 + INVOKE_ARGS)
#define SYSRET_VALUES 6

enum invocation_cmd {
    /*
     * Any capability: values type, base, bytes, rights, and a word of the
     * type's own (Dispatcher: its state and exit status, DISPATCHER_STATE()
     * and DISPATCHER_STATUS() of include/dispatcher.h; others: 0).
     */
    CMD_IDENTIFY = 0,
    /*
     * L1 CNode (the invoked CSpace root; capability addresses in the
     * arguments are resolved through it).
     *   RETYPE(src, offset_bytes, type, obj_bytes, count, dest_cnode, dest_slot)
     *   COPY(dest_cnode, dest_slot, src)
     *   MINT(dest_cnode, dest_slot, src, rights, badge): badge 0 keeps the source's; an
     *     unbadged Endpoint may be minted with a badge (32 bits) that the kernel then delivers
     *     with every message sent through the copy; a badge never changes once set
     *   DELETE(target)
     *   REVOKE(target)
     */
    CMD_CNODE_RETYPE,
    CMD_CNODE_COPY,
    CMD_CNODE_MINT,
    CMD_CNODE_DELETE,
    CMD_CNODE_REVOKE,
    /*
     * VNode (a page table; needs the write right). Capability addresses are
     * resolved through the caller's CSpace.
     *   MAP(slot, src, flags, offset_bytes, pte_count)
     *   UNMAP(src, slot, pte_count)
     *   DUMP(): prints the tables below this one on the kernel console
     */
    CMD_VNODE_MAP,
    CMD_VNODE_UNMAP,
    CMD_VNODE_DUMP,
    /*
     * Frame or DevFrame, on the copy that holds the mapping: MODIFY_FLAGS(first_page, pages,
     * flags, vaddr_hint). vaddr_hint says where first_page lies in the caller's own address
     * space (0: not said); the kernel flushes the TLB there after a walk of the caller's tables
     * confirms it, and otherwise finds the address itself. A wrong hint costs time, never a
     * stale translation.
     */
    CMD_FRAME_MODIFY_FLAGS,
    /*
     * Dispatcher (needs the write right; doc/domains.md). Capability
     * addresses are resolved through the caller's CSpace.
     *   SETUP(cspace, vroot, frame, frame_vaddr, entry, stack_top): the
     *     domain's root CNode, root page table and dispatcher frame (a RAM
     *     frame of a page or more, read-write), where the domain maps that
     *     frame, and where it starts (disabled, with frame_vaddr as its first
     *     argument). The kernel keeps its own copies of the three.
     *   RUN(): the domain joins the round-robin queue.
     *   STOP(): it leaves it (and stops at once if it is the caller).
     */
    CMD_DISPATCHER_SETUP,
    CMD_DISPATCHER_RUN,
    CMD_DISPATCHER_STOP,
    /*
     * Endpoint (needs the write right): SEND(flags, cap, length, w0, w1, w2, w3)
     * puts length (at most LMP_MSG_WORDS) words, and with LMP_SEND_CAP_COPY or
     * _MOVE the capability at cap (in the caller's CSpace), into the receive
     * buffer of the endpoint's domain (include/dispatcher.h), and wakes it.
     */
    CMD_ENDPOINT_SEND,
    /*
     * Frame, DevFrame or VNode: the mapping this copy holds (the kernel's record of it), so that
     * a domain handed capabilities that are already mapped can learn its own address space.
     * value[0]: the physical base of the table it is mapped in; value[1]: the offset into the
     * object of the first entry (0 for a table); value[2]: the first entry and the count
     * (IDENTIFY_MAPPING_SLOT/_COUNT); value[3]: the table's type, the flags the entries carry
     * (VREGION_FLAGS_*; 0 for a table) and IDENTIFY_MAPPING_MIXED when they differ (a
     * modify_flags of part of the run): then the flags are the first entry's. Errors: lookup
     * errors, SYS_ERR_ILLEGAL_INVOCATION (another type), SYS_ERR_VM_NOT_MAPPED (this copy holds
     * no mapping; other copies of the object may).
     */
    CMD_IDENTIFY_MAPPING,
    /*
     * Frame or DevFrame, on the copy that holds the mapping: SPLIT_MAPPING(at, dest). The record
     * keeps its first `at` entries and dest, an unmapped copy of the same object with at least
     * this copy's rights (resolved through the caller's CSpace), takes the rest. No entry changes
     * and nothing is flushed: a run that holds the code, stack or data the caller is running on
     * can be split. Errors: lookup errors (dest), SYS_ERR_VM_NOT_MAPPED, SYS_ERR_VM_BEYOND_MAPPING
     * (at is 0 or not below the count), SYS_ERR_VM_SPLIT_NOT_A_COPY, SYS_ERR_VM_RIGHTS_EXCEED,
     * SYS_ERR_VM_ALREADY_MAPPED (dest holds a mapping).
     */
    CMD_FRAME_SPLIT_MAPPING,
    /*
     * Dispatcher (needs the write right; doc/selfpaging.md, "The external pager").
     *   SET_FAULT_EP(ep): the Endpoint at ep (write right; 0: none) receives the domain's
     *     faults, with its badge; the kernel keeps the pager and the badge, not the capability.
     *   RESUME(flags): a domain blocked on a fault runs the faulting instruction again, or with
     *     DISPATCHER_RESUME_DECLINE ends with the fault reported.
     */
    CMD_DISPATCHER_SET_FAULT_EP,
    CMD_DISPATCHER_RESUME,
    /*
     * VNode: MAP_COPY(slot, src, flags, offset_bytes, pte_count, root, dest_cnode, dest_slot):
     * COPY(dest_cnode, dest_slot, src) as invoked on the L1 CNode at root (an address in the
     * caller's CSpace; src and dest_cnode are resolved through root, as COPY resolves them),
     * then MAP of that copy, as one call. All or nothing: when the map is refused the copy is
     * deleted again and dest_slot stays empty. Errors: root's lookup errors and
     * SYS_ERR_ILLEGAL_INVOCATION (not an L1 CNode), then COPY's, then MAP's.
     */
    CMD_VNODE_MAP_COPY,
    /*
     * L1 CNode: RECLAIM(target): REVOKE, then DELETE of target, as one call; values as
     * IDENTIFY's before the call (type, base, bytes, rights, the type's word), which an
     * allocator's free needs to take the memory back. Errors: lookup errors,
     * SYS_ERR_CNODE_NOT_WRITABLE, SYS_ERR_DELETE_ROOT_CNODE, SYS_ERR_REVOKE_NEEDS_GRANT; each
     * before anything changes.
     */
    CMD_CNODE_RECLAIM,
    CMD_NUM
};

/* The words of CMD_IDENTIFY_MAPPING's value[2] and value[3]. */
#define IDENTIFY_MAPPING_COUNT_SHIFT 16
#define IDENTIFY_MAPPING_SLOT(word) ((unsigned)((word)&0xffff))
#define IDENTIFY_MAPPING_COUNT(word) ((unsigned)(((word) >> IDENTIFY_MAPPING_COUNT_SHIFT) & 0xffff))
#define IDENTIFY_MAPPING_FLAGS_SHIFT 8
#define IDENTIFY_MAPPING_TABLE_TYPE(word) ((unsigned)((word)&0xff))
#define IDENTIFY_MAPPING_FLAGS(word) ((unsigned)(((word) >> IDENTIFY_MAPPING_FLAGS_SHIFT) & 0xff))
#define IDENTIFY_MAPPING_MIXED ((uintptr_t)1 << 16)

struct sysret {
    errval_t error;
    uintptr_t value[SYSRET_VALUES];
};

#endif
