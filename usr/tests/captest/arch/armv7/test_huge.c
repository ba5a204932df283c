/* ARMv7 has no page larger than its 1 MiB section (CT105 covers that), on every CPU. */
#include "../../captest.h"

bool captest_arch_pages_at_level(int level)
{
    (void)level; /* sections and small pages exist on every CPU with this format */
    return true;
}

const struct booted_test captest_arch_huge[] = {
    {NULL, NULL, NULL},
};
