/* The scheduler's tick on the PC: the local APIC timer, or the PIT through the PIC without one. */
#include <dispatch.h>
#include <phys_mem.h>
#include <printk.h>
#include <x86.h>
#include <x86_cpu.h>

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_PERIODIC (1u << 17)
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_DIVIDE 0x3e0
#define APIC_DIVIDE_BY_16 0x3
/* QEMU's APIC counts at 1 GHz: divided by 16, this is a tick every 10 ms. */
#define APIC_TICK_COUNT 625000

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIT_CMD 0x43
#define PIT_CH0 0x40
#define PIT_HZ 1193182
#define TICK_HZ 100

#define PD_PCD (1ull << 4)
#define PD_PWT (1ull << 3)

extern uint64_t boot_pd[]; /* the direct map's page directories: 2 MiB pages, 4 GiB */

static volatile uint32_t *apic;

static void apic_write(uint32_t reg, uint32_t value)
{
    apic[reg / 4] = value;
}

/*
 * The 8259s are remapped above the exceptions before anything else: left where the firmware
 * put them, the PIT's IRQ 0 would arrive as vector 8, a double fault. All lines stay masked
 * but the PIT's, and that one only without a LAPIC.
 */
static void pic_init(bool pit_line)
{
    static const uint8_t init[][2] = {
        {PIC1_CMD, 0x11},
        {PIC2_CMD, 0x11}, /* ICW1: cascade, ICW4 */
        {PIC1_DATA, X86_VECTOR_TIMER},
        {PIC2_DATA, X86_VECTOR_TIMER + 8}, /* ICW2: vectors */
        {PIC1_DATA, 4},
        {PIC2_DATA, 2}, /* ICW3: slave on IRQ 2 */
        {PIC1_DATA, 1},
        {PIC2_DATA, 1}, /* ICW4: 8086 mode */
    };
    for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
        outb(init[i][0], init[i][1]);
    }
    outb(PIC1_DATA, pit_line ? 0xfe : 0xff);
    outb(PIC2_DATA, 0xff);
}

static void pit_init(void)
{
    uint16_t divisor = PIT_HZ / TICK_HZ;
    outb(PIT_CMD, 0x34); /* channel 0, low then high byte, rate generator */
    outb(PIT_CH0, (uint8_t)divisor);
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
}

/* The APIC's registers are device memory: its 2 MiB page of the direct map becomes uncached. */
static void apic_init(void)
{
    genpaddr_t base = rdmsr(MSR_APIC_BASE) & ~0xfffull;
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    uint64_t *pd = phys_to_kernel_ptr((genpaddr_t)(uintptr_t)boot_pd);
    pd[base >> 21] |= PD_PCD | PD_PWT;
    write_cr3(read_cr3());
    apic = phys_to_kernel_ptr(base);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | X86_VECTOR_APIC_SPURIOUS);
    apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_16);
    apic_write(APIC_LVT_TIMER, APIC_LVT_PERIODIC | X86_VECTOR_TIMER);
    apic_write(APIC_TIMER_INITIAL, APIC_TICK_COUNT);
}

void x86_timer_init(void)
{
    uint32_t regs[4];
    cpuid(1, 0, regs);
    bool has_apic = (regs[3] >> 9) & 1;
    pic_init(!has_apic);
    if (has_apic) {
        apic_init();
    } else {
        pit_init();
    }
    printk("kernel: timer: %s, a tick every 10 ms\n",
           has_apic ? "local APIC" : "PIT (this CPU has no local APIC)");
}

void x86_interrupt(int vector)
{
    if (vector == X86_VECTOR_TIMER) {
        if (apic != NULL) {
            apic_write(APIC_EOI, 0);
        } else {
            outb(PIC1_CMD, PIC_EOI);
        }
        sched_timer_tick();
    }
    /* Spurious vectors need no end of interrupt, by both chips' definition. */
}
