/* The scheduler's tick on QEMU virt: the virtual generic timer, through the GIC (v2). */
#include <armv7_cpu.h>
#include <armv7_layout.h>
#include <dispatch.h>
#include <fdt.h>
#include <platform.h>
#include <printk.h>

#define GICD_CTLR 0x000
#define GICD_ISENABLER0 0x100
#define GICD_IPRIORITYR 0x400
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GIC_SPURIOUS 1023
/* The virtual timer's private interrupt (PPI 11) on every GIC. */
#define TIMER_INTID 27
#define TICKS_PER_SECOND 100

static volatile uint32_t *gicd, *gicc;
static uint32_t timer_reload;

static void write_cntv_tval(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 0\n isb" : : "r"(v));
}

static void write_cntv_ctl(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n isb" : : "r"(v));
}

static uint32_t read_cntfrq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
    return v;
}

/* The GIC's two register blocks from the device tree, in the uncached device window. */
static void find_gic(const void *dtb)
{
    struct fdt_range r[2];
    int count = 0;
    errval_t err = fdt_device_ranges(dtb, "arm,cortex-a15-gic", r, 2, &count);
    if (err_is_fail(err) || count < 2 || r[0].base >= DEVICE_WINDOW_BYTES ||
        r[1].base >= DEVICE_WINDOW_BYTES) {
        printk("kernel: panic: the device tree names no GIC the kernel can reach\n");
        platform_halt(true);
    }
    gicd = (volatile uint32_t *)(uintptr_t)(DEVICE_VBASE + (uint32_t)r[0].base);
    gicc = (volatile uint32_t *)(uintptr_t)(DEVICE_VBASE + (uint32_t)r[1].base);
}

void armv7_timer_init(const void *dtb)
{
    find_gic(dtb);
    gicd[GICD_CTLR / 4] = 1;
    ((volatile uint8_t *)gicd)[GICD_IPRIORITYR + TIMER_INTID] = 0xa0;
    gicd[GICD_ISENABLER0 / 4] = 1u << TIMER_INTID;
    gicc[GICC_PMR / 4] = 0xff;
    gicc[GICC_CTLR / 4] = 1;
    uint32_t hz = read_cntfrq();
    timer_reload = hz / TICKS_PER_SECOND;
    write_cntv_tval(timer_reload);
    write_cntv_ctl(1); /* enabled, not masked */
    printk("kernel: timer: generic timer (virtual, %u Hz) through the GIC, a tick every 10 ms\n",
           (unsigned)hz);
}

void armv7_irq(void)
{
    uint32_t iar = gicc[GICC_IAR / 4];
    uint32_t id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) {
        return;
    }
    if (id == TIMER_INTID) {
        write_cntv_tval(timer_reload);
        sched_timer_tick();
    }
    gicc[GICC_EOIR / 4] = iar;
}
