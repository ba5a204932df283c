/* Map, unmap and modify_flags through the real tables, checked with the software walker. */
#include "paging_support.h"
#include <stdio.h>
#include <string.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)

/* Maps a new frame of pages at VA (plus vaddr_offset) read-write; returns the frame. */
static capaddr_t map_new_frame(uint64_t vaddr, size_t pages, vregion_flags_t flags)
{
    capaddr_t frame = new_object(ObjType_Frame, pages * BASE_PAGE_BYTES);
    ck_assert_ok(
        invoke_vnode_map(table_for(vaddr, LEAF), slot_of(vaddr, LEAF), frame, flags, 0, pages));
    return frame;
}

START_TEST(a_mapped_frame_is_reached_with_its_rights)
{
    capaddr_t frame = map_new_frame(VA, 1, VREGION_FLAGS_READ_WRITE);
    genpaddr_t base = identify(frame).base;
    struct walk_result w = walk_translate(root_base(), VA + 0x123);
    ck_assert(w.present);
    ck_assert_uint_eq(w.paddr, base + 0x123);
    ck_assert_uint_eq(w.page_bytes, BASE_PAGE_BYTES);
    ck_assert(w.user && w.writable && !w.executable && !w.nocache);
    ck_assert_int_eq(w.levels, fmt.levels);
    ck_assert(!walk_translate(root_base(), VA + BASE_PAGE_BYTES).present);
    ck_assert(!walk_translate(root_base(), VA - 1).present);
}
END_TEST

/* A fresh copy of cap, in a new slot. */
static capaddr_t copy_of(capaddr_t cap)
{
    capaddr_t copy = new_slot();
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, capaddr_l1_slot(capaddr_l1_index(copy)),
                                   capaddr_l2_slot(copy), cap));
    return copy;
}

START_TEST(writes_through_one_mapping_are_seen_through_another)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    capaddr_t copy = copy_of(frame);
    const uint64_t other = VA + 7 * BASE_PAGE_BYTES;
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, 0, 1));
    ck_assert_ok(invoke_vnode_map(table_for(other, LEAF), slot_of(other, LEAF), copy,
                                  VREGION_FLAGS_READ, 0, 1));
    struct walk_result a = walk_translate(root_base(), VA + 40);
    struct walk_result b = walk_translate(root_base(), other + 40);
    ck_assert(a.present && b.present && a.writable && !b.writable);
    memcpy(host_machine_phys_ptr(a.paddr), "hello", 6);
    ck_assert_str_eq(host_machine_phys_ptr(b.paddr), "hello");
}
END_TEST

START_TEST(flags_reach_the_entry_bits)
{
    map_new_frame(VA, 1, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    map_new_frame(VA + BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE);
    struct walk_result x = walk_translate(root_base(), VA);
    struct walk_result d = walk_translate(root_base(), VA + BASE_PAGE_BYTES);
    ck_assert(x.present && x.user && x.executable && !x.writable && !x.nocache);
    ck_assert(d.present && d.user && !d.executable && !d.writable && d.nocache);
}
END_TEST

START_TEST(a_run_of_pages_from_an_offset_maps_consecutive_memory)
{
    capaddr_t frame = new_object(ObjType_Frame, 8 * BASE_PAGE_BYTES);
    genpaddr_t base = identify(frame).base;
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, 2 * BASE_PAGE_BYTES, 5));
    for (uint64_t page = 0; page < 5; page++) {
        struct walk_result w = walk_translate(root_base(), VA + page * BASE_PAGE_BYTES + 8);
        ck_assert(w.present);
        ck_assert_uint_eq(w.paddr, base + (2 + page) * BASE_PAGE_BYTES + 8);
    }
    ck_assert(!walk_translate(root_base(), VA + 5 * BASE_PAGE_BYTES).present);
}
END_TEST

