/* ARMv7 user-level dispatch: the run upcall's entry, and resuming the enabled save area. */
#include <dispatcher_arch.h>

    .text
    .arm
/* The kernel enters here, disabled, with r0 the dispatcher frame and sp the upcall stack. */
    .globl disp_run_entry
disp_run_entry:
    bic sp, sp, #7
    bl disp_run_upcall
1:  b 1b

/* An exception enters here, disabled, with r0 the frame and sp the exception stack. */
    .globl disp_exception_entry
disp_exception_entry:
    bic sp, sp, #7
    bl disp_exception_upcall
1:  b 1b

/*
 * disp_resume(frame): loads every register of frame->enabled_area and continues there, enabled.
 * A Thumb context (CPSR.T) gets bit 0 of its pc set: the ldm into pc then switches to Thumb (a
 * context inside an IT block the kernel resumes itself). The flags go next (user mode may write
 * NZCVQ and GE); one ldm then loads r0-r15. From the
 * moment disabled is cleared until that ldm has left, a preempted pc lies in [crit_start,
 * crit_end): the kernel then saves into the disabled area, and the resumed code finishes this.
 */
    .globl disp_resume, disp_resume_crit_start, disp_resume_crit_end
disp_resume:
    add r1, r0, #DISPATCHER_ENABLED_AREA
    ldr r2, [r1, #SAVE_AREA_CPSR]
    tst r2, #0x20
    ldrne r3, [r1, #SAVE_AREA_PC]
    orrne r3, r3, #1
    strne r3, [r1, #SAVE_AREA_PC]
    msr APSR_nzcvqg, r2
disp_resume_crit_start:
    mov r2, #0
    str r2, [r0, #DISPATCHER_DISABLED]
    ldm r1, {r0-r15}
disp_resume_crit_end:

    .section .note.GNU-stack, "", %progbits
