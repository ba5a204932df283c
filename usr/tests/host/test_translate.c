/* DEBUG_TRANSLATE: the kernel's walk of a domain's own tables, against the software walker. */
#include "paging_support.h"
#include <libcap/syscalls.h>
#include <string.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)
#define LARGE (fmt.levels - 2) /* the level above the leaf: x86-64 2 MiB pages, ARMv7 sections */

static struct debug_translation translate(uint64_t vaddr)
{
    struct debug_translation t;
    memset(&t, 0x5a, sizeof(t)); /* nothing may be left as it was */
    errval_t err = sys_debug_translate(vaddr, &t);
    ck_assert_msg(err_is_ok(err), "translate 0x%llx: %s", (unsigned long long)vaddr,
                  err_getcode(err));
    return t;
}

static capaddr_t map_pages(uint64_t vaddr, size_t pages, vregion_flags_t flags)
{
    capaddr_t frame = new_object(ObjType_Frame, pages * BASE_PAGE_BYTES);
    ck_assert_ok(
        invoke_vnode_map(table_for(vaddr, LEAF), slot_of(vaddr, LEAF), frame, flags, 0, pages));
    return frame;
}

/* A large page (the level above the leaf) at vaddr, from a frame aligned to its size. */
static capaddr_t map_large(uint64_t vaddr, vregion_flags_t flags)
{
    gensize_t large = fmt.span_bytes[LARGE];
    capaddr_t frame = new_aligned_object(ObjType_Frame, large, large);
    ck_assert_ok(
        invoke_vnode_map(table_for(vaddr, LARGE), slot_of(vaddr, LARGE), frame, flags, 0, 1));
    return frame;
}

/* The raw entry of the table at table_base for slot, as the hardware reads it. */
static uint64_t raw_entry(genpaddr_t table_base, cslot_t slot)
{
    uint64_t entry = 0;
    memcpy(&entry, host_machine_phys_ptr(table_base + (genpaddr_t)slot * fmt.entry_bytes),
           fmt.entry_bytes);
    return entry;
}

/* The kernel's answer for vaddr is the walker's: where the walk ends, the page, its rights. */
static void assert_agrees_with_walker(genpaddr_t root, uint64_t vaddr)
{
    struct debug_translation t = translate(vaddr);
    struct walk_result w = walk_translate(root, vaddr);
    ck_assert_msg(t.present == w.present && t.level + 1 == w.levels,
                  "0x%llx: kernel says %s at level %d, walker %s after %d levels",
                  (unsigned long long)vaddr, t.present ? "present" : "absent", t.level,
                  w.present ? "present" : "absent", w.levels);
    if (!w.present) {
        ck_assert_uint_eq(t.bytes, fmt.span_bytes[t.level]);
        return;
    }
    ck_assert_uint_eq(t.bytes, w.page_bytes);
    ck_assert_uint_eq(t.paddr + vaddr % t.bytes, w.paddr);
    ck_assert(t.flags & VREGION_FLAGS_READ);
    ck_assert_int_eq((t.flags & VREGION_FLAGS_WRITE) != 0, w.writable);
    ck_assert_int_eq((t.flags & VREGION_FLAGS_EXECUTE) != 0, w.executable);
    ck_assert_int_eq((t.flags & VREGION_FLAGS_NOCACHE) != 0, w.nocache);
}

START_TEST(without_a_loaded_root_there_is_nothing_to_walk)
{
    struct debug_translation t;
    ck_assert_err(sys_debug_translate(VA, &t), SYS_ERR_TRANSLATE_NO_ROOT);
}
END_TEST

START_TEST(an_empty_root_ends_the_walk_at_the_root)
{
    ck_assert_ok(host_machine_load_root(root_table));
    struct debug_translation t = translate(VA);
    ck_assert(!t.present);
    ck_assert_int_eq(t.level, 0);
    ck_assert_uint_eq(t.bytes, fmt.span_bytes[0]);
    ck_assert_uint_eq(t.entry, 0);
}
END_TEST

