/* The ARMv7 trap: svc #0 with the call number in r0 and ten words in r1-r10. */
#include <libcap/invoke.h>
#include <libcap/syscalls.h>

static inline struct sysret trap(uintptr_t w0, uintptr_t w1, uintptr_t w2, const uintptr_t w[8])
{
    register uintptr_t r0 __asm__("r0") = w0;
    register uintptr_t r1 __asm__("r1") = w1;
    register uintptr_t r2 __asm__("r2") = w2;
    register uintptr_t r3 __asm__("r3") = w[0];
    register uintptr_t r4 __asm__("r4") = w[1];
    register uintptr_t r5 __asm__("r5") = w[2];
    register uintptr_t r6 __asm__("r6") = w[3];
    register uintptr_t r7 __asm__("r7") = w[4];
    register uintptr_t r8 __asm__("r8") = w[5];
    register uintptr_t r9 __asm__("r9") = w[6];
    register uintptr_t r10 __asm__("r10") = w[7];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8), "+r"(r9), "+r"(r10)
                     :
                     : "memory");
    return (struct sysret){.error = ((errval_t)r1 << 32) | r0, .value = {r2, r3, r4, r5, r6, r7}};
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
