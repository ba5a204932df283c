/* Placeholder: being written. */
#include "pmap_fixture.h"

Suite *pmap_errors_suite(void)
{
    return suite_create("pmap_errors (being written)");
}
