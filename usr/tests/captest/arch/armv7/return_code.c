/* ARMv7 machine code for tests that execute a page: a function that only returns. */
#include "../../captest.h"

size_t captest_arch_return_code(uint8_t *buf)
{
    /* bx lr, in ARM state (the page's address is even, so a call through it enters ARM). */
    const uint8_t bx_lr[4] = {0x1e, 0xff, 0x2f, 0xe1};
    for (int i = 0; i < 4; i++) {
        buf[i] = bx_lr[i];
    }
    return 4;
}
