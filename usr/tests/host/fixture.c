/* Shared set-up for the host suites: boots a machine per test and wraps common invocations. */
#include "fixture.h"
#include "libcap_support.h"

char kernel_console[KERNEL_CONSOLE_BYTES];

void fixture_boot(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
}

void fixture_shutdown(void)
{
    host_machine_shutdown();
    host_console_capture(NULL, 0);
}

TCase *fixture_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, fixture_boot, fixture_shutdown);
    suite_add_tcase(s, tc);
    return tc;
}

struct cap_identity identify(capaddr_t addr)
{
    struct cap_identity id;
    errval_t err = invoke_cap_identify(addr, &id);
    ck_assert_msg(err_is_ok(err), "identify 0x%x: %s", addr, err_getcode(err));
    return id;
}

bool slot_is_empty(capaddr_t addr)
{
    struct cap_identity id;
    return err_no(invoke_cap_identify(addr, &id)) == SYS_ERR_CAP_NOT_FOUND;
}

/* libcap_support.h */
struct cap_identity capref_identity(struct capref cap)
{
    struct cap_identity id;
    ck_assert_ok(cap_identify(cap, &id));
    return id;
}

bool capref_slot_is_empty(struct capref cap)
{
    struct cap_identity id;
    errval_t err = cap_identify(cap, &id);
    return err_no(err) == LIB_ERR_CAP_IDENTIFY && err_no(err_pop(err)) == SYS_ERR_CAP_NOT_FOUND;
}

errval_t retype_from_ram(gensize_t offset_bytes, enum objtype type, gensize_t obj_bytes,
                         size_t count, cslot_t first)
{
    return invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, offset_bytes, type, obj_bytes, count,
                               WORK_CNODE, first);
}

bool ram_has_no_descendants(void)
{
    gensize_t bytes = host_machine_free_ram_bytes() - BASE_PAGE_BYTES;
    const cslot_t probe = L2_CNODE_SLOTS - 1;
    if (!slot_is_empty(WORK_SLOT(probe))) {
        return false;
    }
    errval_t err = retype_from_ram(0, ObjType_RAM, bytes, 1, probe);
    if (err_no(err) == SYS_ERR_RETYPE_OVERLAP) {
        return false;
    }
    ck_assert_ok(err);
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, WORK_SLOT(probe)));
    return true;
}

void assert_chain(errval_t err, const enum err_code *codes, size_t count, int line)
{
    char text[512];
    err_format(err, text, sizeof(text));
    errval_t rest = err;
    for (size_t i = 0; i < count; i++, rest = err_pop(rest)) {
        ck_assert_msg(err_no(rest) == codes[i], "line %d: expected %s at depth %zu of %s", line,
                      err_getcode(codes[i]), i, text);
    }
    ck_assert_msg(rest == SYS_ERR_OK, "line %d: %s has causes beyond %zu", line, text, count);
}
