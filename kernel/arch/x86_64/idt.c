/* The interrupt table: exceptions from user mode end the domain with a report (in the kernel:
 * panic); the timer interrupt drives the scheduler. */
#include <dispatch.h>
#include <exception.h>
#include <fault.h>
#include <kcheck.h>
#include <platform.h>
#include <printk.h>
#include <x86.h>
#include <x86_cpu.h>

#define EXCEPTIONS 22

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

static struct idt_entry idt[256];

/* The entry stubs of entry.S, one per vector. */
extern const uint64_t x86_exception_stubs[EXCEPTIONS];
extern char x86_exception_32[], x86_exception_39[], x86_exception_255[];

static const char *const names[EXCEPTIONS] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "no FPU",
    "double fault",
    "coprocessor",
    "invalid TSS",
    "segment absent",
    "stack fault",
    "general protection",
    "page fault",
    "reserved",
    "x87 error",
    "alignment",
    "machine check",
    "SIMD error",
    "virtualization",
    "control protection",
};

/*
 * #DB can strike at the first instruction of the SYSCALL path, before it leaves the user's
 * stack; NMI and #MC at any instruction, that one included; #DF means the stack failed. Each
 * gets a stack of its own from the TSS, so none of them runs on memory a domain controls.
 */
static uint8_t ist_slot(int vector)
{
    switch (vector) {
    case 1:
        return X86_IST_DEBUG;
    case 2:
        return X86_IST_NMI;
    case 8:
        return X86_IST_DOUBLE_FAULT;
    case 18:
        return X86_IST_MACHINE_CHECK;
    default:
        return 0; /* the stack of the privilege level: rsp0 from user mode */
    }
}

static void set_gate(int vector, uint64_t offset)
{
    idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)offset,
        .selector = KERNEL_CS,
        .ist = ist_slot(vector),
        .type = 0x8e, /* present, interrupt gate (IF cleared on entry), kernel only */
        .offset_mid = (uint16_t)(offset >> 16),
        .offset_high = (uint32_t)(offset >> 32),
    };
}

void x86_idt_init(void)
{
    for (int i = 0; i < EXCEPTIONS; i++) {
        set_gate(i, x86_exception_stubs[i]);
    }
    set_gate(X86_VECTOR_TIMER, (uint64_t)(uintptr_t)x86_exception_32);
    set_gate(X86_VECTOR_PIC_SPURIOUS, (uint64_t)(uintptr_t)x86_exception_39);
    set_gate(X86_VECTOR_APIC_SPURIOUS, (uint64_t)(uintptr_t)x86_exception_255);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

/* The fault's facts: all a domain's handler is told. */
static void describe(const struct x86_frame *f, struct fault_info *info)
{
    bool page_fault = f->vector == 14;
    *info = (struct fault_info){
        .domain = dcb_current != NULL ? dcb_current->name : "(none)",
        .kind = f->vector < EXCEPTIONS ? names[f->vector] : "exception",
        .has_address = page_fault,
        .vaddr = page_fault ? read_cr2() : 0,
        .ip = f->rip,
        .access = (f->error_code & 0x10)   ? FAULT_EXECUTE
                  : (f->error_code & 0x02) ? FAULT_WRITE
                                           : FAULT_READ,
        .user_mode = (f->cs & 3) == 3,
        .not_present = !(f->error_code & 0x01),
        .root = read_cr3() & ~0xfffull,
    };
}

/* The registers, for a report only: a fault the domain handles never needs them. */
static void describe_registers(const struct x86_frame *f, struct fault_info *info,
                               struct fault_register regs[18])
{
    const char *reg_names[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",    "r8",
                               "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rflags", "error"};
    uint64_t values[] = {f->rax, f->rbx, f->rcx, f->rdx, f->rsi,    f->rdi,
                         f->rbp, f->rsp, f->r8,  f->r9,  f->r10,    f->r11,
                         f->r12, f->r13, f->r14, f->r15, f->rflags, f->error_code};
    for (int i = 0; i < 18; i++) {
        regs[i] = (struct fault_register){reg_names[i], values[i]};
    }
    info->regs = regs;
    info->reg_count = 18;
}

/* The exception classes a domain's handler is told (include/dispatcher.h). */
static unsigned exception_class(const struct x86_frame *f)
{
    return f->vector == 14  ? DISPATCHER_FAULT_PAGE
           : f->vector == 6 ? DISPATCHER_FAULT_UNDEFINED
                            : DISPATCHER_FAULT_OTHER;
}

void x86_user_fault(struct x86_frame *f)
{
    struct fault_info info;
    struct fault_register regs[18];
    describe(f, &info);
    if (exception_user_take(dcb_current, &info, exception_class(f))) {
        return; /* f now returns to the domain's handler, or to the next domain */
    }
    describe_registers(f, &info, regs);
    exception_user_end(dcb_current, &info);
}

/*
 * A single-step trap in the kernel can only be the trap of the instruction that entered it
 * (SFMASK clears TF, so no kernel instruction runs traced): at the first instruction of a
 * SYSCALL entry (where the saved flags are already masked) or with TF in the saved flags,
 * stop tracing and carry on.
 */
extern char x86_syscall_entry[], x86_compat_syscall_entry[];

static bool kernel_single_step(struct x86_frame *f)
{
    bool at_entry = f->rip == (uint64_t)(uintptr_t)x86_syscall_entry ||
                    f->rip == (uint64_t)(uintptr_t)x86_compat_syscall_entry;
    if (f->vector != 1 || (!(f->rflags & X86_RFLAGS_TF) && !at_entry)) {
        return false;
    }
    f->rflags &= ~(uint64_t)X86_RFLAGS_TF;
    return true;
}

void x86_exception(struct x86_frame *f);
void x86_exception(struct x86_frame *f)
{
    if (f->vector >= EXCEPTIONS) {
        x86_interrupt((int)f->vector);
        if ((f->cs & 3) == 3) {
            sched_leave_kernel(); /* the timer may have made another domain's turn */
        }
        return;
    }
    if ((f->cs & 3) == 3) {
        x86_user_fault(f);
        return;
    }
    if (kernel_single_step(f)) {
        return;
    }
    struct fault_info info;
    struct fault_register regs[18];
    describe(f, &info);
    describe_registers(f, &info, regs);
    fault_report(&info);
    printk("kernel: panic: exception in the kernel\n");
    platform_halt(true);
}
