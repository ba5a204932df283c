/* Segments and the task state segment: flat 64-bit code and data for kernel and user. */
#include <x86_cpu.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[8];

/* Stacks for the exceptions that can strike while rsp is still the user's or is unusable. */
#define IST_STACK_BYTES 4096
static uint8_t ist_stacks[X86_IST_STACKS][IST_STACK_BYTES] __attribute__((aligned(16)));

extern char kernel_stack_top[];

void x86_gdt_init(void)
{
    gdt[1] = 0x00209A0000000000; /* kernel code, 64-bit */
    gdt[2] = 0x0000920000000000; /* kernel data */
    gdt[3] = 0; /* no 32-bit user code: a far jump to USER_COMPAT_CS raises #GP in user mode */
    gdt[4] = 0x0000F20000000000; /* user data */
    gdt[5] = 0x0020FA0000000000; /* user code, 64-bit */
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof(tss) - 1;
    gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((base >> 24) & 0xff) << 56);
    gdt[7] = base >> 32;
    tss.rsp0 = (uint64_t)kernel_stack_top;
    for (int i = 0; i < X86_IST_STACKS; i++) {
        tss.ist[i] = (uint64_t)(ist_stacks[i] + IST_STACK_BYTES); /* IST slot i + 1 */
    }
    tss.iomap_base = sizeof(tss);

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq %1\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: movw %w2, %%ds\n"
                     "movw %w2, %%es\n"
                     "movw %w2, %%ss\n"
                     "ltr %w3\n"
                     :
                     : "m"(pointer), "i"(KERNEL_CS), "r"(KERNEL_SS), "r"(TSS_SEL)
                     : "rax", "memory");
}
