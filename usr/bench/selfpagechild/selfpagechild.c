/* selfpagechild: a domain whose faults go to its pager (selfpagebench); it times each round trip.
 */
#include "../selfpagebench/pager_protocol.h"
#include <cycle_counter.h>
#include <init_cspace.h>
#include <libcap/libcap.h>
#include <lmp.h>
#include <stdbool.h>

#define PAGE 4096u

static struct capref parent;
static uint64_t samples[PAGER_REPEATS];

static void say(uintptr_t command, uintptr_t a, uintptr_t b, uintptr_t c)
{
    uintptr_t w[LMP_MSG_WORDS] = {command, a, b, c};
    lmp_send(parent, 0, NULL_CAP, w, LMP_MSG_WORDS);
}

/* A request init serves untimed; its PAGER_OK says it is done. */
static void ask(uintptr_t command)
{
    say(command, 0, 0, 0);
    struct lmp_msg m;
    do {
        lmp_recv(&m);
    } while (m.words[0] != PAGER_OK);
}

static void sort(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++) { /* insertion sort: n is small */
        uint64_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

static void result(enum pager_series series, unsigned per)
{
    sort(samples, PAGER_REPEATS);
    say(PAGER_RESULT, series, (uintptr_t)(samples[0] / per),
        (uintptr_t)(samples[PAGER_REPEATS / 2] / per));
    say(PAGER_MAX, series, (uintptr_t)(samples[PAGER_REPEATS - 1] / per), 0);
}

/* A store to a read-only page of its own: the pager makes it writable, the store runs again. */
static bool trap_series(void)
{
    volatile uint32_t *word = (volatile uint32_t *)(PAGER_TRAP_VA + 8);
    for (int i = 0; i < PAGER_REPEATS; i++) {
        ask(PAGER_PROTECT);
        uint64_t t0 = cycle_counter();
        *word = (uint32_t)i;
        samples[i] = cycle_counter() - t0;
        if (*word != (uint32_t)i) {
            return false;
        }
    }
    result(SERIES_TRAP, 1);
    return true;
}

/* The first touch of each page of the lazy range: the pager maps a fresh (zeroed) frame. */
static bool lazy_series(void)
{
    for (int i = 0; i < PAGER_REPEATS; i++) {
        ask(PAGER_LAZY_RESET);
        uint32_t value = (uint32_t)i + 1;
        uint64_t t0 = cycle_counter();
        for (uintptr_t p = 0; p < PAGER_LAZY_PAGES; p++) {
            *(volatile uint32_t *)(PAGER_LAZY_VA + p * PAGE + 64) = value;
        }
        samples[i] = cycle_counter() - t0;
        for (uintptr_t p = 0; p < PAGER_LAZY_PAGES; p++) {
            volatile uint32_t *page = (volatile uint32_t *)(PAGER_LAZY_VA + p * PAGE);
            if (page[16] != value || page[0] != 0 || page[1023] != 0) {
                return false;
            }
        }
    }
    result(SERIES_LAZY, PAGER_LAZY_PAGES);
    return true;
}

int main(void)
{
    parent = (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_PARENT};
    if (err_is_fail(libcap_init())) {
        return 2;
    }
    say(PAGER_READY, 0, 0, 0);
    if (!trap_series()) {
        say(PAGER_FAILED, SERIES_TRAP, 0, 0);
        return 1;
    }
    if (!lazy_series()) {
        say(PAGER_FAILED, SERIES_LAZY, 0, 0);
        return 1;
    }
    say(PAGER_DONE, 0, 0, 0);
    return 0;
}
