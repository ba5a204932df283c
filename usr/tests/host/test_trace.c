/* Refusal tracing: with KERNEL_TRACE_REFUSALS each refusal is explained, without it nothing. */
#include "paging_support.h"
#include <stdio.h>
#include <string.h>

/* A refusal the tests provoke: mapping a frame as a large page at a 4 KiB offset. */
static void provoke_misaligned_large_page(gensize_t *page_bytes)
{
    int level = fmt.levels - 2;
    *page_bytes = fmt.span_bytes[level];
    capaddr_t frame = new_aligned_object(ObjType_Frame, 2 * *page_bytes, *page_bytes);
    capaddr_t table = table_for(0, level);
    host_console_capture(kernel_console, sizeof(kernel_console));
    ck_assert_err(invoke_vnode_map(table, 1, frame, VREGION_FLAGS_READ, BASE_PAGE_BYTES, 1),
                  SYS_ERR_VM_MAP_LARGE_MISALIGNED);
}

#ifdef KERNEL_TRACE_REFUSALS

static void assert_printed(const char *text)
{
    ck_assert_msg(strstr(kernel_console, text) != NULL, "missing \"%s\" in:\n%s", text,
                  kernel_console);
}

START_TEST(a_refused_map_names_the_invocation_its_arguments_and_the_values)
{
    gensize_t page_bytes;
    provoke_misaligned_large_page(&page_bytes);
    char expected[160];
    snprintf(expected, sizeof(expected), "kernel: refused init: %s.map(slot=0x1, src=",
             objtype_name(fmt.table[fmt.levels - 2]));
    assert_printed(expected);
    assert_printed("offset_bytes=0x1000, pte_count=0x1): SYS_ERR_VM_MAP_LARGE_MISALIGNED (");
    snprintf(expected, sizeof(expected), "is not aligned to the page size 0x%llx (off by 0x1000)",
             (unsigned long long)page_bytes);
    assert_printed(expected);
}
END_TEST

START_TEST(a_refused_retype_names_the_alignment_it_needed)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    ck_assert_err(retype_from_ram(2048, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_MISALIGNED);
    assert_printed("is not aligned to 4096 bytes (off by 0x800)");
    assert_printed(".retype(src=");
    assert_printed("): SYS_ERR_RETYPE_MISALIGNED (");
}
END_TEST

START_TEST(a_successful_invocation_prints_nothing)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_str_eq(kernel_console, "");
}
END_TEST

#else

START_TEST(refusals_print_nothing_when_tracing_is_off)
{
    gensize_t page_bytes;
    provoke_misaligned_large_page(&page_bytes);
    ck_assert_err(retype_from_ram(2048, ObjType_Frame, BASE_PAGE_BYTES, 1, 0),
                  SYS_ERR_RETYPE_MISALIGNED);
    ck_assert_str_eq(kernel_console, "");
}
END_TEST

#endif

Suite *trace_suite(void)
{
    Suite *s = suite_create("refusal tracing");
    TCase *tc = paging_tcase(s, "trace");
#ifdef KERNEL_TRACE_REFUSALS
    tcase_add_test(tc, a_refused_map_names_the_invocation_its_arguments_and_the_values);
    tcase_add_test(tc, a_refused_retype_names_the_alignment_it_needed);
    tcase_add_test(tc, a_successful_invocation_prints_nothing);
#else
    tcase_add_test(tc, refusals_print_nothing_when_tracing_is_off);
#endif
    return s;
}