START_TEST(unmap_removes_exactly_the_mapping_and_flushes_its_range)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t frame = map_new_frame(VA, 3, VREGION_FLAGS_READ_WRITE);
    capaddr_t neighbour = map_new_frame(VA + 3 * BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ);
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_vnode_unmap(leaf, frame, slot_of(VA, LEAF), 3));
    for (uint64_t page = 0; page < 3; page++) {
        ck_assert(!walk_translate(root_base(), VA + page * BASE_PAGE_BYTES).present);
    }
    ck_assert(walk_translate(root_base(), VA + 3 * BASE_PAGE_BYTES).present);

    bool flushed = false;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        ck_assert(e->kind != HOST_TLB_FLUSH_ALL);
        if (e->kind == HOST_TLB_FLUSH_RANGE) {
            ck_assert_uint_eq(e->root, root_base());
            ck_assert_uint_eq(e->addr, VA);
            ck_assert_uint_eq(e->bytes, 3 * BASE_PAGE_BYTES);
            flushed = true;
        }
    }
    ck_assert(flushed);
    ck_assert(copy_is_unmapped(leaf, frame));
    ck_assert(!copy_is_unmapped(leaf, neighbour));
    /* The copy can be mapped again. */
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), frame, VREGION_FLAGS_READ, 0, 3));
}
END_TEST

START_TEST(unmapping_many_pages_flushes_the_whole_tlb)
{
    capaddr_t frame = map_new_frame(VA, 64, VREGION_FLAGS_READ);
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_vnode_unmap(table_for(VA, LEAF), frame, slot_of(VA, LEAF), 64));
    size_t all = 0;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        ck_assert(host_maintenance_event(i)->kind != HOST_TLB_FLUSH_RANGE);
        all += host_maintenance_event(i)->kind == HOST_TLB_FLUSH_ALL;
    }
    ck_assert_uint_eq(all, 1);
}
END_TEST

START_TEST(modify_flags_changes_part_of_a_mapping)
{
    capaddr_t frame = map_new_frame(VA, 4, VREGION_FLAGS_READ_WRITE);
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_frame_modify_flags(frame, 1, 2, VREGION_FLAGS_READ, 0));
    ck_assert(walk_translate(root_base(), VA).writable);
    ck_assert(!walk_translate(root_base(), VA + BASE_PAGE_BYTES).writable);
    ck_assert(!walk_translate(root_base(), VA + 2 * BASE_PAGE_BYTES).writable);
    ck_assert(walk_translate(root_base(), VA + 3 * BASE_PAGE_BYTES).writable);
    ck_assert(walk_translate(root_base(), VA + BASE_PAGE_BYTES).present);

    const struct host_maintenance_event *last =
        host_maintenance_event(host_maintenance_count() - 1);
    ck_assert_uint_gt(host_maintenance_count(), before);
    ck_assert_int_eq(last->kind, HOST_TLB_FLUSH_RANGE);
    ck_assert_uint_eq(last->addr, VA + BASE_PAGE_BYTES);
    ck_assert_uint_eq(last->bytes, 2 * BASE_PAGE_BYTES);
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 4, VREGION_FLAGS_READ_WRITE, 0));
    ck_assert(walk_translate(root_base(), VA + 2 * BASE_PAGE_BYTES).writable);
}
END_TEST

START_TEST(written_entries_are_cleaned_where_the_walker_needs_it)
{
    capaddr_t leaf = table_for(VA, LEAF);
    genpaddr_t leaf_base = identify(leaf).base;
    size_t before = host_maintenance_count();
    genpaddr_t frame_base =
        identify(map_new_frame(VA + 2 * BASE_PAGE_BYTES, 3, VREGION_FLAGS_READ)).base;
    size_t cleans = 0;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        ck_assert_int_eq(e->kind, HOST_CACHE_CLEAN); /* a new mapping needs no TLB flush */
        ck_assert_uint_ne(e->addr, frame_base); /* a cached mapping needs the frame uncleaned */
        ck_assert_uint_eq(e->addr,
                          leaf_base + slot_of(VA + 2 * BASE_PAGE_BYTES, LEAF) * fmt.entry_bytes);
        ck_assert_uint_eq(e->bytes, 3 * fmt.entry_bytes);
        cleans++;
    }
    ck_assert_uint_eq(cleans, fmt.cleans_cache ? 1 : 0);
}
END_TEST

/* A large page at the level above the leaf (x86-64: 2 MiB; ARMv7: a 1 MiB section). */
/* Did a clean, at or after event first, cover [paddr, paddr + bytes)? Its index, or -1. */
static long clean_covering(size_t first, genpaddr_t paddr, gensize_t bytes)
{
    for (size_t i = first; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        if (e->kind == HOST_CACHE_CLEAN && e->addr <= paddr &&
            paddr + bytes <= e->addr + e->bytes) {
            return (long)i;
        }
    }
    return -1;
}

