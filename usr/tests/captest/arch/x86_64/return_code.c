/* x86-64 machine code for tests that execute a page: a function that only returns. */
#include "../../captest.h"

size_t captest_arch_return_code(uint8_t *buf)
{
    buf[0] = 0xc3; /* ret */
    return 1;
}
