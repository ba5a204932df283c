/* The kernel's text checksum, the SYSCALL_DEBUG check, and the check at every domain exit. */
#include <kcheck.h>
#include <platform.h>
#include <printk.h>

static uint64_t text_checksum_at_boot;

/* FNV-1a over the bytes: any change to one byte changes it. */
static uint64_t checksum(const uint8_t *bytes, size_t count)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < count; i++) {
        h = (h ^ bytes[i]) * UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t text_checksum(void)
{
    const uint8_t *start;
    size_t bytes;
    platform_kernel_text(&start, &bytes);
    return checksum(start, bytes);
}

void kcheck_boot(void)
{
    text_checksum_at_boot = text_checksum();
}

errval_t kcheck_run(const struct dcb *dcb, uintptr_t *detail)
{
    enum kcheck_invariant broken = kcheck_state(dcb, NULL);
    *detail = broken;
    if (broken != KCHECK_OK) {
        return SYS_ERR_KERNEL_INVARIANT;
    }
    return text_checksum() == text_checksum_at_boot ? SYS_ERR_OK : SYS_ERR_KERNEL_TEXT_CHANGED;
}

void kcheck_report(const struct dcb *dcb)
{
    uintptr_t detail;
    errval_t err = kcheck_run(dcb, &detail);
    if (err_is_ok(err)) {
        printk("kernel: check: invariants hold, text intact\n");
    } else if (err_no(err) == SYS_ERR_KERNEL_INVARIANT) {
        printk("kernel: check: FAILED: invariant %u broken\n", (unsigned)detail);
    } else {
        printk("kernel: check: FAILED: %s\n", err_getstring(err));
    }
}
