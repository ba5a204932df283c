/* The vspace suites' fixture and their simulated CPU accesses. */
#include "vspace_support.h"
#include <vspace_platform.h>

struct vspace test_vs;

void vspace_boot(void)
{
    pmap_boot();
    ck_assert_ok(vspace_init(&test_vs, &test_pmap));
}

TCase *vspace_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, vspace_boot, pmap_shutdown);
    tcase_set_timeout(tc, 30); /* the sanitizer builds on a loaded machine */
    suite_add_tcase(s, tc);
    return tc;
}

static bool mapping_allows(genvaddr_t vaddr, unsigned kind)
{
    struct pmap_mapping_info m;
    if (err_is_fail(pmap_lookup(&test_pmap, vaddr, &m))) {
        return false;
    }
    unsigned need = DISPATCHER_FAULT_ACCESS(kind) == DISPATCHER_FAULT_WRITE ? VREGION_FLAGS_WRITE
                    : DISPATCHER_FAULT_ACCESS(kind) == DISPATCHER_FAULT_EXECUTE
                        ? VREGION_FLAGS_EXECUTE
                        : VREGION_FLAGS_READ;
    return (m.flags & need) != 0;
}

uint32_t *vs_word(genvaddr_t vaddr)
{
    struct pmap_mapping_info m;
    ck_assert_ok(pmap_lookup(&test_pmap, vaddr, &m));
    genvaddr_t page = vaddr & ~(genvaddr_t)(VPAGE - 1);
    return (uint32_t *)((uint8_t *)vspace_page_pointer(&test_pmap, page) + (vaddr - page));
}

errval_t vs_access(genvaddr_t vaddr, unsigned kind, uint32_t *value)
{
    if (!mapping_allows(vaddr, kind)) {
        errval_t err = vspace_handle_fault(&test_vs, vaddr, kind);
        if (err_is_fail(err)) {
            return err;
        }
        ck_assert_msg(mapping_allows(vaddr, kind), "resolved, yet 0x%llx faults again",
                      (unsigned long long)vaddr);
    }
    genvaddr_t word = vaddr & ~(genvaddr_t)3; /* the fault's address is exact; the word aligned */
    if (DISPATCHER_FAULT_ACCESS(kind) == DISPATCHER_FAULT_WRITE) {
        *vs_word(word) = *value;
    } else if (value != NULL) {
        *value = *vs_word(word);
    }
    return SYS_ERR_OK;
}

void vspace_assert_no_leaks(void)
{
    ck_assert_ok(vspace_destroy(&test_vs));
    struct vspace_stats s;
    vspace_get_stats(&test_vs, &s);
    ck_assert_uint_eq(s.regions, 0);
    ck_assert_uint_eq(s.frames_owned, 0);
    assert_no_leaks();
}
