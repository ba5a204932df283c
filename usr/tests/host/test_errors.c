/* The error table and errval_t chains: codes, strings, push/pop and formatting. */
#include "fixture.h"
#include <string.h>

START_TEST(every_code_has_a_name_and_a_distinct_description)
{
    for (int a = 0; a < ERR_NUM_CODES; a++) {
        const char *name = err_getcode((errval_t)a);
        ck_assert_msg(strncmp(name, "SYS_ERR_", 8) == 0 || strncmp(name, "LIB_ERR_", 8) == 0,
                      "code %d has name %s", a, name);
        ck_assert_msg(strlen(err_getstring((errval_t)a)) > 0, "%s has no description", name);
        for (int b = a + 1; b < ERR_NUM_CODES; b++) {
            ck_assert_msg(strcmp(err_getstring((errval_t)a), err_getstring((errval_t)b)) != 0,
                          "%s and %s share a description", name, err_getcode((errval_t)b));
        }
    }
}
END_TEST

START_TEST(success_is_code_zero_and_not_a_failure)
{
    ck_assert_int_eq(SYS_ERR_OK, 0);
    ck_assert(err_is_ok(SYS_ERR_OK));
    ck_assert(!err_is_fail(SYS_ERR_OK));
    ck_assert(err_is_fail(SYS_ERR_SLOT_IN_USE));
}
END_TEST

START_TEST(push_adds_context_and_pop_reveals_the_cause)
{
    errval_t err = err_push(SYS_ERR_SLOT_IN_USE, LIB_ERR_CAP_RETYPE);
    ck_assert_int_eq(err_no(err), LIB_ERR_CAP_RETYPE);
    ck_assert(err_is_fail(err));
    ck_assert_int_eq(err_no(err_pop(err)), SYS_ERR_SLOT_IN_USE);
    ck_assert(err_is_ok(err_pop(err_pop(err))));
}
END_TEST

/* The kernel's code under library context: the root cause, and err_has finding any layer. */
START_TEST(the_root_cause_is_the_oldest_code_and_err_has_finds_each)
{
    errval_t err =
        err_push(err_push(SYS_ERR_VNODE_SLOT_INVALID, LIB_ERR_VNODE_MAP), LIB_ERR_PMAP_MAP);
    ck_assert_int_eq(err_root_cause(err), SYS_ERR_VNODE_SLOT_INVALID);
    ck_assert(err_has(err, LIB_ERR_PMAP_MAP) && err_has(err, LIB_ERR_VNODE_MAP));
    ck_assert(err_has(err, SYS_ERR_VNODE_SLOT_INVALID));
    ck_assert(!err_has(err, SYS_ERR_CAP_NOT_FOUND) && !err_has(err, SYS_ERR_OK));
    ck_assert_int_eq(err_root_cause(SYS_ERR_CAP_NOT_FOUND), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_int_eq(err_root_cause(SYS_ERR_OK), SYS_ERR_OK);
    ck_assert(err_has(SYS_ERR_OK, SYS_ERR_OK));
    /* A full stack lost its oldest codes: the root cause is the oldest kept. */
    errval_t full = SYS_ERR_CAP_NOT_FOUND;
    for (int i = 0; i < ERR_STACK_DEPTH; i++) {
        full = err_push(full, i == 0 ? LIB_ERR_CAP_MINT : LIB_ERR_CAP_COPY);
    }
    ck_assert_int_eq(err_root_cause(full), LIB_ERR_CAP_MINT);
}
END_TEST

START_TEST(push_onto_success_gives_just_the_new_code)
{
    ck_assert_uint_eq(err_push(SYS_ERR_OK, LIB_ERR_CAP_COPY), LIB_ERR_CAP_COPY);
}
END_TEST

START_TEST(a_full_stack_keeps_the_newest_codes)
{
    errval_t err = SYS_ERR_CAP_NOT_FOUND; /* the oldest: must fall off */
    for (int i = 0; i < ERR_STACK_DEPTH; i++) {
        err = err_push(err, i % 2 == 0 ? LIB_ERR_CAP_COPY : LIB_ERR_CAP_MINT);
    }
    for (int i = ERR_STACK_DEPTH - 1; i >= 0; i--) {
        ck_assert_int_eq(err_no(err), i % 2 == 0 ? LIB_ERR_CAP_COPY : LIB_ERR_CAP_MINT);
        err = err_pop(err);
    }
    ck_assert(err_is_ok(err));
}
END_TEST

START_TEST(format_prints_the_chain_newest_first)
{
    char text[256];
    errval_t err = err_push(SYS_ERR_SLOT_IN_USE, LIB_ERR_CAP_RETYPE);
    size_t length = err_format(err, text, sizeof(text));
    ck_assert_str_eq(text, "LIB_ERR_CAP_RETYPE (cap_retype failed) <- "
                           "SYS_ERR_SLOT_IN_USE (a destination slot is not empty)");
    ck_assert_uint_eq(length, strlen(text));
}
END_TEST

START_TEST(format_truncates_and_reports_the_full_length)
{
    char text[8];
    errval_t err = err_push(SYS_ERR_SLOT_IN_USE, LIB_ERR_CAP_RETYPE);
    char full[256];
    size_t length = err_format(err, text, sizeof(text));
    ck_assert_uint_eq(length, err_format(err, full, sizeof(full)));
    ck_assert_str_eq(text, "LIB_ERR");
}
END_TEST

START_TEST(format_of_success_names_it)
{
    char text[64];
    err_format(SYS_ERR_OK, text, sizeof(text));
    ck_assert_str_eq(text, "SYS_ERR_OK (success)");
}
END_TEST

START_TEST(unknown_codes_are_named_as_unknown)
{
    errval_t err = ERR_CODE_MASK; /* beyond the table */
    ck_assert_str_eq(err_getcode(err), "ERR_UNKNOWN");
    ck_assert_str_eq(err_getstring(err), "unknown error code");
}
END_TEST

Suite *errors_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("table and chains");
    tcase_add_test(tc, every_code_has_a_name_and_a_distinct_description);
    tcase_add_test(tc, success_is_code_zero_and_not_a_failure);
    tcase_add_test(tc, push_adds_context_and_pop_reveals_the_cause);
    tcase_add_test(tc, push_onto_success_gives_just_the_new_code);
    tcase_add_test(tc, the_root_cause_is_the_oldest_code_and_err_has_finds_each);
    tcase_add_test(tc, a_full_stack_keeps_the_newest_codes);
    tcase_add_test(tc, format_prints_the_chain_newest_first);
    tcase_add_test(tc, format_truncates_and_reports_the_full_length);
    tcase_add_test(tc, format_of_success_names_it);
    tcase_add_test(tc, unknown_codes_are_named_as_unknown);
    suite_add_tcase(s, tc);
    return s;
}
