/* The x86-64 trap: syscall with the call number in rax and ten words in registers. */
#include <libcap/invoke.h>
#include <libcap/syscalls.h>

static inline struct sysret trap(uintptr_t w0, uintptr_t w1, uintptr_t w2, const uintptr_t w[8])
{
    register uintptr_t rax __asm__("rax") = w0;
    register uintptr_t rdi __asm__("rdi") = w1;
    register uintptr_t rsi __asm__("rsi") = w2;
    register uintptr_t rdx __asm__("rdx") = w[0];
    register uintptr_t r10 __asm__("r10") = w[1];
    register uintptr_t r8 __asm__("r8") = w[2];
    register uintptr_t r9 __asm__("r9") = w[3];
    register uintptr_t r12 __asm__("r12") = w[4];
    register uintptr_t r13 __asm__("r13") = w[5];
    register uintptr_t r14 __asm__("r14") = w[6];
    register uintptr_t r15 __asm__("r15") = w[7];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "r11", "memory");
    return (struct sysret){.error = rax, .value = {rdi, rsi, rdx, r10, r8, r9}};
}

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    return trap(regs[0], regs[1], regs[2], &regs[3]);
}

/* Straight from the caller's arguments into the registers: an invocation is the common call. */
struct sysret syscall_invoke(capaddr_t invoked, enum invocation_cmd cmd,
                             const uintptr_t args[INVOKE_ARGS])
{
    return trap(SYSCALL_INVOKE, invoked, cmd, args);
}
