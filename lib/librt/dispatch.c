/* A domain's side of dispatch: its dispatcher frame, the run upcall, and enabling itself. */
#include <disp.h>
#include <stdint.h>
#include <stdlib.h>

extern char disp_run_entry[], disp_resume_crit_start[], disp_resume_crit_end[];
_Noreturn void disp_resume(struct dispatcher_shared *frame);
_Noreturn void disp_run_upcall(struct dispatcher_shared *frame);

static struct dispatcher_shared *own_frame;
static _Alignas(16) uint8_t upcall_stack[4096];

/* Every dispatch of the enabled domain lands here, disabled: one thread resumes where it was. */
_Noreturn void disp_run_upcall(struct dispatcher_shared *frame)
{
    disp_resume(frame);
}

void disp_init(struct dispatcher_shared *frame)
{
    own_frame = frame;
    frame->upcall_stack = (dispatcher_word_t)(uintptr_t)(upcall_stack + sizeof(upcall_stack));
    frame->crit_pc_low = (dispatcher_word_t)(uintptr_t)disp_resume_crit_start;
    frame->crit_pc_high = (dispatcher_word_t)(uintptr_t)disp_resume_crit_end;
    frame->run_entry = (dispatcher_word_t)(uintptr_t)disp_run_entry;
    __asm__ volatile("" : : : "memory"); /* the upcall is set up before the domain enables */
    frame->disabled = 0;
}

struct dispatcher_shared *disp_frame(void)
{
    return own_frame;
}

int main(void);
_Noreturn void librt_start(struct dispatcher_shared *frame);

_Noreturn void librt_start(struct dispatcher_shared *frame)
{
    disp_init(frame);
    exit(main());
}
