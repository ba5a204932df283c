/* AT104 (faults on purpose): a page read just before pmap_unmap must not stay reachable via the
 * TLB. */
#include "attack.h"

static const char *map_read_unmap(uintptr_t *at)
{
    struct capref frame;
    genvaddr_t va;
    ATTACK_OK(frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    ATTACK_OK(pmap_determine_addr(&attack_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &va));
    ATTACK_OK(pmap_map(&attack_pmap, va, frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ_WRITE));
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)va;
    *word = 0x7ab1e5;
    ATTACK_FAIL_IF(*word != 0x7ab1e5); /* the translation is in the TLB now */
    ATTACK_OK(pmap_unmap(&attack_pmap, va, BASE_PAGE_BYTES));
    *at = (uintptr_t)va;
    return NULL;
}

int main(void)
{
    return attack_fault_main("AT104", "an unmapped page is not readable through a stale TLB entry",
                             map_read_unmap, attack_touch_read);
}