/* With tables down to each level in turn, the walk ends at that level's empty entry. */
START_TEST(the_walk_ends_at_the_first_absent_entry_at_every_level)
{
    ck_assert_ok(host_machine_load_root(root_table));
    for (int level = 0; level < fmt.levels; level++) {
        uint64_t vaddr = VA + (uint64_t)level * fmt.span_bytes[0];
        table_for(vaddr, level);
        struct debug_translation t = translate(vaddr);
        ck_assert(!t.present);
        ck_assert_int_eq(t.level, level);
        ck_assert_uint_eq(t.bytes, fmt.span_bytes[level]);
        assert_agrees_with_walker(root_base(), vaddr);
    }
}
END_TEST

/* Each flag combination: the page, its level and size, rights and memory type, the raw entry. */
START_TEST(a_page_reports_its_frame_rights_memory_type_and_entry)
{
    const vregion_flags_t flags[] = {
        VREGION_FLAGS_READ_WRITE, VREGION_FLAGS_READ, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
        VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE,
        VREGION_FLAGS_READ_WRITE | VREGION_FLAGS_EXECUTE | VREGION_FLAGS_NOCACHE};
    ck_assert_ok(host_machine_load_root(root_table));
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        uint64_t vaddr = VA + i * BASE_PAGE_BYTES;
        capaddr_t frame = map_pages(vaddr, 1, flags[i]);
        struct table_snapshot leaf;
        snapshot_take(table_for(vaddr, LEAF), &leaf);
        struct debug_translation t = translate(vaddr + 0x123);
        ck_assert(snapshot_unchanged(&leaf));
        ck_assert(t.present);
        ck_assert_int_eq(t.level, LEAF);
        ck_assert_uint_eq(t.bytes, BASE_PAGE_BYTES);
        ck_assert_uint_eq(t.paddr, identify(frame).base);
        ck_assert_uint_eq(t.flags, flags[i]);
        ck_assert_uint_eq(t.entry, raw_entry(leaf.base, slot_of(vaddr, LEAF)));
        assert_agrees_with_walker(root_base(), vaddr + 0x123);
    }
}
END_TEST

START_TEST(a_large_page_is_reported_at_its_level_with_its_size)
{
    gensize_t large = fmt.span_bytes[LARGE];
    uint64_t vaddr = 16 * large;
    ck_assert_ok(host_machine_load_root(root_table));
    capaddr_t frame = map_large(vaddr, VREGION_FLAGS_READ_WRITE);
    for (gensize_t offset = 0; offset < large; offset += large / 8 + BASE_PAGE_BYTES + 8) {
        struct debug_translation t = translate(vaddr + offset);
        ck_assert(t.present);
        ck_assert_int_eq(t.level, LARGE);
        ck_assert_uint_eq(t.bytes, large);
        ck_assert_uint_eq(t.paddr, identify(frame).base);
        ck_assert_uint_eq(t.flags, VREGION_FLAGS_READ_WRITE);
        ck_assert_uint_eq(t.entry,
                          raw_entry(identify(table_for(vaddr, LARGE)).base, slot_of(vaddr, LARGE)));
    }
    assert_agrees_with_walker(root_base(), vaddr + large - 1);
    assert_agrees_with_walker(root_base(), vaddr + large);
}
END_TEST

