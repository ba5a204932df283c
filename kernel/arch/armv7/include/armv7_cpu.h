/* What the ARMv7 exception entry saves, and entering user mode. */
#ifndef ARMV7_CPU_H
#define ARMV7_CPU_H

#include <stdint.h>

/*
 * In stack order: the supervisor lr (the interrupted kernel's, for a fault in
 * the kernel), the user-mode sp and lr, r0-r12, then what srs stored.
 * vectors.S knows these offsets (FRAME_CPSR).
 */
struct armv7_frame {
    uint32_t svc_lr;
    uint32_t usr_sp, usr_lr;
    uint32_t r[13];
    uint32_t pc, cpsr;
};

#define PSR_MODE_MASK 0x1f
#define PSR_MODE_USR 0x10
#define PSR_MODE_SVC 0x13
#define PSR_IRQ_FIQ_MASKED 0xc0
#define PSR_THUMB (1u << 5)

/* Enters the first domain: the scheduler has loaded its registers into armv7_user_frame(). */
_Noreturn void armv7_enter_first_domain(void);

/* The frame every exception from user mode saves at the top of the supervisor stack. */
struct armv7_frame *armv7_user_frame(void);

/* The timer (timer.c): the virtual generic timer through the GIC the device tree names. */
void armv7_timer_init(const void *dtb);
void armv7_irq(void);

#endif
