/* System calls on x86-64: the MSRs that route syscall here, and the register convention. */
#include <dispatch.h>
#include <platform.h>
#include <printk.h>
#include <syscall.h>
#include <x86.h>
#include <x86_cpu.h>

#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083
#define MSR_SFMASK 0xC0000084

extern char x86_syscall_entry[];
extern char x86_compat_syscall_entry[];
extern uint64_t tss_kernel_rsp;
extern char kernel_stack_top[];

void x86_syscall_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)USER_BASE_SEL << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    /* Never left at 0: a SYSCALL from compatibility mode would enter ring 0 at address 0. */
    wrmsr(MSR_CSTAR, (uint64_t)x86_compat_syscall_entry);
    wrmsr(MSR_SFMASK, X86_SYSCALL_FLAG_MASK);
    tss_kernel_rsp = (uint64_t)kernel_stack_top;
}

/*
 * In: rax the call number, then rdi, rsi, rdx, r10, r8, r9, r12, r13, r14,
 * r15 the ten words that follow it. Out: rax the error, rdi, rsi, rdx, r10, r8,
 * r9 the values.
 */
/*
 * SFMASK and the entry path leave no control flag set in the kernel. One of the domain's found
 * here (DF reversing string copies, AC opening user memory under SMAP, NT, IOPL, IF, TF) means
 * that entry is broken: stop rather than run the kernel under the domain's flags.
 */
static void check_kernel_flags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq\n popq %0" : "=r"(flags));
    if ((flags & X86_CONTROL_FLAGS) != 0) {
        printk("kernel: panic: system call entered with rflags 0x%llx\n",
               (unsigned long long)flags);
        platform_halt(true);
    }
}

/* Returns whether the frame now holds another context (entry.S then returns by iretq). */
bool x86_syscall(struct x86_frame *f);
bool x86_syscall(struct x86_frame *f)
{
    check_kernel_flags();
    const uintptr_t regs[SYSCALL_REGS] = {f->rax, f->rdi, f->rsi, f->rdx, f->r10, f->r8,
                                          f->r9,  f->r12, f->r13, f->r14, f->r15};
    struct sysret ret = sys_syscall(dcb_current, regs);
    f->rax = ret.error;
    f->rdi = ret.value[0];
    f->rsi = ret.value[1];
    f->rdx = ret.value[2];
    f->r10 = ret.value[3];
    f->r8 = ret.value[4];
    f->r9 = ret.value[5];
    return sched_leave_kernel();
}

/*
 * entry.S found the return frame unfit for SYSRET (rip or rsp outside the lower half): the
 * domain gets the #GP it would get in user mode on AMD, reported at the address it asked for.
 */
void x86_syscall_bad_return(struct x86_frame *f);
void x86_syscall_bad_return(struct x86_frame *f)
{
    printk("kernel: refused SYSRET to rip 0x%llx, rsp 0x%llx: not in the lower half\n",
           (unsigned long long)f->rip, (unsigned long long)f->rsp);
    f->vector = 13;
    f->error_code = 0;
    x86_user_fault(f);
}

_Noreturn void x86_enter_first_domain(void)
{
    __asm__ volatile("movq %0, %%rsp\n"
                     "jmp x86_frame_return\n"
                     :
                     : "r"(x86_user_frame())
                     : "memory");
    __builtin_unreachable();
}