/* A fresh frame's zeroes may sit dirty in the data cache (retype writes them through the kernel's
   cacheable mapping): a mapping made or turned uncached must clean them first, on every machine,
   or it reads what the memory held before, another domain's data. */
START_TEST(an_uncached_or_executable_mapping_cleans_what_it_maps_first)
{
    capaddr_t leaf = table_for(VA, LEAF);
    genpaddr_t entry = identify(leaf).base + slot_of(VA, LEAF) * fmt.entry_bytes;
    size_t before = host_maintenance_count();
    capaddr_t frame = new_object(ObjType_Frame, 4 * BASE_PAGE_BYTES);
    genpaddr_t base = identify(frame).base;
    ck_assert_int_eq(clean_covering(before, base, BASE_PAGE_BYTES), -1); /* retype leaves it */
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF), frame,
                                  VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, BASE_PAGE_BYTES, 2));
    long frame_clean = clean_covering(before, base + BASE_PAGE_BYTES, 2 * BASE_PAGE_BYTES);
    ck_assert_int_ge(frame_clean, 0);
    ck_assert_int_eq(clean_covering(before, base, BASE_PAGE_BYTES), -1); /* only what it maps */
    if (fmt.cleans_cache) {
        ck_assert_int_gt(clean_covering(before, entry, 2 * fmt.entry_bytes), frame_clean);
    }

    /* The other two pages mapped cached, then turned uncached page by page. */
    capaddr_t copy = copy_of(frame);
    ck_assert_ok(invoke_vnode_map(leaf, slot_of(VA, LEAF) + 2, copy, VREGION_FLAGS_READ_WRITE,
                                  2 * BASE_PAGE_BYTES, 2));
    ck_assert_int_eq(clean_covering(before, base + 3 * BASE_PAGE_BYTES, BASE_PAGE_BYTES), -1);
    size_t modify = host_maintenance_count();
    ck_assert_ok(
        invoke_frame_modify_flags(copy, 1, 1, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, 0));
    ck_assert_int_ge(clean_covering(modify, base + 3 * BASE_PAGE_BYTES, BASE_PAGE_BYTES), 0);
    ck_assert_int_eq(clean_covering(modify, base + 2 * BASE_PAGE_BYTES, BASE_PAGE_BYTES), -1);
    ck_assert(walk_translate(root_base(), VA + 3 * BASE_PAGE_BYTES).present);

    /* ARMv7 fetches instructions from memory too, not from the data cache. */
    size_t exec = host_maintenance_count();
    capaddr_t code =
        map_new_frame(VA + 8 * BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    ck_assert_int_ge(clean_covering(exec, identify(code).base, BASE_PAGE_BYTES), 0);
}
END_TEST

START_TEST(a_large_page_maps_one_aligned_block)
{
    int level = LEAF - 1;
    gensize_t bytes = fmt.span_bytes[level];
    uint64_t vaddr = 16 * bytes;
    capaddr_t frame = new_aligned_object(ObjType_Frame, bytes, bytes);
    genpaddr_t base = identify(frame).base;
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, level), slot_of(vaddr, level), frame,
                                  VREGION_FLAGS_READ_WRITE, 0, 1));
    struct walk_result w = walk_translate(root_base(), vaddr + bytes - 8);
    ck_assert(w.present && w.writable);
    ck_assert_uint_eq(w.paddr, base + bytes - 8);
    ck_assert_uint_eq(w.page_bytes, bytes);
    ck_assert_int_eq(w.levels, level + 1);
}
END_TEST

/* ARMv7: every user entry carries PXN, so the kernel can never execute what a domain wrote. */
START_TEST(the_kernel_may_not_execute_user_mappings)
{
    map_new_frame(VA, 1, VREGION_FLAGS_READ_WRITE);
    map_new_frame(VA + BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE);
    ck_assert(walk_translate(root_base(), VA).pxn);
    ck_assert(walk_translate(root_base(), VA + BASE_PAGE_BYTES).pxn);
    ck_assert(walk_translate(root_base(), VA + BASE_PAGE_BYTES).executable);
    gensize_t bytes = fmt.span_bytes[LEAF - 1];
    uint64_t vaddr = 16 * bytes;
    capaddr_t section = new_aligned_object(ObjType_Frame, bytes, bytes);
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, LEAF - 1), slot_of(vaddr, LEAF - 1), section,
                                  VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE, 0, 1));
    struct walk_result w = walk_translate(root_base(), vaddr + 8);
    ck_assert(w.present && w.executable && w.pxn);
    ck_assert_ok(invoke_frame_modify_flags(section, 0, 1, VREGION_FLAGS_READ_WRITE, 0));
    w = walk_translate(root_base(), vaddr + 8);
    ck_assert(w.present && w.writable && !w.executable && w.pxn); /* a changed entry keeps it */
}
END_TEST

