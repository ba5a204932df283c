/* What entry.S and the C side agree on: frame offsets, RFLAGS masks, selectors, IST slots. */
#ifndef X86_ENTRY_H
#define X86_ENTRY_H

/*
 * The GDT's selectors. SYSRET takes its layout from STAR[63:48] = USER_BASE_SEL: SS = base + 8,
 * 64-bit CS = base + 16, and a 32-bit CS at base itself, which this kernel leaves null so that
 * no domain can reach compatibility mode.
 */
#define KERNEL_CS 0x08
#define KERNEL_SS 0x10
#define USER_BASE_SEL 0x18
#define USER_COMPAT_CS (USER_BASE_SEL | 3)
#define USER_SS (0x20 | 3)
#define USER_CS (0x28 | 3)
#define TSS_SEL 0x30

/* Byte offsets in struct x86_frame (x86_cpu.h checks them against the struct). */
#define X86_FRAME_RIP 136
#define X86_FRAME_CS 144
#define X86_FRAME_RFLAGS 152
#define X86_FRAME_RSP 160
#define X86_FRAME_BYTES 176

#define X86_RFLAGS_RESERVED 0x2 /* bit 1 always reads as one */
#define X86_RFLAGS_TF 0x100
#define X86_RFLAGS_IF 0x200
#define X86_RFLAGS_DF 0x400

/*
 * SFMASK: SYSCALL clears every defined flag (CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF
 * VIP ID), so the kernel starts each system call with RFLAGS = 0x2 whatever the user set: no
 * single-step trap in ring 0 (TF), no backwards string operations (DF), no SMAP bypass (AC),
 * no interrupts on the user's stack (IF), no IRET #GP from a nested task (NT).
 */
#define X86_SYSCALL_FLAG_MASK 0x3f7fd5

/* The flags that change how the kernel runs (TF IF DF IOPL NT AC), as opposed to status flags
   that every instruction rewrites: none may be set anywhere in the kernel. */
#define X86_CONTROL_FLAGS 0x47700

/*
 * What a return to user mode keeps of a domain's flags: those a domain can set itself with popf
 * (status flags, TF, DF, NT, AC, ID). IOPL, IF, RF, VM, VIF and VIP never come from a frame:
 * IOPL 3 would open the I/O ports; IF is always set on the way out (the timer preempts every
 * domain) and always clear in the kernel.
 */
#define X86_USER_FLAGS 0x244dd5

/* Interrupt stack table slots (1-7) for the exceptions that can strike on a bad stack. */
#define X86_IST_DEBUG 1
#define X86_IST_NMI 2
#define X86_IST_DOUBLE_FAULT 3
#define X86_IST_MACHINE_CHECK 4
#define X86_IST_STACKS 4

/* The interrupt vectors: the timer, and where the LAPIC and the PIC send spurious ones. */
#define X86_VECTOR_TIMER 32
#define X86_VECTOR_PIC_SPURIOUS 39
#define X86_VECTOR_APIC_SPURIOUS 255

/* The lowest address above user space: a user RIP or RSP must lie below it. */
#define X86_USER_TOP_SHIFT 47

#endif
