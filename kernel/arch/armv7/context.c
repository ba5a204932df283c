/* ARMv7 domain switches: the entry frame to and from a dispatcher save area, and TTBR0. */
#include <armv7.h>
#include <armv7_cpu.h>
#include <context.h>

extern char kernel_stack_top[];

/* Every exception from user mode saves its frame at the top of the supervisor stack. */
struct armv7_frame *armv7_user_frame(void)
{
    uintptr_t top = (uintptr_t)kernel_stack_top;
    return (struct armv7_frame *)(top - sizeof(struct armv7_frame));
}

void context_save(struct dispatcher_save_area *a)
{
    const struct armv7_frame *f = armv7_user_frame();
    for (int i = 0; i < 13; i++) {
        a->r[i] = f->r[i];
    }
    a->sp = f->usr_sp;
    a->lr = f->usr_lr;
    a->pc = f->pc;
    a->cpsr = f->cpsr;
}

/* Any pc and sp will do: a bad one faults in user mode. vectors.S's exit path keeps only the
   domain's own bits of the CPSR. */
bool context_load(const struct dispatcher_save_area *a)
{
    struct armv7_frame *f = armv7_user_frame();
    for (int i = 0; i < 13; i++) {
        f->r[i] = a->r[i];
    }
    f->usr_sp = a->sp;
    f->usr_lr = a->lr;
    f->pc = a->pc;
    f->cpsr = a->cpsr;
    f->svc_lr = 0;
    return true;
}

void context_switch_root(genpaddr_t root)
{
    write_ttbr0((uint32_t)root); /* no ASIDs: the old address space's TLB entries go */
    tlb_invalidate_all();
    dsb();
    isb();
}
