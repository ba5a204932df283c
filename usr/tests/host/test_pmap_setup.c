/* libpmap set-up and reporting: pmap_init's option checks, pmap_init_self, pmap_dump's lines. */
#include "pmap_fixture.h"
#include <domain_layout.h>
#include <stdio.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES
#define REFILL PMAP_REFILL_BYTES

static struct pmap other;

/* Options pmap_init refuses, each with the refusal under LIB_ERR_PMAP_INIT. */
enum window_base { DEFAULT_BASE, BASE_AT, BASE_FROM_END };
static const struct {
    const char *what;
    genvaddr_t vaddr_min; /* UINT64_MAX: the layout's user_end */
    enum window_base base_kind;
    genvaddr_t base; /* BASE_AT: the address; BASE_FROM_END: user_end minus it */
    gensize_t window;
    enum err_code want;
} option_cases[] = {
    {"vaddr_min inside a page", PAGE + 8, DEFAULT_BASE, 0, 0, LIB_ERR_PMAP_NOT_ALIGNED},
    {"vaddr_min at the end of user space", UINT64_MAX, DEFAULT_BASE, 0, 0,
     LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
    {"window base inside a block", 0, BASE_AT, 0x20000000 + PAGE, 0, LIB_ERR_PMAP_NOT_ALIGNED},
    {"window size not whole blocks", 0, DEFAULT_BASE, 0, REFILL + PAGE, LIB_ERR_PMAP_NOT_ALIGNED},
    {"window below vaddr_min", 0x30000000, BASE_AT, 0x20000000, REFILL,
     LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
    {"window at the end of user space", 0, BASE_FROM_END, 0, REFILL,
     LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
    {"window running past user space", 0, BASE_FROM_END, REFILL, 2 * REFILL,
     LIB_ERR_PMAP_ADDR_OUT_OF_RANGE},
};

START_TEST(init_refuses_bad_windows_and_limits_and_changes_nothing)
{
    const struct pmap_layout *l = pmap_arch_layout();
    struct pmap_options o = {
        .vaddr_min =
            option_cases[_i].vaddr_min == UINT64_MAX ? l->user_end : option_cases[_i].vaddr_min,
        .meta_base = option_cases[_i].base_kind == BASE_AT ? option_cases[_i].base
                     : option_cases[_i].base_kind == BASE_FROM_END
                         ? l->user_end - option_cases[_i].base
                         : 0,
        .meta_window_bytes = option_cases[_i].window,
    };
    struct capref root;
    ck_assert_ok(vnode_create(&root, l->table_type[0]));
    errval_t err = pmap_init(&other, root, &o);
    ck_assert_msg(err_no(err) == LIB_ERR_PMAP_INIT && err_no(err_pop(err)) == option_cases[_i].want,
                  "%s: expected %s, got %s", option_cases[_i].what,
                  err_getcode(option_cases[_i].want), err_getcode(err_pop(err)));
    ck_assert_ok(vnode_destroy(root));
    assert_no_leaks();
}
END_TEST

START_TEST(init_accepts_a_window_of_its_own)
{
    const struct pmap_layout *l = pmap_arch_layout();
    struct pmap_options o = {.meta_base = 0x20000000, .meta_window_bytes = 4 * REFILL};
    struct capref root;
    ck_assert_ok(vnode_create(&root, l->table_type[0]));
    ck_assert_ok(pmap_init(&other, root, &o));
    ck_assert_uint_eq(other.meta_base, 0x20000000);
    ck_assert_uint_eq(other.meta_limit, 0x20000000 + 4 * REFILL);
    ck_assert_ok(pmap_destroy(&other));
    ck_assert_ok(vnode_destroy(root));
    assert_no_leaks();
}
END_TEST

/*
 * init's own pmap: the root table the kernel put in PAGECN, all of user space (what the kernel
 * built is adopted: test_pmap_adopt.c), addresses handed out above the image first.
 */
START_TEST(init_self_takes_the_root_in_pagecn)
{
    struct pmap self;
    ck_assert_chain(pmap_init_self(&self), LIB_ERR_PMAP_INIT, LIB_ERR_CAP_IDENTIFY,
                    SYS_ERR_CAP_NOT_FOUND);
    struct capref root;
    ck_assert_ok(vnode_create(&root, pmap_arch_layout()->table_type[0]));
    capaddr_t vroot = capaddr_make(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT);
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(ROOTCN_SLOT_PAGECN),
                                   PAGECN_SLOT_VROOT, get_cap_addr(root)));
    ck_assert_ok(pmap_init_self(&self));
    ck_assert_uint_eq(self.vaddr_min, pmap_arch_layout()->user_min);
    genvaddr_t va;
    ck_assert_ok(pmap_determine_addr(&self, PAGE, PAGE, &va));
    ck_assert_uint_ge(va, DOMAIN_PMAP_VADDR_MIN);
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(pmap_map(&self, va, frame, 0, PAGE, VREGION_FLAGS_READ_WRITE));
    struct cap_identity root_id, frame_id;
    ck_assert_ok(invoke_cap_identify(vroot, &root_id));
    ck_assert_ok(cap_identify(frame, &frame_id));
    struct walk_result w = walk_translate(root_id.base, va);
    ck_assert(w.present && w.writable);
    ck_assert_uint_eq(w.paddr, frame_id.base);
    ck_assert_ok(pmap_destroy(&self));
    ck_assert_ok(frame_free(frame));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, vroot));
    ck_assert_ok(vnode_destroy(root));
    assert_no_leaks();
}
END_TEST

