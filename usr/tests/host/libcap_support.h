/* Helpers for the host suites that test libcap itself (fixture.c): identify as a domain sees it. */
#ifndef HOST_TEST_LIBCAP_SUPPORT_H
#define HOST_TEST_LIBCAP_SUPPORT_H

#include <libcap/caps.h>
#include <stdbool.h>

/* What libcap's identify says of cap; the call must succeed. */
struct cap_identity capref_identity(struct capref cap);

/* Is cap's slot empty, as libcap tells a domain: LIB_ERR_CAP_IDENTIFY over SYS_ERR_CAP_NOT_FOUND?
 */
bool capref_slot_is_empty(struct capref cap);

#endif
