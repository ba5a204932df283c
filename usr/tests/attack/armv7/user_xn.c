/* AT420: executing from a page the domain mapped without the execute right must fault. */
#include <attack.h>
#include <stdio.h>

int main(void)
{
    struct capref frame;
    genvaddr_t vaddr;
    attack_setup("AT420", "execute from a read-write page (XN, prefetch abort)");
    if (err_is_fail(frame_alloc(&frame, 4096, NULL)) ||
        err_is_fail(pmap_determine_addr(&attack_pmap, 4096, 4096, &vaddr)) ||
        err_is_fail(pmap_map(&attack_pmap, vaddr, frame, 0, 4096, VREGION_FLAGS_READ_WRITE))) {
        printf("FAIL AT420 set-up failed\n");
        return 2;
    }
    volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)vaddr;
    code[0] = 0xe12fff1e; /* bx lr: harmless if it ever ran */
    attack_expect_fault("AT420", "execute from a read-write page at 0x%llx (XN, prefetch abort)",
                        (unsigned long long)vaddr);
    void (*run)(void) = (void (*)(void))(uintptr_t)vaddr;
    run();
    return attack_survived("AT420", "code ran from a page mapped without execute");
}
