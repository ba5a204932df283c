/* ARMv7 exceptions: system calls, and faults in user mode reported and ending the domain. */
#include <armv7.h>
#include <armv7_cpu.h>
#include <dispatch.h>
#include <exception.h>
#include <fault.h>
#include <kcheck.h>
#include <platform.h>
#include <printk.h>
#include <stddef.h>
#include <syscall.h>

_Static_assert(offsetof(struct armv7_frame, cpsr) == 17 * 4, "vectors.S: FRAME_CPSR");
_Static_assert(sizeof(struct armv7_frame) % 8 == 0, "the frame keeps the stack 8-byte aligned");

enum exception_kind { EXC_RESET, EXC_UNDEF, EXC_SVC, EXC_PREFETCH, EXC_DATA, EXC_UNUSED, EXC_IRQ };

/*
 * In: r0 the call number, r1-r10 the ten words that follow it. Out: r0/r1
 * the error (low, high word), r2-r7 the values.
 */
void armv7_syscall(struct armv7_frame *f);
void armv7_syscall(struct armv7_frame *f)
{
    /*
     * An SVC in the kernel (only semihosting, which QEMU takes before the
     * exception) overwrote the kernel's lr: it cannot be resumed, and the
     * exit path would return it in user mode.
     */
    if ((f->cpsr & PSR_MODE_MASK) != PSR_MODE_USR) {
        printk("kernel: panic: svc in kernel mode at 0x%x\n", (unsigned)f->pc);
        platform_halt(true);
    }
    uintptr_t regs[SYSCALL_REGS];
    for (int i = 0; i < SYSCALL_REGS; i++) {
        regs[i] = f->r[i];
    }
    struct sysret ret = sys_syscall(dcb_current, regs);
    f->r[0] = (uint32_t)ret.error;
    f->r[1] = (uint32_t)(ret.error >> 32);
    for (int i = 0; i < SYSRET_VALUES; i++) {
        f->r[2 + i] = ret.value[i];
    }
    sched_leave_kernel(); /* f may now hold the next domain's registers */
}

/* Short-descriptor fault status: translation faults mean "not present". */
static bool status_not_present(uint32_t fsr)
{
    uint32_t fs = ((fsr >> 6) & 0x10) | (fsr & 0xf);
    return fs == 0x05 || fs == 0x07;
}

static uint32_t fault_status(enum exception_kind kind)
{
    return kind == EXC_DATA ? read_dfsr() : kind == EXC_PREFETCH ? read_ifsr() : 0;
}

/* The fault's facts: all a domain's handler is told. */
static void describe(const struct armv7_frame *f, enum exception_kind kind, struct fault_info *info)
{
    bool data = kind == EXC_DATA;
    bool prefetch = kind == EXC_PREFETCH;
    uint32_t fsr = fault_status(kind);
    *info = (struct fault_info){
        .domain = dcb_current != NULL ? dcb_current->name : "(none)",
        .kind = data       ? "data abort"
                : prefetch ? "prefetch abort"
                           : "undefined instruction",
        .has_address = data || prefetch,
        .vaddr = data       ? read_dfar()
                 : prefetch ? read_ifar()
                            : 0,
        .ip = f->pc,
        .access = prefetch             ? FAULT_EXECUTE
                  : (fsr & (1u << 11)) ? FAULT_WRITE
                                       : FAULT_READ,
        .user_mode = (f->cpsr & PSR_MODE_MASK) == PSR_MODE_USR,
        .not_present = status_not_present(fsr),
        .root = read_ttbr0() & ~0x3fffu,
    };
}

/* The registers, for a report only: a fault the domain handles never needs them. */
static void describe_registers(const struct armv7_frame *f, enum exception_kind kind,
                               struct fault_info *info, struct fault_register regs[18])
{
    static const char *const names[] = {"r0", "r1",  "r2",  "r3",  "r4", "r5", "r6", "r7",   "r8",
                                        "r9", "r10", "r11", "r12", "sp", "lr", "pc", "cpsr", "fsr"};
    for (int i = 0; i < 13; i++) {
        regs[i] = (struct fault_register){names[i], f->r[i]};
    }
    /* The banked sp and lr of the mode that was interrupted: the domain's, or the kernel's. */
    bool user = (f->cpsr & PSR_MODE_MASK) == PSR_MODE_USR;
    bool svc = (f->cpsr & PSR_MODE_MASK) == PSR_MODE_SVC;
    uint32_t kernel_sp = (uint32_t)(uintptr_t)(f + 1); /* where the frame was pushed from */
    regs[13] = (struct fault_register){names[13], user ? f->usr_sp : svc ? kernel_sp : 0};
    regs[14] = (struct fault_register){names[14], user ? f->usr_lr : svc ? f->svc_lr : 0};
    regs[15] = (struct fault_register){names[15], f->pc};
    regs[16] = (struct fault_register){names[16], f->cpsr};
    regs[17] = (struct fault_register){names[17], fault_status(kind)};
    info->regs = regs;
    info->reg_count = 18;
}

void armv7_exception(struct armv7_frame *f, enum exception_kind kind);
void armv7_exception(struct armv7_frame *f, enum exception_kind kind)
{
    struct fault_info info;
    struct fault_register regs[18];
    bool user = (f->cpsr & PSR_MODE_MASK) == PSR_MODE_USR;
    if (kind == EXC_IRQ && user) {
        armv7_irq();
        sched_leave_kernel(); /* the timer may have made another domain's turn */
        return;
    }
    if (kind == EXC_UNDEF && (f->cpsr & PSR_THUMB) != 0) {
        f->pc += 2; /* vectors.S took 4 off lr; a Thumb instruction here is 2 bytes before it */
    }
    if (kind == EXC_UNDEF || kind == EXC_PREFETCH || kind == EXC_DATA) {
        describe(f, kind, &info);
        unsigned exception_class =
            kind == EXC_UNDEF ? DISPATCHER_FAULT_UNDEFINED : DISPATCHER_FAULT_PAGE;
        if (info.user_mode && exception_user_take(dcb_current, &info, exception_class)) {
            return; /* f now returns to the domain's handler, or to the next domain */
        }
        describe_registers(f, kind, &info, regs);
        if (info.user_mode) {
            exception_user_end(dcb_current, &info);
            return;
        }
        fault_report(&info);
    } else {
        printk("kernel: unexpected exception %d at 0x%x\n", (int)kind, (unsigned)f->pc);
    }
    printk("kernel: panic: exception in the kernel\n");
    platform_halt(true);
}

extern char restore_and_return[];

_Noreturn void armv7_enter_first_domain(void)
{
    __asm__ volatile("mov sp, %0\n"
                     "b restore_and_return\n"
                     :
                     : "r"(armv7_user_frame())
                     : "memory");
    __builtin_unreachable();
}
