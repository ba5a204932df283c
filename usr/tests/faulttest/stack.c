/* A domain with libvspace installed that overflows its stack into the guard page below it. */
#include "common.h"
#include <vspace/vspace.h>

static struct vspace vs;
static volatile uintptr_t never = UINTPTR_MAX;

static uintptr_t recurse(uintptr_t depth)
{
    volatile uint8_t frame[256]; /* less than the guard page: the overflow lands in it */
    frame[0] = (uint8_t)depth;
    return depth == never ? 0 : recurse(depth + 1) + frame[0];
}

int main(void)
{
    if (err_is_fail(libcap_init()) || err_is_fail(pmap_init_self(&fault_pmap)) ||
        err_is_fail(vspace_init(&vs, &fault_pmap)) || err_is_fail(vspace_install(&vs, 16384))) {
        printf("faulttest: set-up failed\n");
        return 2;
    }
    genvaddr_t guard = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - BASE_PAGE_BYTES;
    printf("faulttest: stack guard page at 0x%llx\n", (unsigned long long)guard);
    printf("faulttest: still running after %lu\n", (unsigned long)recurse(0));
    return 0;
}
