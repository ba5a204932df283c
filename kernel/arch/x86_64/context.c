/* x86-64 domain switches: the entry frame to and from a dispatcher save area, and CR3. */
#include <context.h>
#include <x86.h>
#include <x86_cpu.h>

extern char kernel_stack_top[];

/* Every entry from user mode (syscall, exception, interrupt) builds its frame at the top of the
   one kernel stack, so the frame a switch rewrites is always here. */
struct x86_frame *x86_user_frame(void)
{
    uintptr_t top = (uintptr_t)kernel_stack_top;
    return (struct x86_frame *)(top - sizeof(struct x86_frame));
}

void context_save(struct dispatcher_save_area *a)
{
    const struct x86_frame *f = x86_user_frame();
    *a = (struct dispatcher_save_area){
        .rax = f->rax,
        .rbx = f->rbx,
        .rcx = f->rcx,
        .rdx = f->rdx,
        .rsi = f->rsi,
        .rdi = f->rdi,
        .rbp = f->rbp,
        .rsp = f->rsp,
        .r8 = f->r8,
        .r9 = f->r9,
        .r10 = f->r10,
        .r11 = f->r11,
        .r12 = f->r12,
        .r13 = f->r13,
        .r14 = f->r14,
        .r15 = f->r15,
        .rip = f->rip,
        .rflags = f->rflags,
    };
}

static bool user_half(uint64_t vaddr)
{
    return (vaddr >> X86_USER_TOP_SHIFT) == 0;
}

/*
 * iretq raises #GP in ring 0 for a non-canonical rip, so the kernel refuses one (and rsp, for
 * symmetry with the SYSRET check) instead. The flags are the domain's own; interrupts are on.
 */
bool context_load(const struct dispatcher_save_area *a)
{
    if (!user_half(a->rip) || !user_half(a->rsp)) {
        return false;
    }
    struct x86_frame *f = x86_user_frame();
    *f = (struct x86_frame){
        .rax = a->rax,
        .rbx = a->rbx,
        .rcx = a->rcx,
        .rdx = a->rdx,
        .rsi = a->rsi,
        .rdi = a->rdi,
        .rbp = a->rbp,
        .rsp = a->rsp,
        .r8 = a->r8,
        .r9 = a->r9,
        .r10 = a->r10,
        .r11 = a->r11,
        .r12 = a->r12,
        .r13 = a->r13,
        .r14 = a->r14,
        .r15 = a->r15,
        .rip = a->rip,
        .cs = USER_CS,
        .ss = USER_SS,
        .rflags = (a->rflags & X86_USER_FLAGS) | X86_RFLAGS_RESERVED | X86_RFLAGS_IF,
    };
    return true;
}

void context_switch_root(genpaddr_t root)
{
    write_cr3(root); /* no PCIDs: the old address space's TLB entries go with it */
}
