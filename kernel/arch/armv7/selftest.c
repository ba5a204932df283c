/* Booted self-checks chosen on the kernel command line, for what only a real exception shows. */
#include <armv7_layout.h>
#include <fdt.h>
#include <printk.h>
#include <stdint.h>

#define SELFTEST_ABORT_VADDR 0x00badbadu /* unmapped in the boot table, and easy to spot */
#define SELFTEST_R4 0x4b4b4b4bu
#define SELFTEST_R5 0x5c5c5c5cu

/* Does the NUL-padded command line of length bytes contain word? */
static bool args_contain(const uint8_t *args, uint32_t length, const char *word)
{
    for (uint32_t at = 0; at < length; at++) {
        uint32_t n = 0;
        while (word[n] != '\0' && at + n < length && args[at + n] == (uint8_t)word[n]) {
            n++;
        }
        if (word[n] == '\0') {
            return true;
        }
    }
    return false;
}

static bool selftest_chosen(const void *dtb, const char *word)
{
    const uint8_t *args;
    uint32_t length;
    return err_is_ok(fdt_chosen(dtb, "bootargs", &args, &length)) &&
           args_contain(args, length, word);
}

/*
 * "selftest=kernel-exec-user": with init's address space loaded, the kernel
 * calls init's entry point, user memory mapped executable for the domain.
 * PXN must turn that into a kernel-mode prefetch abort (and a panic).
 */
void armv7_selftest_user(const void *dtb, uint32_t user_entry);
void armv7_selftest_user(const void *dtb, uint32_t user_entry)
{
    if (!selftest_chosen(dtb, "selftest=kernel-exec-user")) {
        return;
    }
    printk("kernel: selftest: the kernel calls user code at 0x%x\n", (unsigned)user_entry);
    ((void (*)(void))(uintptr_t)user_entry)();
    printk("kernel: selftest: FAIL: the kernel executed user memory (no PXN)\n");
}

void armv7_selftest(const void *dtb);

/* The ARM encoding of "bx lr": harmless if it ever runs, so a missing XN shows as a FAIL line. */
#define INSN_BX_LR 0xe12fff1eu

/* A word of the image's data, to execute: it must be XN like all of data and bss. */
static volatile uint32_t data_insn = INSN_BX_LR;

/*
 * Makes code the kernel just wrote visible to instruction fetch (clean the
 * data cache line to the point of unification, drop the instruction cache
 * line and branch predictors): without it, a "before" run on hardware could
 * execute stale bytes and prove nothing either way.
 */
static void sync_icache(uintptr_t vaddr)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c11, 1\n" /* DCCMVAU */
                     "dsb\n"
                     "mcr p15, 0, %0, c7, c5, 1\n" /* ICIMVAU */
                     "mcr p15, 0, %1, c7, c5, 6\n" /* BPIALL */
                     "dsb\n"
                     "isb\n"
                     :
                     : "r"(vaddr), "r"(0)
                     : "memory");
}

/*
 * W^X of the kernel's own mappings, one check per boot since each ends in a
 * kernel-mode abort and a panic. "selftest=kernel-write-text" stores a text
 * word back unchanged (so nothing breaks where the store succeeds);
 * "selftest=kernel-exec-data" calls a word of .data, and
 * "selftest=kernel-exec-ram" one of the direct map of RAM outside the image
 * (free memory: nothing has been allocated yet when this runs).
 */
static void selftest_wx(const void *dtb)
{
    if (selftest_chosen(dtb, "selftest=kernel-write-text")) {
        /* Bit 0 of a function's address would mark Thumb code. */
        volatile uint32_t *text = (volatile uint32_t *)((uintptr_t)&armv7_selftest & ~3u);
        printk("kernel: selftest: the kernel writes its own text at 0x%x\n",
               (unsigned)(uintptr_t)text);
        *text = *text;
        printk("kernel: selftest: FAIL: the kernel wrote its own text\n");
    }
    if (selftest_chosen(dtb, "selftest=kernel-exec-data")) {
        uintptr_t word = (uintptr_t)&data_insn;
        printk("kernel: selftest: the kernel calls a word of its data at 0x%x\n", (unsigned)word);
        sync_icache(word);
        ((void (*)(void))word)();
        printk("kernel: selftest: FAIL: the kernel executed its data\n");
    }
    if (selftest_chosen(dtb, "selftest=kernel-exec-ram")) {
        /* 2 MiB into RAM: past the device tree and the image's MiB, a plain direct-map section. */
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(KERNEL_VBASE + 0x200000u);
        printk("kernel: selftest: the kernel calls a word of the direct map at 0x%x\n",
               (unsigned)(uintptr_t)word);
        *word = INSN_BX_LR;
        sync_icache((uintptr_t)word);
        ((void (*)(void))(uintptr_t)word)();
        printk("kernel: selftest: FAIL: the kernel executed the direct map of RAM\n");
    }
}

/*
 * "selftest=kernel-abort" (QEMU: -append) makes the kernel load from an
 * unmapped address with its stack 4 bytes off 8-byte alignment, as a leaf
 * function may leave it. The report must then show exactly the values set
 * here: 64-bit varargs printed from a misaligned stack come out garbled.
 */
void armv7_selftest(const void *dtb)
{
    selftest_wx(dtb);
    if (!selftest_chosen(dtb, "selftest=kernel-abort")) {
        return;
    }
    printk("kernel: selftest: kernel-mode data abort at 0x%x, r4=0x%x r5=0x%x, sp 4 bytes off\n",
           SELFTEST_ABORT_VADDR, SELFTEST_R4, SELFTEST_R5);
    __asm__ volatile("sub sp, sp, #4\n"
                     "mov r4, %0\n"
                     "mov r5, %1\n"
                     "ldr r0, [%2]\n"
                     "add sp, sp, #4\n"
                     :
                     : "r"(SELFTEST_R4), "r"(SELFTEST_R5), "r"(SELFTEST_ABORT_VADDR)
                     : "r0", "r4", "r5", "memory");
}
