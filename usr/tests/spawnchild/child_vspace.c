/* spawnchild's libvspace scenarios: lazy malloc, a guard, a stack overflow, RAM run out. */
#include "spawnchild.h"
#include <stdlib.h>
#include <vspace/vspace.h>

#define PAGE BASE_PAGE_BYTES
#define EXCEPTION_STACK_BYTES (16 * 1024)

static struct vspace vs;
static uintptr_t exhaust_tag;
static volatile uintptr_t pages_filled;
static volatile uintptr_t never = UINTPTR_MAX;

static errval_t install(void)
{
    errval_t err = vspace_init(&vs, &self_pmap);
    if (err_is_ok(err)) {
        err = vspace_install(&vs, EXCEPTION_STACK_BYTES);
    }
    return err_is_ok(err) ? vspace_heap_init(&vs) : err;
}

/* malloc's new memory is filled page by page as it is touched, not when it is handed out. */
static void lazy_malloc(uintptr_t tag)
{
    struct vspace_stats before, after;
    vspace_get_stats(&vs, &before);
    volatile uint8_t *p = malloc(256 * 1024);
    if (p == NULL) {
        child_reply(CHILD_VSPACE, tag, 0, LIB_ERR_VSPACE_MAP);
        return;
    }
    vspace_get_stats(&vs, &after);
    uintptr_t at_malloc = after.zero_fills - before.zero_fills; /* the block's header pages */
    for (size_t i = 0; i < 16; i++) {
        p[8192 + i * 4 * PAGE] = (uint8_t)i;
    }
    for (size_t i = 0; i < 16; i++) {
        if (p[8192 + i * 4 * PAGE] != (uint8_t)i) {
            child_reply(CHILD_VSPACE, tag, 0, LIB_ERR_VSPACE_FILL);
            return;
        }
    }
    vspace_get_stats(&vs, &after);
    child_reply(CHILD_VSPACE, tag, after.zero_fills - before.zero_fills - at_malloc,
                at_malloc <= 2 ? SYS_ERR_OK : LIB_ERR_VSPACE_FILL);
}

static uintptr_t recurse(uintptr_t depth)
{
    volatile uint8_t frame[512]; /* less than the guard page: each step lands in it, not past */
    frame[0] = (uint8_t)depth;
    if (depth == never) {
        return 0;
    }
    return recurse(depth + 1) + frame[0];
}

/* The handler's error path: say what failed, then end the domain by exit, not by the fault. */
static void out_of_ram(struct vspace *v, genvaddr_t vaddr, unsigned kind, errval_t err)
{
    (void)v;
    (void)vaddr;
    (void)kind;
    child_reply(CHILD_VSPACE, exhaust_tag, pages_filled, err_no(err));
    exit(CHILD_VSPACE_EXHAUSTED);
}

static void exhaust(uintptr_t tag)
{
    genvaddr_t va;
    errval_t err = vspace_map_anon(&vs, 64ull << 20, VREGION_FLAGS_READ_WRITE, &va);
    if (err_is_fail(err)) {
        child_reply(CHILD_VSPACE, tag, 0, err_no(err));
        return;
    }
    exhaust_tag = tag;
    vspace_set_error_handler(&vs, out_of_ram);
    for (pages_filled = 0;; pages_filled++) {
        *(volatile uintptr_t *)(uintptr_t)(va + pages_filled * PAGE) = pages_filled;
    }
}

void child_vspace(uintptr_t tag, uintptr_t scenario)
{
    errval_t err = install();
    if (err_is_fail(err)) {
        child_reply(CHILD_VSPACE, tag, 0, err_no(err));
        return;
    }
    genvaddr_t guard;
    switch (scenario) {
    case CHILD_VSPACE_MALLOC:
        lazy_malloc(tag);
        return;
    case CHILD_VSPACE_GUARD_READ:
        err = vspace_map_guard(&vs, PAGE, &guard);
        child_reply(CHILD_VSPACE, tag, err_is_ok(err) ? *(volatile uintptr_t *)(uintptr_t)guard : 0,
                    err_no(err));
        return;
    case CHILD_VSPACE_STACK_OVERFLOW:
        child_reply(CHILD_VSPACE, tag, recurse(0), 0);
        return;
    case CHILD_VSPACE_EXHAUST:
        exhaust(tag);
        return;
    default:
        child_reply(CHILD_VSPACE, tag, 0, LIB_ERR_NOT_IMPLEMENTED);
    }
}
