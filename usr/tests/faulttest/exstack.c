/* A domain whose fault handler overflows its own (pinned, guarded) exception stack. */
#include "common.h"
#include <vspace/vspace.h>

static struct vspace vs;
static volatile uintptr_t never = UINTPTR_MAX;

static uintptr_t recurse(uintptr_t depth)
{
    volatile uint8_t frame[256];
    frame[0] = (uint8_t)depth;
    return depth == never ? 0 : recurse(depth + 1) + frame[0];
}

static bool overflowing_handler(struct vspace *v, genvaddr_t vaddr, unsigned kind)
{
    (void)v;
    (void)vaddr;
    (void)kind;
    return recurse(0) == 0;
}

int main(void)
{
    genvaddr_t va;
    if (err_is_fail(libcap_init()) || err_is_fail(pmap_init_self(&fault_pmap)) ||
        err_is_fail(vspace_init(&vs, &fault_pmap)) || err_is_fail(vspace_install(&vs, 16384)) ||
        err_is_fail(vspace_map_anon(&vs, BASE_PAGE_BYTES, VREGION_FLAGS_READ, &va))) {
        printf("faulttest: set-up failed\n");
        return 2;
    }
    genvaddr_t stack_guard = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - BASE_PAGE_BYTES;
    for (size_t i = 0; i < vs.count; i++) { /* the other stack guard: the exception stack's */
        const struct vspace_region *r = &vs.regions[i];
        if ((r->flags & VSPACE_STACK_GUARD) && r->base != stack_guard) {
            printf("faulttest: exception stack guard page at 0x%llx\n",
                   (unsigned long long)r->base);
        }
    }
    vspace_set_protection_handler(&vs, overflowing_handler);
    printf("faulttest: writing to 0x%llx\n", (unsigned long long)va);
    *(volatile int *)(uintptr_t)va = 1;
    printf("faulttest: still running: the handler returned\n");
    return 0;
}
