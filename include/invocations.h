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
};

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
    KCHECK_KERNEL_COPY_LOST, /* a DCB's own copy (CSpace root, root table) is not live */
    KCHECK_NUM
};

#define INVOKE_ARGS 8
#define SYSCALL_REGS (3 + INVOKE_ARGS)
#define SYSRET_VALUES 4

enum invocation_cmd {
    /* Any capability: values type, base, bytes, rights. */
    CMD_IDENTIFY = 0,
    /*
     * L1 CNode (the invoked CSpace root; capability addresses in the
     * arguments are resolved through it).
     *   RETYPE(src, offset_bytes, type, obj_bytes, count, dest_cnode, dest_slot)
     *   COPY(dest_cnode, dest_slot, src)
     *   MINT(dest_cnode, dest_slot, src, rights)
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
    /* Frame or DevFrame, on the copy that holds the mapping: MODIFY_FLAGS(first_page, pages,
       flags). */
    CMD_FRAME_MODIFY_FLAGS,
    CMD_NUM
};

struct sysret {
    errval_t error;
    uintptr_t value[SYSRET_VALUES];
};

#endif