/* ---- pmap_dump -------------------------------------------------------------------------- */

static char dumped[8192];
static size_t dumped_lines;

static void collect(const char *line)
{
    size_t n = strlen(dumped);
    snprintf(dumped + n, sizeof(dumped) - n, "%s\n", line);
    dumped_lines++;
}

/* Flags as text: the kernel dump's rights, then the named extras, then bits nothing names. */
static const struct {
    vregion_flags_t flags;
    const char *text;
} flag_texts[] = {
    {VREGION_FLAGS_READ, "r--"},
    {VREGION_FLAGS_READ_WRITE, "rw-"},
    {VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE, "r-x"},
    {VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_EXECUTE | VREGION_FLAGS_LARGE, "rwx large"},
    {VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, "r-- nocache"},
    {VREGION_FLAGS_READ | VREGION_FLAGS_LARGE | VREGION_FLAGS_NOCACHE, "r-- large nocache"},
    {0, "---"},
    {VREGION_FLAGS_READ | (1u << 12), "r-- +0x1000"},
};

START_TEST(flags_print_as_the_kernel_dump_shows_rights)
{
    char buf[40];
    ck_assert_str_eq(vregion_flags_format(flag_texts[_i].flags, buf, sizeof(buf)),
                     flag_texts[_i].text);
    char tiny[3]; /* cut, never overrun */
    const char *want = flag_texts[_i].text;
    ck_assert_mem_eq(vregion_flags_format(flag_texts[_i].flags, tiny, sizeof(tiny)), want, 2);
    ck_assert_int_eq(tiny[2], '\0');
}
END_TEST

