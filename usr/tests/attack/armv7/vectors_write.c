/* AT412: overwriting the (high) exception vectors from user mode must fault. */
#include <attack.h>

int main(void)
{
    attack_expect_fault("AT412", "write a branch over the vectors at 0x%x (data abort)",
                        (unsigned)ATTACK_HIGH_VECTORS_VADDR);
    volatile uint32_t *vectors = (volatile uint32_t *)(uintptr_t)ATTACK_HIGH_VECTORS_VADDR;
    vectors[2] = 0xeafffffe; /* "b ." as the SVC vector */
    return attack_survived("AT412", "the vector page took a write from user mode");
}
