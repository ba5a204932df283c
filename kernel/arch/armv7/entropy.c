/* The boot seed for the kernel's secret choices: the device tree's seeds mixed with the counters.
 */
#include <fdt.h>
#include <mix.h>
#include <printk.h>
#include <stdint.h>

/*
 * Folds a /chosen property into state and then wipes it in the blob: the
 * tree stays reserved kernel memory, but a seed that is no longer stored
 * anywhere cannot leak through a later bug. Returns whether it was there.
 */
static bool fold_chosen(const void *dtb, const char *name, uint64_t *state)
{
    const uint8_t *value;
    uint32_t length;
    if (err_is_fail(fdt_chosen(dtb, name, &value, &length)) || length == 0) {
        return false;
    }
    uint8_t *bytes = (uint8_t *)(uintptr_t)value;
    for (uint32_t at = 0; at < length; at += 8) {
        uint64_t word = 0;
        for (uint32_t i = at; i < at + 8 && i < length; i++) {
            word = (word << 8) | bytes[i];
            bytes[i] = 0;
        }
        *state = mix64(*state, word);
    }
    return true;
}

static uint64_t virtual_counter(void)
{
    uint32_t lo, hi;
    __asm__ volatile("mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi)); /* CNTVCT */
    return ((uint64_t)hi << 32) | lo;
}

/*
 * QEMU's virt board puts fresh host randomness in /chosen/rng-seed and
 * kaslr-seed; a domain can read neither (the tree is never mapped for one).
 * The counter a domain can read is mixed in only so that a board without
 * seeds still differs between boots; it adds no secrecy. Only whether a
 * seed was found is printed, never a value.
 */
uint64_t armv7_boot_seed(const void *dtb);
uint64_t armv7_boot_seed(const void *dtb)
{
    uint64_t state = mix64(0, virtual_counter());
    bool rng = fold_chosen(dtb, "rng-seed", &state);
    bool kaslr = fold_chosen(dtb, "kaslr-seed", &state);
    state = mix64(state, virtual_counter());
    printk("kernel: boot seed from %s%s%s\n", rng ? "rng-seed, " : "", kaslr ? "kaslr-seed, " : "",
           rng || kaslr ? "and the counter" : "the counter only: guessable (no seed in the tree)");
    return state;
}
