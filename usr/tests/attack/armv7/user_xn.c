/* AT420: executing from a page the domain mapped without the execute right must fault. */
#include "common.h"

#include <libcap/libcap.h>
#include <pmap/pmap.h>
#include <stdlib.h>

static struct pmap attack_pmap;

int main(void)
{
    struct capref frame;
    genvaddr_t vaddr;
    if (err_is_fail(libcap_init()) || err_is_fail(pmap_init_self(&attack_pmap)) ||
        err_is_fail(frame_alloc(&frame, 4096, NULL)) ||
        err_is_fail(pmap_determine_addr(&attack_pmap, 4096, 4096, &vaddr)) ||
        err_is_fail(pmap_map(&attack_pmap, vaddr, frame, 0, 4096, VREGION_FLAGS_READ_WRITE))) {
        printf("FAIL AT420 set-up failed\n");
        return 2;
    }
    volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)vaddr;
    code[0] = 0xe12fff1e; /* bx lr: harmless if it ever ran */
    printf("EXPECT-FAULT AT420 execute from a read-write page at 0x%llx (XN, prefetch abort)\n",
           (unsigned long long)vaddr);
    void (*run)(void) = (void (*)(void))(uintptr_t)vaddr;
    run();
    printf("FAIL AT420 code ran from a page mapped without execute\n");
    return 1;
}
