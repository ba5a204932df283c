/* ARMv7 has no page larger than its 1 MiB section (CT105 covers that): no tests here. */
#include "../../captest.h"

const struct captest captest_arch_huge[] = {
    {NULL, NULL, NULL},
};
