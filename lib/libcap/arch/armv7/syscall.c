/* The ARMv7 trap: svc #0 with the call number in r0 and ten words in r1-r10. */
#include <libcap/syscalls.h>

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    register uintptr_t r0 __asm__("r0") = regs[0];
    register uintptr_t r1 __asm__("r1") = regs[1];
    register uintptr_t r2 __asm__("r2") = regs[2];
    register uintptr_t r3 __asm__("r3") = regs[3];
    register uintptr_t r4 __asm__("r4") = regs[4];
    register uintptr_t r5 __asm__("r5") = regs[5];
    register uintptr_t r6 __asm__("r6") = regs[6];
    register uintptr_t r7 __asm__("r7") = regs[7];
    register uintptr_t r8 __asm__("r8") = regs[8];
    register uintptr_t r9 __asm__("r9") = regs[9];
    register uintptr_t r10 __asm__("r10") = regs[10];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8), "+r"(r9), "+r"(r10)
                     :
                     : "memory");
    return (struct sysret){.error = ((errval_t)r1 << 32) | r0, .value = {r2, r3, r4, r5, r6, r7}};
}
