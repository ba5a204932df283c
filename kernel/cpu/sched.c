/* Round-robin scheduling of runnable domains, and the switch on the way back to user mode. */
#include <context.h>
#include <dispatch.h>
#include <platform.h>
#include <printk.h>

struct dcb *dcb_current;

/* The queue's head is the domain that runs (or ran last); a switch takes the next one. */
static struct dcb *runnable_head, *runnable_tail;
static struct dcb *live_head;
static bool switch_pending;
static bool current_gone; /* the current domain stopped or ended: nothing of it to save */

void sched_reset(void)
{
    dcb_current = NULL;
    runnable_head = runnable_tail = live_head = NULL;
    switch_pending = current_gone = false;
}

void sched_make_runnable(struct dcb *dcb)
{
    dcb->next_runnable = NULL;
    if (runnable_tail == NULL) {
        runnable_head = dcb;
    } else {
        runnable_tail->next_runnable = dcb;
    }
    runnable_tail = dcb;
    if (dcb_current == NULL || current_gone) {
        switch_pending = true;
    }
}

void sched_remove(struct dcb *dcb)
{
    struct dcb **link = &runnable_head;
    struct dcb *prev = NULL;
    while (*link != NULL && *link != dcb) {
        prev = *link;
        link = &(*link)->next_runnable;
    }
    if (*link == dcb) {
        *link = dcb->next_runnable;
        if (runnable_tail == dcb) {
            runnable_tail = prev;
        }
        dcb->next_runnable = NULL;
    }
    if (dcb == dcb_current) {
        switch_pending = true; /* its registers are saved on the way out */
    }
}

void sched_forget(struct dcb *dcb)
{
    sched_remove(dcb);
    sched_remove_live(dcb);
    if (dcb == dcb_current) {
        current_gone = true;
    }
}

static bool queued(const struct dcb *dcb)
{
    for (const struct dcb *d = runnable_head; d != NULL; d = d->next_runnable) {
        if (d == dcb) {
            return true;
        }
    }
    return false;
}

/* dcb runs next: it goes right behind the head, which then goes to the back. */
void sched_donate(struct dcb *dcb)
{
    if (dcb == runnable_head || !queued(dcb)) {
        return; /* running already, or not in the queue */
    }
    sched_remove(dcb);
    if (dcb_current != runnable_head) { /* the current domain left the queue: dcb goes first */
        dcb->next_runnable = runnable_head;
        runnable_head = dcb;
        switch_pending = true;
        return;
    }
    struct dcb *head = runnable_head;
    dcb->next_runnable = head->next_runnable;
    head->next_runnable = dcb;
    if (runnable_tail == head) {
        runnable_tail = dcb;
    }
    sched_yield();
}

/* The head goes to the back: the next one runs. */
static void rotate(void)
{
    struct dcb *head = runnable_head;
    if (head != NULL && head->next_runnable != NULL) {
        runnable_head = head->next_runnable;
        head->next_runnable = NULL;
        runnable_tail->next_runnable = head;
        runnable_tail = head;
    }
}

void sched_yield(void)
{
    if (dcb_current != NULL && dcb_current == runnable_head) {
        rotate();
    }
    switch_pending = true; /* even alone, the domain is dispatched anew: its run upcall */
}

void sched_timer_tick(void)
{
    if (runnable_head != NULL && runnable_head->next_runnable != NULL) {
        sched_yield();
    }
}

void sched_add_live(struct dcb *dcb)
{
    dcb->next_live = live_head;
    live_head = dcb;
}

void sched_remove_live(struct dcb *dcb)
{
    for (struct dcb **link = &live_head; *link != NULL; link = &(*link)->next_live) {
        if (*link == dcb) {
            *link = dcb->next_live;
            dcb->next_live = NULL;
            return;
        }
    }
}

struct dcb *sched_first_live(void)
{
    return live_head;
}

/* Into the disabled area while disabled or inside its resume code, else the enabled area. */
static void save_domain(struct dcb *dcb)
{
    struct dispatcher_shared *s = dcb_frame(dcb);
    struct dispatcher_save_area regs;
    context_save(&regs);
    dispatcher_word_t pc = save_area_pc(&regs);
    if (s->disabled != 0 || dispatcher_in_resume(s, pc)) {
        s->disabled = 1;
        s->disabled_area = regs;
    } else {
        s->enabled_area = regs;
    }
}

/* Disabled (or without a run upcall, or where only the kernel can resume it): where it was.
   Enabled: the run upcall, now disabled. */
static bool load_domain(struct dcb *dcb)
{
    struct dispatcher_shared *s = dcb_frame(dcb);
    s->dispatches++;
    if (s->disabled != 0) {
        if (dispatcher_in_resume(s, save_area_pc(&s->disabled_area))) {
            s->disabled = 0; /* its resume code had cleared it, or is about to: enabled again */
        }
        return context_load(&s->disabled_area);
    }
    if (s->run_entry == 0 || !save_area_user_resumable(&s->enabled_area)) {
        return context_load(&s->enabled_area);
    }
    struct dispatcher_save_area upcall;
    save_area_start(&upcall, s->run_entry, s->upcall_stack, (dispatcher_word_t)dcb->frame_vaddr);
    s->disabled = 1;
    return context_load(&upcall);
}

bool sched_leave_kernel(void)
{
    if (!switch_pending) {
        return false;
    }
    struct dcb *from = current_gone ? NULL : dcb_current;
    if (from != NULL && !cte_is_empty(&from->frame)) {
        save_domain(from);
    }
    /* A domain that ended may have taken its tables along: switch away from them in any case. */
    genpaddr_t loaded = from != NULL ? from->vroot.cap.base : 0;
    for (;;) {
        switch_pending = false;
        current_gone = false;
        struct dcb *to = runnable_head;
        if (to == NULL) {
            printk("kernel: no domain left to run\n");
            platform_halt(true);
        }
        if (cte_is_empty(&to->frame)) {
            /* The hosted init runs as the test's caller, on the root it loaded (0: none), which
               the domain that ran before it must not leave loaded. */
            context_switch_root(to->vroot.cap.base);
            dcb_current = to;
            return true;
        }
        if (load_domain(to)) {
            if (to->vroot.cap.base != loaded) {
                context_switch_root(to->vroot.cap.base);
            }
            dcb_current = to;
            return true;
        }
        printk("kernel: domain %s cannot be resumed: its saved pc or stack is not in user space\n",
               to->name);
        dispatcher_end(to, DISPATCHER_FAULTED, 0xff);
    }
}
