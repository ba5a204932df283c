/* Placeholder: being written. */
#include "pmap_fixture.h"

Suite *pmap_suite(void)
{
    return suite_create("pmap (being written)");
}
