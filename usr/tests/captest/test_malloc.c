/* malloc in a booted domain: memory from frames the domain maps itself, reused after free. */
#include "captest.h"
#include <stdlib.h>
#include <string.h>

#define ALLOCATIONS 400

static const char *malloc_gives_distinct_writable_memory(void)
{
    static unsigned char *blocks[ALLOCATIONS];
    for (int i = 0; i < ALLOCATIONS; i++) {
        size_t bytes = 1 + (size_t)(i * 37 % 3000);
        blocks[i] = malloc(bytes);
        FAIL_IF(blocks[i] == NULL);
        memset(blocks[i], i & 0xff, bytes);
    }
    for (int i = 0; i < ALLOCATIONS; i++) {
        size_t bytes = 1 + (size_t)(i * 37 % 3000);
        for (size_t j = 0; j < bytes; j++) {
            FAIL_IF(blocks[i][j] != (unsigned char)(i & 0xff));
        }
    }
    for (int i = 0; i < ALLOCATIONS; i += 2) {
        free(blocks[i]);
    }
    for (int i = 1; i < ALLOCATIONS; i += 2) {
        free(blocks[i]);
    }
    struct heap_stats stats;
    heap_get_stats(&stats);
    FAIL_IF(stats.bytes_in_use != 0);
    return NULL;
}

static const char *freed_memory_is_reused(void)
{
    struct heap_stats before;
    heap_get_stats(&before);
    for (int round = 0; round < 50; round++) {
        void *p = malloc(48 * 1024);
        FAIL_IF(p == NULL);
        memset(p, round, 48 * 1024);
        free(p);
    }
    struct heap_stats after;
    heap_get_stats(&after);
    FAIL_IF(after.morecore_calls > before.morecore_calls + 1);
    FAIL_IF(after.bytes_in_use != before.bytes_in_use);
    FAIL_IF(malloc(0) != NULL);
    return NULL;
}

static bool all_zero(const unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/*
 * calloc over memory a freed block dirtied (first fit hands it back, so only the zeroing can
 * make it read zero), over several pages; NULL whenever
 * count * bytes is 0 or overflows, with nothing allocated.
 */
static const char *calloc_zeroes_and_refuses_overflow(void)
{
    const size_t sizes[][2] = {{1, 1}, {3, 7000}, {4096, 5}, {1, 300 * 1024}};
    struct heap_stats before, after;
    heap_get_stats(&before);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t bytes = sizes[i][0] * sizes[i][1];
        unsigned char *dirty = malloc(bytes);
        FAIL_IF(dirty == NULL);
        memset(dirty, 0xa5, bytes);
        free(dirty);
        unsigned char *p = calloc(sizes[i][0], sizes[i][1]);
        FAIL_IF(p == NULL || p >= dirty + bytes || p + bytes <= dirty); /* over dirty bytes */
        FAIL_IF(!all_zero(p, bytes));
        free(p);
    }
    const size_t half = (size_t)1 << (sizeof(size_t) * 4);
    FAIL_IF(calloc(SIZE_MAX / 2 + 2, 2) != NULL);
    FAIL_IF(calloc(2, SIZE_MAX / 2 + 2) != NULL);
    FAIL_IF(calloc(half, half) != NULL); /* the product wraps to 0 */
    FAIL_IF(calloc(SIZE_MAX, SIZE_MAX) != NULL);
    FAIL_IF(calloc(0, 16) != NULL || calloc(16, 0) != NULL);
    heap_get_stats(&after);
    FAIL_IF(after.bytes_in_use != before.bytes_in_use);
    return NULL;
}

/* Fills bytes at p with a pattern that differs per byte; pattern_holds checks it. */
static void fill_pattern(unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) {
        p[i] = (unsigned char)(i * 7 + 3);
    }
}

static bool pattern_holds(const unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) {
        if (p[i] != (unsigned char)(i * 7 + 3)) {
            return false;
        }
    }
    return true;
}

/* realloc as stdlib.h documents it: from NULL, growing, shrinking in place, to 0, too large. */
static const char *realloc_keeps_contents(void)
{
    struct heap_stats before, now;
    heap_get_stats(&before);
    unsigned char *p = realloc(NULL, 1000);
    FAIL_IF(p == NULL);
    fill_pattern(p, 1000);
    unsigned char *grown = realloc(p, 5 * 4096 + 17);
    FAIL_IF(grown == NULL || !pattern_holds(grown, 1000));
    memset(grown + 1000, 0x3c, 5 * 4096 + 17 - 1000);
    FAIL_IF(grown[5 * 4096 + 16] != 0x3c);
    heap_get_stats(&now); /* the old block went back: only the grown one is in use */
    FAIL_IF(now.bytes_in_use - before.bytes_in_use > 5 * 4096 + 17 + 64);
    unsigned char *shrunk = realloc(grown, 10);
    FAIL_IF(shrunk != grown || !pattern_holds(shrunk, 10));
    FAIL_IF(realloc(shrunk, SIZE_MAX / 2 + 1) != NULL);
    FAIL_IF(!pattern_holds(shrunk, 1000)); /* a refused realloc leaves the block as it was */
    FAIL_IF(realloc(shrunk, 0) != NULL);
    heap_get_stats(&now);
    FAIL_IF(now.bytes_in_use != before.bytes_in_use);
    return NULL;
}

const struct booted_test captest_malloc[] = {
    {"CT301", "malloc hands out distinct writable memory", malloc_gives_distinct_writable_memory},
    {"CT302", "freed memory is reused; malloc(0) is NULL", freed_memory_is_reused},
    {"CT303", "calloc zeroes dirty memory over pages; overflowing sizes give NULL",
     calloc_zeroes_and_refuses_overflow},
    {"CT304", "realloc from NULL, growing, shrinking, to 0 and too large keeps contents",
     realloc_keeps_contents},
    {NULL, NULL, NULL},
};