/* Hostile words: the kernel's half, the ends of the user half, beyond the root, all-ones. */
START_TEST(addresses_outside_the_user_half_are_refused_before_any_entry_is_read)
{
    ck_assert_ok(host_machine_load_root(root_table));
    uint64_t user_end = (uint64_t)fmt.root_user_slots * fmt.span_bytes[0];
    uint64_t root_end = (uint64_t)fmt.entries[0] * fmt.span_bytes[0];
    /*
     * A present entry with an address outside physical memory in every kernel slot of the root:
     * a walk that read one would reach memory that does not exist.
     */
    for (cslot_t slot = fmt.root_user_slots; slot < fmt.entries[0]; slot++) {
        memset(host_machine_phys_ptr(root_base() + (genpaddr_t)slot * fmt.entry_bytes), 0xff,
               fmt.entry_bytes);
    }
    const uint64_t refused[] = {user_end,
                                user_end + BASE_PAGE_BYTES + 17,
                                root_end - 1,
                                root_end,
                                root_end + user_end,
                                UINT64_C(0xffff800000000000),
                                UINT64_C(1) << 63,
                                ~UINT64_C(0)};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct debug_translation t;
        errval_t err = sys_debug_translate(refused[i], &t);
        ck_assert_msg(err_no(err) == SYS_ERR_TRANSLATE_NOT_USER, "0x%llx: %s",
                      (unsigned long long)refused[i], err_getcode(err));
    }
    for (cslot_t slot = fmt.root_user_slots; slot < fmt.entries[0]; slot++) {
        memset(host_machine_phys_ptr(root_base() + (genpaddr_t)slot * fmt.entry_bytes), 0,
               fmt.entry_bytes);
    }
    map_pages(user_end - BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ);
    ck_assert(translate(user_end - 1).present);
    ck_assert(!translate(0).present);
}
END_TEST

/* The walk reads the root the domain runs on, never another table it could name. */
START_TEST(only_the_loaded_root_is_walked)
{
    map_pages(VA, 1, VREGION_FLAGS_READ_WRITE);
    capaddr_t other = new_object(fmt.table[0], objtype_info[fmt.table[0]].fixed_bytes);
    ck_assert_ok(host_machine_load_root(other));
    struct debug_translation t = translate(VA);
    ck_assert(!t.present);
    ck_assert_int_eq(t.level, 0);
    ck_assert_ok(host_machine_load_root(root_table));
    ck_assert(translate(VA).present);
}
END_TEST

/* Pages of every kind with holes between them; thousands of addresses against the walker. */
START_TEST(the_kernel_walk_agrees_with_the_walker_everywhere)
{
    ck_assert_ok(host_machine_load_root(root_table));
    gensize_t large = fmt.span_bytes[LARGE];
    map_pages(VA, 3, VREGION_FLAGS_READ_WRITE);
    map_pages(VA + 5 * BASE_PAGE_BYTES, 2, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    map_pages(VA + 9 * BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE);
    map_large(16 * large, VREGION_FLAGS_READ);
    map_pages(18 * large - BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ_WRITE);
    genpaddr_t root = root_base();
    uint64_t user_end = (uint64_t)fmt.root_user_slots * fmt.span_bytes[0];
    uint64_t state = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < 3000; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t near[] = {VA + state % (16 * BASE_PAGE_BYTES), 16 * large + state % (3 * large),
                           state % user_end};
        assert_agrees_with_walker(root, near[i % 3]);
    }
}
END_TEST

Suite *translate_suite(void)
{
    Suite *s = suite_create("debug translate");
    TCase *walk = paging_tcase(s, "walk");
    tcase_add_test(walk, without_a_loaded_root_there_is_nothing_to_walk);
    tcase_add_test(walk, an_empty_root_ends_the_walk_at_the_root);
    tcase_add_test(walk, the_walk_ends_at_the_first_absent_entry_at_every_level);
    tcase_add_test(walk, a_page_reports_its_frame_rights_memory_type_and_entry);
    tcase_add_test(walk, a_large_page_is_reported_at_its_level_with_its_size);
    tcase_add_test(walk, only_the_loaded_root_is_walked);
    tcase_add_test(walk, the_kernel_walk_agrees_with_the_walker_everywhere);
    TCase *hostile = paging_tcase(s, "hostile addresses");
    tcase_add_test(hostile, addresses_outside_the_user_half_are_refused_before_any_entry_is_read);
    return s;
}
