/* The x86-64 CPU set-up: segments, the task state, interrupt and system-call entry. */
#ifndef X86_CPU_H
#define X86_CPU_H

#include <stdint.h>

#define KERNEL_CS 0x08
#define KERNEL_SS 0x10
#define USER_BASE_SEL 0x18 /* sysret: SS = base + 8, CS = base + 16, RPL 3 */
#define USER_SS (0x20 | 3)
#define USER_CS (0x28 | 3)
#define TSS_SEL 0x30

/* What the entry stubs push: the registers, then the vector, error code and the CPU's frame. */
struct x86_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

void x86_gdt_init(void);
void x86_idt_init(void);
void x86_syscall_init(void);

/* Enters user mode at rip with stack rsp; never returns. */
_Noreturn void x86_enter_user(uint64_t rip, uint64_t rsp);

#endif
