/* The x86-64 trap: syscall with the call number in rax and ten words in registers. */
#include <libcap/syscalls.h>

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    register uintptr_t rax __asm__("rax") = regs[0];
    register uintptr_t rdi __asm__("rdi") = regs[1];
    register uintptr_t rsi __asm__("rsi") = regs[2];
    register uintptr_t rdx __asm__("rdx") = regs[3];
    register uintptr_t r10 __asm__("r10") = regs[4];
    register uintptr_t r8 __asm__("r8") = regs[5];
    register uintptr_t r9 __asm__("r9") = regs[6];
    register uintptr_t r12 __asm__("r12") = regs[7];
    register uintptr_t r13 __asm__("r13") = regs[8];
    register uintptr_t r14 __asm__("r14") = regs[9];
    register uintptr_t r15 __asm__("r15") = regs[10];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "r11", "memory");
    return (struct sysret){.error = rax, .value = {rdi, rsi, rdx, r10, r8, r9}};
}
