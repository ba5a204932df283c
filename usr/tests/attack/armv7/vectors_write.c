/* AT412: overwriting the (high) exception vectors from user mode must fault. */
#include "common.h"

int main(void)
{
    printf("EXPECT-FAULT AT412 write a branch over the vectors at 0x%x (data abort)\n",
           HIGH_VECTORS_VADDR);
    volatile uint32_t *vectors = (volatile uint32_t *)(uintptr_t)HIGH_VECTORS_VADDR;
    vectors[2] = 0xeafffffe; /* "b ." as the SVC vector */
    printf("FAIL AT412 the vector page took a write from user mode\n");
    return 1;
}
