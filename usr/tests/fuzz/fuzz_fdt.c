/*
 * Fuzz target fdt: the input is a device tree blob for the kernel's reader (kernel/cpu/fdt.c).
 * Every blob is read or refused with an FDT error; an accepted blob's answers lie inside it
 * (the ARMv7 kernel writes over /chosen values it reads), and ASan sees any read past its end.
 */
#include "fuzz.h"
#include <fdt.h>

#define MAX_RANGES 8

static bool fdt_error(errval_t err)
{
    return err_no(err) >= SYS_ERR_FDT_TRUNCATED && err_no(err) <= SYS_ERR_FDT_NOT_FOUND;
}

static void check_answer(errval_t err, const char *what)
{
    fuzz_expect(err_is_ok(err) || fdt_error(err), "%s: not an FDT error: %s", what,
                err_getcode(err));
}

/* What the kernel reads of a blob at boot: memory, its console, and the /chosen values. */
static void read_accepted(const uint8_t *blob, size_t size)
{
    fuzz_expect(fdt_total_bytes(blob) <= size, "total %zu bytes in a blob of %zu",
                fdt_total_bytes(blob), size);
    struct fdt_range ranges[MAX_RANGES];
    int count = -1;
    errval_t err = fdt_memory(blob, ranges, MAX_RANGES, &count);
    check_answer(err, "fdt_memory");
    fuzz_expect(err_is_fail(err) || (count >= 0 && count <= MAX_RANGES),
                "fdt_memory gave %d ranges (max %d)", count, MAX_RANGES);
    static const char *const devices[] = {"arm,pl011", "virtio,mmio", "", "a"};
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        check_answer(fdt_device(blob, devices[i], ranges), "fdt_device");
    }
    static const char *const chosen[] = {"rng-seed", "kaslr-seed", "bootargs"};
    for (size_t i = 0; i < sizeof(chosen) / sizeof(chosen[0]); i++) {
        const uint8_t *value = NULL;
        uint32_t length = 0;
        err = fdt_chosen(blob, chosen[i], &value, &length);
        check_answer(err, "fdt_chosen");
        fuzz_expect(err_is_fail(err) || (value >= blob && value <= blob + size &&
                                         length <= (size_t)(blob + size - value)),
                    "/chosen/%s: %u bytes at offset %td of a %zu-byte blob", chosen[i], length,
                    value - blob, size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    errval_t err = fdt_check(data, size);
    check_answer(err, "fdt_check");
    if (err_is_ok(err)) {
        read_accepted(data, size);
    }
    return 0;
}
