/* Starving the soak's machine: RAM and slots taken away, then given back one piece per failure. */
#include "soak.h"
#include <stdio.h>
#include <string.h>

#define MAX_PIECES 8192
#define MAX_SLOTS 4096

static struct {
    gensize_t base[MAX_PIECES];
    gensize_t bytes[MAX_PIECES];
    size_t count;
} ram;

static struct {
    struct capref slot[MAX_SLOTS];
    size_t count;
    bool limited;
} slots;

size_t soak_starved_failures;

/* Takes what RAM is free: metadata-block-sized pieces first, then single pages. */
static void hoard_ram(void)
{
    for (gensize_t size = PMAP_REFILL_BYTES; size >= PAGE; size = size == PAGE ? 0 : PAGE) {
        struct ram_piece piece;
        while (ram.count < MAX_PIECES && err_is_ok(ram_reserve(size, PAGE, &piece))) {
            ram.base[ram.count] = piece.base;
            ram.bytes[ram.count++] = piece.bytes;
        }
    }
}

/* Takes every slot the allocator has, and lets it make no new CNode. */
static void hoard_slots(void)
{
    slot_alloc_limit_l1(ROOTCN_SLOTS_USER);
    slots.limited = true;
    struct capref slot;
    while (slots.count < MAX_SLOTS && err_is_ok(slot_alloc(&slot))) {
        slots.slot[slots.count++] = slot;
    }
}

void soak_starve(enum soak_kind kind)
{
    if (kind == SOAK_RAM_STARVED) {
        hoard_ram();
    } else if (kind == SOAK_SLOT_STARVED) {
        hoard_slots();
    }
}

/* Gives back the piece or slot taken last; false when nothing is left to give. */
static bool give_back_one(void)
{
    if (ram.count > 0) {
        ram.count--;
        ck_assert_ok(ram_release(ram.base[ram.count], ram.bytes[ram.count]));
        return true;
    }
    if (slots.count > 0) {
        ck_assert_ok(slot_free(slots.slot[--slots.count]));
        return true;
    }
    if (slots.limited) { /* the slots of the CNodes there are did not do: new CNodes may come */
        slot_alloc_limit_l1(INIT_ROOTCN_SLOTS);
        slots.limited = false;
        return true;
    }
    return false;
}

void soak_hoarded(gensize_t *ram_bytes, size_t *slot_count)
{
    *ram_bytes = 0;
    for (size_t i = 0; i < ram.count; i++) {
        *ram_bytes += ram.bytes[i];
    }
    *slot_count = slots.count;
}

void soak_feed(void)
{
    while (give_back_one()) {
    }
}

bool soak_is_starved(errval_t err)
{
    enum err_code code = err_root_cause(err); /* the innermost code: what ran out */
    return code == LIB_ERR_RAM_ALLOC_EXHAUSTED || code == LIB_ERR_SLOT_ALLOC_NO_SPACE;
}

bool soak_give_back(errval_t err)
{
    if (!soak_is_starved(err)) {
        return false;
    }
    soak_starved_failures++;
    expect(give_back_one(), "%s: %s with nothing left to give back", where, errstr(err));
    return true;
}

/* The whole oracle after every this many failures; the range and the counts after each. */
#define FULL_CHECK_EVERY 16

/*
 * The pmap half of the hook: a call that ran out must have changed nothing: its range translates
 * as the model says, a map leaves the runs and tables it found (an unmap or modify_flags may
 * leave the splits at its borders, which change no translation), and the oracle agrees.
 */
static bool pmap_starved(errval_t err, genvaddr_t vaddr, gensize_t bytes,
                         const struct user_counts *before)
{
    if (!soak_is_starved(err)) {
        return false;
    }
    size_t n = strlen(where);
    snprintf(where + n, sizeof(where) - n, " (ran out: %s; then the oracle)", errstr(err));
    genvaddr_t lo = vaddr < model.lo ? model.lo : vaddr;
    genvaddr_t hi = vaddr + bytes > model.hi ? model.hi : vaddr + bytes;
    check_every_page(lo, hi);
    struct user_counts now;
    user_counts_take(&now);
    expect(before == NULL || (now.runs == before->runs && now.tables == before->tables),
           "%s: %zu user runs and %zu tables after the failed call, %zu and %zu before", where,
           now.runs, now.tables, before ? before->runs : 0, before ? before->tables : 0);
    if (soak_starved_failures % FULL_CHECK_EVERY == 0) {
        check_against_model();
    }
    where[n] = '\0';
    return soak_give_back(err);
}

void soak_hook(bool on)
{
    starved_retry = on ? pmap_starved : NULL;
}