/* x86-64 has a level above that: 1 GiB pages, from device memory (never zeroed). */
START_TEST(the_largest_pages_map_from_a_device_window)
{
    fixture_shutdown();
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.device_bytes = 2ull << 30;
    host_machine_boot(&config);
    paging_setup_after_boot();
    gensize_t gib = 1ull << 30;
    genpaddr_t dev = host_machine_device_base();
    gensize_t offset = (dev + gib - 1) / gib * gib - dev;
    capaddr_t frame = new_slot();
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, PHYSADDR_CAP, offset, ObjType_DevFrame, gib, 1,
                                     capaddr_l1_slot(capaddr_l1_index(frame)),
                                     capaddr_l2_slot(frame)));
    uint64_t vaddr = 5 * gib;
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, 1), slot_of(vaddr, 1), frame,
                                  VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE, 0, 1));
    struct walk_result w = walk_translate(root_base(), vaddr + 12345);
    ck_assert(w.present && w.nocache && !w.writable);
    ck_assert_uint_eq(w.page_bytes, gib);
    ck_assert_uint_eq(w.paddr, dev + offset + 12345);
}
END_TEST

START_TEST(the_dump_shows_each_level_and_collapses_runs)
{
    capaddr_t frame = map_new_frame(VA, 3, VREGION_FLAGS_READ_WRITE);
    map_new_frame(VA + 8 * BASE_PAGE_BYTES, 1, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE);
    host_console_capture(kernel_console, sizeof(kernel_console));
    ck_assert_ok(invoke_vnode_dump(root_table));
    char expected[128];
    cslot_t slot = slot_of(VA, LEAF);
    snprintf(expected, sizeof(expected), "[%u..%u] 0x", slot, slot + 2);
    ck_assert_msg(strstr(kernel_console, expected) != NULL, "no \"%s\" in\n%s", expected,
                  kernel_console);
    snprintf(expected, sizeof(expected), "-> 0x%llx, 3 x 4 KiB rw-\n",
             (unsigned long long)identify(frame).base);
    ck_assert_msg(strstr(kernel_console, expected) != NULL, "no \"%s\"", expected);
    snprintf(expected, sizeof(expected), "[%u] 0x", slot + 8);
    ck_assert_ptr_nonnull(strstr(kernel_console, expected));
    ck_assert_ptr_nonnull(strstr(kernel_console, "1 x 4 KiB r-- nocache\n"));
    ck_assert_ptr_nonnull(strstr(kernel_console, objtype_name(fmt.table[LEAF])));
    ck_assert_ptr_nonnull(strstr(kernel_console, "the kernel's half"));
}
END_TEST

Suite *paging_map_suite(void)
{
    Suite *s = suite_create("paging: map, unmap, modify_flags");
    TCase *map = paging_tcase(s, "map");
    tcase_add_test(map, a_mapped_frame_is_reached_with_its_rights);
    tcase_add_test(map, writes_through_one_mapping_are_seen_through_another);
    tcase_add_test(map, flags_reach_the_entry_bits);
    tcase_add_test(map, a_run_of_pages_from_an_offset_maps_consecutive_memory);
    tcase_add_test(map, a_large_page_maps_one_aligned_block);
    paging_learn_format();
    if (fmt.levels == 4) {
        tcase_add_test(map, the_largest_pages_map_from_a_device_window);
    } else {
        tcase_add_test(map, the_kernel_may_not_execute_user_mappings);
    }

    TCase *change = paging_tcase(s, "unmap and modify_flags");
    tcase_add_test(change, unmap_removes_exactly_the_mapping_and_flushes_its_range);
    tcase_add_test(change, unmapping_many_pages_flushes_the_whole_tlb);
    tcase_add_test(change, modify_flags_changes_part_of_a_mapping);
    tcase_add_test(change, written_entries_are_cleaned_where_the_walker_needs_it);
    tcase_add_test(change, an_uncached_or_executable_mapping_cleans_what_it_maps_first);
    tcase_add_test(change, the_dump_shows_each_level_and_collapses_runs);
    return s;
}
