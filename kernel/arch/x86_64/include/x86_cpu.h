/* The x86-64 CPU set-up: segments, the task state, interrupt and system-call entry. */
#ifndef X86_CPU_H
#define X86_CPU_H

#include <stdint.h>
#include <x86_entry.h>

/* What the entry stubs push: the registers, then the vector, error code and the CPU's frame. */
struct x86_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(__builtin_offsetof(struct x86_frame, rip) == X86_FRAME_RIP, "entry.S frame");
_Static_assert(__builtin_offsetof(struct x86_frame, cs) == X86_FRAME_CS, "entry.S frame");
_Static_assert(__builtin_offsetof(struct x86_frame, rflags) == X86_FRAME_RFLAGS, "entry.S frame");
_Static_assert(__builtin_offsetof(struct x86_frame, rsp) == X86_FRAME_RSP, "entry.S frame");
_Static_assert(sizeof(struct x86_frame) == X86_FRAME_BYTES, "boot.S frame");

void x86_gdt_init(void);
void x86_idt_init(void);
void x86_syscall_init(void);

/* Enables SMEP, SMAP, NX and WP where the CPU has them and prints which are on. */
void x86_protect_init(void);

/* A seed for the derivation index's priorities, from the best source the CPU has. */
uint64_t x86_boot_seed(void);

/*
 * A fault the domain caused (f->cs has RPL 3): the standard report, then the domain ends and
 * f holds the next domain's registers (init's end ends the machine).
 */
void x86_user_fault(struct x86_frame *f);

/* The frame every entry from user mode builds at the top of the kernel stack (context.c). */
struct x86_frame *x86_user_frame(void);

/* Enters the first domain: the scheduler has loaded its registers into x86_user_frame(). */
_Noreturn void x86_enter_first_domain(void);

/* The timer (timer.c): the LAPIC's, or the PIT through the PIC on a CPU without one. */
void x86_timer_init(void);
void x86_interrupt(int vector);

#endif
