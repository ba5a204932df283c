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

/*
 * "selftest=kernel-abort" (QEMU: -append) makes the kernel load from an
 * unmapped address with its stack 4 bytes off 8-byte alignment, as a leaf
 * function may leave it. The report must then show exactly the values set
 * here: 64-bit varargs printed from a misaligned stack come out garbled.
 */
void armv7_selftest(const void *dtb);
void armv7_selftest(const void *dtb)
{
    const uint8_t *args;
    uint32_t length;
    if (err_is_fail(fdt_chosen(dtb, "bootargs", &args, &length)) ||
        !args_contain(args, length, "selftest=kernel-abort")) {
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
