/* The raw system calls a domain makes, and the few that are not invocations. */
#ifndef LIBCAP_SYSCALLS_H
#define LIBCAP_SYSCALLS_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <invocations.h>
#include <paging_flags.h>

/* The platform's trap: regs as in include/invocations.h (host: a call into the hosted kernel). */
struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS]);

/* The words of an invocation as syscall_raw takes them, for a trap that wants them in memory. */
static inline void invoke_words(uintptr_t regs[SYSCALL_REGS], capaddr_t invoked,
                                enum invocation_cmd cmd, const uintptr_t args[INVOKE_ARGS])
{
    regs[0] = SYSCALL_INVOKE;
    regs[1] = invoked;
    regs[2] = cmd;
    for (int i = 0; i < INVOKE_ARGS; i++) {
        regs[3 + i] = args[i];
    }
}

/* Writes one character to the kernel console. */
void sys_putchar(char c);

/* Ends the domain with status (0: success). */
void sys_exit(uint64_t status);

/* Lets the next runnable domain run; this one is dispatched anew later (doc/domains.md). */
void sys_yield(void);

/* Returns once the domain's receive buffer holds a message (at once if it does already). */
void sys_wait(void);

/*
 * Asks the kernel to check itself (DEBUG_CHECK_KERNEL): SYS_ERR_OK, or
 * SYS_ERR_KERNEL_INVARIANT with the invariant's number in *detail, or
 * SYS_ERR_KERNEL_TEXT_CHANGED. detail may be NULL.
 */
errval_t sys_debug_check_kernel(uintptr_t *detail);

/* What the hardware tables of the calling domain hold for one address (DEBUG_TRANSLATE). */
struct debug_translation {
    int level;             /* the level of the table whose entry ended the walk (0: the root) */
    bool present;          /* that entry maps a page */
    gensize_t bytes;       /* what the entry spans: the page's size, or the hole's */
    genpaddr_t paddr;      /* the page's physical base (present only) */
    vregion_flags_t flags; /* the page's rights and memory type as decoded by the kernel */
    uint64_t entry;        /* the raw entry, for checks of the format's own bits */
};

/*
 * Asks the kernel to walk the domain's own page tables towards vaddr, as the
 * MMU would (any address; no alignment). Errors: SYS_ERR_TRANSLATE_NOT_USER
 * (outside the user half, or a vaddr no trap word can carry),
 * SYS_ERR_TRANSLATE_NO_ROOT.
 */
errval_t sys_debug_translate(uint64_t vaddr, struct debug_translation *ret);

#endif
