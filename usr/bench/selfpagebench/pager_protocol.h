/* What selfpagebench (the pager, init) and selfpagechild (its client) say to each other. */
#ifndef SELFPAGEBENCH_PAGER_PROTOCOL_H
#define SELFPAGEBENCH_PAGER_PROTOCOL_H

#include <domain_layout.h>
#include <stdint.h>

#define PAGER_REPEATS 201
#define PAGER_LAZY_PAGES 32
/* Below DOMAIN_PMAP_VADDR_MIN, away from the image and the stack: the child's own pmap never
   picks it, so only the pager maps there (through the child's pmap init keeps). */
#define PAGER_LAZY_VA ((uintptr_t)DOMAIN_STACK_TOP / 2)
/* A page init keeps mapped past the lazy range, so that its leaf table stays between rounds. */
#define PAGER_PIN_VA (PAGER_LAZY_VA + PAGER_LAZY_PAGES * 4096u)
/* The page the TRAP series stores to: read-write once, read-only before each timed store. */
#define PAGER_TRAP_VA (PAGER_PIN_VA + 2 * 4096u)

/* words[0] of a message from the child; init answers PAGER_OK to the two requests. */
enum pager_command {
    PAGER_READY = 0x5e1f0,
    PAGER_PROTECT,    /* make the TRAP page read-only (untimed) */
    PAGER_LAZY_RESET, /* unmap the lazy range and free its frames (untimed) */
    PAGER_RESULT,     /* words[1]: the series (enum pager_series); [2], [3]: min and median */
    PAGER_MAX,        /* words[1]: the series; [2]: max; sent after PAGER_RESULT */
    PAGER_FAILED,     /* words[1]: the series whose value check failed */
    PAGER_DONE,
    PAGER_OK,
};

enum pager_series { SERIES_TRAP, SERIES_LAZY };

#endif
