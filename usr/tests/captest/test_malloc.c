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
    void *big = calloc(1, 300 * 1024);
    FAIL_IF(big == NULL || ((unsigned char *)big)[300 * 1024 - 1] != 0);
    big = realloc(big, 400 * 1024);
    FAIL_IF(big == NULL);
    free(big);
    FAIL_IF(malloc(0) != NULL);
    return NULL;
}

const struct captest captest_malloc[] = {
    {"CT301", "malloc hands out distinct writable memory", malloc_gives_distinct_writable_memory},
    {"CT302", "freed memory is reused; calloc zeroes; realloc keeps", freed_memory_is_reused},
    {NULL, NULL, NULL},
};
