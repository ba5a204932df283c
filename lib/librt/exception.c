/* A domain's own exception handling: the upcall the kernel enters on a fault, then the resume. */
#include <disp.h>

extern char disp_exception_entry[];
_Noreturn void disp_resume(struct dispatcher_shared *frame);
_Noreturn void disp_exception_upcall(struct dispatcher_shared *frame);

static disp_exception_handler_t exception_handler;

_Noreturn void disp_exception_upcall(struct dispatcher_shared *frame)
{
    struct disp_fault fault = {frame->fault_vaddr, frame->fault_ip, (unsigned)frame->fault_kind};
    if (exception_handler == NULL || !exception_handler(&fault)) {
        /* Without a handler the same instruction faults again: the kernel reports it, as
           it would have without any handler, and ends the domain. */
        frame->exception_entry = 0;
    }
    disp_resume(frame);
}

void disp_set_exception_handler(disp_exception_handler_t handler, void *stack, size_t bytes)
{
    struct dispatcher_shared *frame = disp_frame();
    frame->exception_entry = 0; /* no fault enters half set up */
    __asm__ volatile("" : : : "memory");
    exception_handler = handler;
    if (handler != NULL) {
        frame->exception_stack = (dispatcher_word_t)(((uintptr_t)stack + bytes) & ~(uintptr_t)15);
        __asm__ volatile("" : : : "memory");
        frame->exception_entry = (dispatcher_word_t)(uintptr_t)disp_exception_entry;
    }
}
