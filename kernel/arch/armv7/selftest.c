/* Booted self-checks chosen on the kernel command line, for what only a real exception shows. */
#include <fdt.h>
#include <printk.h>

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

/*
 * "selftest=kernel-abort" (QEMU: -append) makes the kernel load from an
 * unmapped address with its stack 4 bytes off 8-byte alignment, as a leaf
 * function may leave it. The report must then show exactly the values set
 * here: 64-bit varargs printed from a misaligned stack come out garbled.
 */
void armv7_selftest(const void *dtb);
void armv7_selftest(const void *dtb)
{
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
