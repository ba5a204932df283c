/* libabi's freestanding printf core against the host C library's snprintf, one row per format. */
#include "fixture.h"
#include <format.h>
#include <stdio.h>
#include <string.h>

/* One conversion and its argument; the host's snprintf gives the expected text. */
struct format_case {
    const char *fmt;
    enum { ARG_INT, ARG_LONG, ARG_LLONG, ARG_SIZE, ARG_STR, ARG_PTR, ARG_NONE } kind;
    long long value;
    const char *str;
};

static const struct format_case cases[] = {
    {"%d", ARG_INT, 0, NULL},
    {"%d", ARG_INT, -42, NULL},
    {"%d", ARG_INT, -2147483647 - 1, NULL},
    {"%5d|", ARG_INT, -42, NULL},
    {"%-5d|", ARG_INT, -42, NULL},
    {"%05d", ARG_INT, -42, NULL},
    {"%u", ARG_INT, -1, NULL},
    {"%x", ARG_INT, 0xbeef, NULL},
    {"%08x", ARG_INT, 0xbeef, NULL},
    {"%#x", ARG_INT, 0xbeef, NULL},
    {"%#x", ARG_INT, 0, NULL},
    {"%#10x|", ARG_INT, 0xbeef, NULL},
    {"%#010x", ARG_INT, 0xbeef, NULL},
    {"%-#10x|", ARG_INT, 0xbeef, NULL},
    {"%lx", ARG_LONG, 0x7fffffffL, NULL},
    {"%#lx", ARG_LONG, 0x1ffe02L, NULL},
    {"%lld", ARG_LLONG, -9223372036854775807LL - 1, NULL},
    {"%llu", ARG_LLONG, -1, NULL},
    {"%016llx", ARG_LLONG, 0x123456789abcLL, NULL},
    {"%zu", ARG_SIZE, 123456789, NULL},
    {"%zx", ARG_SIZE, 0xfffff, NULL},
    {"%s", ARG_STR, 0, "text"},
    {"%8s|", ARG_STR, 0, "text"},
    {"%-8s|", ARG_STR, 0, "text"},
    {"%2s|", ARG_STR, 0, "text"},
    {"%p", ARG_PTR, 0x1000, NULL},
    {"%12p|", ARG_PTR, 0x1000, NULL},
    {"%-12p|", ARG_PTR, 0x1000, NULL},
    {"%c", ARG_INT, 'q', NULL},
    {"100%%", ARG_NONE, 0, NULL},
};

static int format_both(char *mine, char *libc, size_t bytes, const struct format_case *c)
{
    switch (c->kind) {
    case ARG_INT:
        snprintf(libc, bytes, c->fmt, (int)c->value);
        return format_snprintf(mine, bytes, c->fmt, (int)c->value);
    case ARG_LONG:
        snprintf(libc, bytes, c->fmt, (long)c->value);
        return format_snprintf(mine, bytes, c->fmt, (long)c->value);
    case ARG_LLONG:
        snprintf(libc, bytes, c->fmt, c->value);
        return format_snprintf(mine, bytes, c->fmt, c->value);
    case ARG_SIZE:
        snprintf(libc, bytes, c->fmt, (size_t)c->value);
        return format_snprintf(mine, bytes, c->fmt, (size_t)c->value);
    case ARG_STR:
        snprintf(libc, bytes, c->fmt, c->str);
        return format_snprintf(mine, bytes, c->fmt, c->str);
    case ARG_PTR:
        snprintf(libc, bytes, c->fmt, (void *)(uintptr_t)c->value);
        return format_snprintf(mine, bytes, c->fmt, (void *)(uintptr_t)c->value);
    case ARG_NONE:
        snprintf(libc, bytes, c->fmt, 0); /* the formats take no argument */
        return format_snprintf(mine, bytes, c->fmt, 0);
    }
    return -1;
}

/* The formats are chosen at run time from the table, on purpose. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

START_TEST(each_conversion_prints_what_the_c_library_prints)
{
    const struct format_case *c = &cases[_i];
    char mine[64], libc[64];
    int length = format_both(mine, libc, sizeof(mine), c);
    ck_assert_msg(strcmp(mine, libc) == 0, "\"%s\": \"%s\", the C library \"%s\"", c->fmt, mine,
                  libc);
    ck_assert_int_eq(length, (int)strlen(libc));
}
END_TEST

START_TEST(an_unknown_conversion_is_printed_and_takes_no_argument)
{
    char out[64];
    const char *volatile fmt = "%q %s"; /* no compile-time check of a format it cannot know */
    int length = format_snprintf(out, sizeof(out), fmt, "next");
    ck_assert_str_eq(out, "%q next");
    ck_assert_int_eq(length, 7);
}
END_TEST

START_TEST(a_short_buffer_truncates_and_reports_the_full_length)
{
    char out[6];
    int length = format_snprintf(out, sizeof(out), "%#x-%s", 0xabcdef, "tail");
    ck_assert_str_eq(out, "0xabc");
    ck_assert_int_eq(length, 13);
}
END_TEST

Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("printf core");
    tcase_add_loop_test(tc, each_conversion_prints_what_the_c_library_prints, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, an_unknown_conversion_is_printed_and_takes_no_argument);
    tcase_add_test(tc, a_short_buffer_truncates_and_reports_the_full_length);
    suite_add_tcase(s, tc);
    return s;
}