/* A large page broken into small ones by an unmap inside it reports small pages, not LARGE. */
START_TEST(a_split_large_page_no_longer_says_large)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t big = l->span_bytes[l->levels - 2];
    struct capref frame;
    ck_assert_ok(frame_alloc_aligned(&frame, big, big));
    genvaddr_t va;
    ck_assert_ok(pmap_determine_addr(&test_pmap, big, big, &va));
    vregion_flags_t rw_large = VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_LARGE;
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, big, rw_large));
    struct pmap_mapping_info info;
    ck_assert_ok(pmap_lookup(&test_pmap, va, &info));
    ck_assert_uint_eq(info.page_bytes, big);
    ck_assert_uint_eq(info.flags, rw_large);
    ck_assert_ok(pmap_unmap(&test_pmap, va + big / 2, PAGE));
    ck_assert_ok(pmap_lookup(&test_pmap, va, &info));
    ck_assert_uint_eq(info.page_bytes, PAGE);
    ck_assert_uint_eq(info.flags, VREGION_FLAGS_READ_WRITE);
    /* Asked for, but not possible (unaligned): small pages, and the lookup says so. */
    ck_assert_ok(pmap_unmap(&test_pmap, va, big));
    ck_assert_ok(pmap_map(&test_pmap, va + PAGE, frame, 0, big - PAGE, rw_large));
    ck_assert_ok(pmap_lookup(&test_pmap, va + PAGE, &info));
    ck_assert_uint_eq(info.flags, VREGION_FLAGS_READ_WRITE);
    ck_assert_ok(pmap_unmap(&test_pmap, va + PAGE, big - PAGE));
    ck_assert_ok(frame_free(frame));
}
END_TEST

/* One line per run in address order, after a header with the counts of pmap_get_stats. */
START_TEST(dump_prints_the_counts_and_every_run_in_order)
{
    const struct pmap_layout *l = pmap_arch_layout();
    int leaf = l->levels - 1;
    genvaddr_t va = 0x20000000;
    struct capref frame;
    ck_assert_ok(frame_alloc(&frame, 4 * PAGE, NULL));
    ck_assert_ok(pmap_map(&test_pmap, va + 8 * PAGE, frame, 3 * PAGE, PAGE, VREGION_FLAGS_READ));
    ck_assert_ok(pmap_map(&test_pmap, va, frame, 0, 3 * PAGE, VREGION_FLAGS_READ_WRITE));
    struct pmap_stats s;
    pmap_get_stats(&test_pmap, &s);
    dumped[0] = '\0';
    dumped_lines = 0;
    pmap_dump(&test_pmap, collect);

    char want[512];
    snprintf(want, sizeof(want),
             "pmap: %zu tables below the root, %zu runs, %zu metadata blocks; runs in address "
             "order:\n"
             "  0x%012llx..0x%012llx  level %d slots 0..2  3 x 4 KiB  frame+0x0  rw-\n"
             "  0x%012llx..0x%012llx  level %d slots 8..8  1 x 4 KiB  frame+0x3000  r--\n",
             s.tables, s.mappings, s.meta_blocks, (unsigned long long)va,
             (unsigned long long)(va + 3 * PAGE), leaf, (unsigned long long)(va + 8 * PAGE),
             (unsigned long long)(va + 9 * PAGE), leaf);
    ck_assert_msg(strncmp(dumped, want, strlen(want)) == 0, "expected\n%s\ngot\n%s", want, dumped);
    ck_assert_uint_eq(dumped_lines, 1 + s.mappings); /* the rest: the metadata window's runs */
    ck_assert_ok(pmap_unmap(&test_pmap, va, 9 * PAGE));
    ck_assert_ok(frame_free(frame));
    assert_no_leaks();
}
END_TEST

Suite *pmap_setup_suite(void)
{
    Suite *s = suite_create("pmap set-up and dump");
    TCase *tc = pmap_tcase(s, "init");
    tcase_add_loop_test(tc, init_refuses_bad_windows_and_limits_and_changes_nothing, 0,
                        sizeof(option_cases) / sizeof(option_cases[0]));
    tcase_add_test(tc, init_accepts_a_window_of_its_own);
    tcase_add_test(tc, init_self_takes_the_root_in_pagecn);
    tc = pmap_tcase(s, "dump");
    tcase_add_test(tc, dump_prints_the_counts_and_every_run_in_order);
    tcase_add_test(tc, a_split_large_page_no_longer_says_large);
    tcase_add_loop_test(tc, flags_print_as_the_kernel_dump_shows_rights, 0,
                        (int)(sizeof(flag_texts) / sizeof(flag_texts[0])));
    return s;
}
