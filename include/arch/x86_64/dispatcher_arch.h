/* The x86-64 save area of a dispatcher frame: a domain's registers while it is not running. */
#ifndef DISPATCHER_ARCH_H
#define DISPATCHER_ARCH_H

/* Offsets for a domain's resume code (lib/librt), checked against the structs below. */
#define DISPATCHER_DISABLED 0
#define DISPATCHER_ENABLED_AREA 64
#define SAVE_AREA_RAX 0
#define SAVE_AREA_RSI 32
#define SAVE_AREA_RSP 56
#define SAVE_AREA_RIP 128
#define SAVE_AREA_RFLAGS 136

#ifndef __ASSEMBLY__
#include <stdint.h>

/* A word of the dispatcher frame: as wide as the domain's registers. */
typedef uint64_t dispatcher_word_t;

/*
 * The sixteen general registers, rip and rflags. The order is the ABI: the
 * kernel writes and reads it, and a domain's resume code too.
 */
struct dispatcher_save_area {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
};

_Static_assert(__builtin_offsetof(struct dispatcher_save_area, rsi) == SAVE_AREA_RSI &&
                   __builtin_offsetof(struct dispatcher_save_area, rsp) == SAVE_AREA_RSP &&
                   __builtin_offsetof(struct dispatcher_save_area, rip) == SAVE_AREA_RIP &&
                   __builtin_offsetof(struct dispatcher_save_area, rflags) == SAVE_AREA_RFLAGS,
               "resume code offsets");

/* A fresh context: pc with sp, and arg in the first argument register. */
static inline void save_area_start(struct dispatcher_save_area *a, uint64_t pc, uint64_t sp,
                                   uint64_t arg)
{
    *a = (struct dispatcher_save_area){.rip = pc, .rsp = sp, .rdi = arg, .rflags = 0x202};
}

static inline uint64_t save_area_pc(const struct dispatcher_save_area *a)
{
    return a->rip;
}

static inline uint64_t save_area_sp(const struct dispatcher_save_area *a)
{
    return a->rsp;
}

/* Can the domain's own resume code (lib/librt) continue this context? On x86-64 always. */
static inline int save_area_user_resumable(const struct dispatcher_save_area *a)
{
    (void)a;
    return 1;
}
#endif /* __ASSEMBLY__ */

#endif
