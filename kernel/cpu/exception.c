/* User exceptions: to the faulting domain's own handler, to its pager, or its end. */
#include <context.h>
#include <dispatch.h>
#include <exception.h>

static dispatcher_word_t fault_kind(const struct fault_info *f, unsigned exception_class)
{
    dispatcher_word_t access = f->access == FAULT_WRITE     ? DISPATCHER_FAULT_WRITE
                               : f->access == FAULT_EXECUTE ? DISPATCHER_FAULT_EXECUTE
                                                            : DISPATCHER_FAULT_READ;
    dispatcher_word_t kind = exception_class | access;
    return f->has_address && f->not_present ? kind | DISPATCHER_FAULT_NOT_PRESENT : kind;
}

bool exception_upcall(struct dcb *dcb, const struct fault_info *f, unsigned exception_class)
{
    if (dcb == NULL || cte_is_empty(&dcb->frame)) {
        return false; /* the hosted init has no frame */
    }
    struct dispatcher_shared *s = dcb_frame(dcb);
    if (s->exception_entry == 0 || s->disabled != 0) {
        return false; /* no handler, or the handler (or the run upcall) itself faulted */
    }
    if (dispatcher_in_resume(s, (dispatcher_word_t)f->ip)) {
        return false; /* inside its resume code: as good as disabled (enabled_area untouched) */
    }
    /* Saved straight into the frame, no copy on the fault path: an enabled domain's
       enabled_area is scratch until the handler resumes from it, and a refused upcall below
       (the pager then takes the fault) leaves only scratch there. */
    context_save(&s->enabled_area);
    struct dispatcher_save_area entry;
    save_area_start(&entry, s->exception_entry, s->exception_stack,
                    (dispatcher_word_t)dcb->frame_vaddr);
    if (!context_load(&entry)) {
        return false; /* an entry or stack the kernel cannot return to: the standard end */
    }
    s->fault_vaddr = (dispatcher_word_t)f->vaddr;
    s->fault_ip = (dispatcher_word_t)f->ip;
    s->fault_kind = fault_kind(f, exception_class);
    s->faults++;
    s->disabled = 1;
    return true;
}

bool exception_user_take(struct dcb *dcb, const struct fault_info *f, unsigned exception_class)
{
    if (dcb == NULL) {
        return false;
    }
    if (dcb->fault_final) {
        if (f->ip == dcb->final_ip && f->vaddr == dcb->final_vaddr) {
            return false; /* the fault its pager declined or left behind: the end */
        }
        dcb->fault_final = false; /* a new fault: the page came, then the pager went */
    }
    if (exception_upcall(dcb, f, exception_class)) {
        return true; /* the entry frame now returns to the domain's handler */
    }
    if (pager_take_fault(dcb, fault_kind(f, exception_class), f->vaddr, f->ip)) {
        sched_leave_kernel(); /* it is saved where it faulted; the pager runs */
        return true;
    }
    return false;
}

void exception_user_end(struct dcb *dcb, const struct fault_info *f)
{
    fault_report(f);
    dispatcher_end(dcb, DISPATCHER_FAULTED, 0xff); /* init's end is the machine's */
    sched_leave_kernel();                          /* the entry frame is the next domain's */
}

void exception_user(struct dcb *dcb, const struct fault_info *f, unsigned exception_class)
{
    if (!exception_user_take(dcb, f, exception_class)) {
        exception_user_end(dcb, f);
    }
}
