/* The hosted TLB: views of an address space die page by page when the kernel flushes them. */
#include "paging_support.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define VA ((uint64_t)0x10000000)
#define PAGE BASE_PAGE_BYTES
#define LEAF (fmt.levels - 1)

/*
 * Can this process read the byte at p? Asked of the host kernel through a pipe (EFAULT for an
 * inaccessible page), so a test sees the answer without taking the signal an access would raise.
 */
static bool readable(const volatile void *p)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ssize_t n = write(fds[1], (const void *)p, 1);
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    ck_assert(n == 1 || err == EFAULT);
    return n == 1;
}

/* A frame of pages mapped read-write at vaddr; the frame's address. */
static capaddr_t map_frame_at(uint64_t vaddr, size_t pages)
{
    capaddr_t frame = new_object(ObjType_Frame, pages * PAGE);
    ck_assert_ok(invoke_vnode_map(table_for(vaddr, LEAF), slot_of(vaddr, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, 0, pages));
    return frame;
}

START_TEST(a_view_shows_the_frame_and_writes_reach_it)
{
    capaddr_t frame = map_frame_at(VA, 2);
    char *view = host_mmu_view(root_base(), VA, 2 * PAGE);
    ck_assert_ptr_nonnull(view);
    ck_assert_uint_eq((uintptr_t)view % (2 * PAGE), 0);
    strcpy(view + PAGE + 8, "through the view");
    ck_assert_str_eq(host_machine_phys_ptr(identify(frame).base + PAGE + 8), "through the view");
}
END_TEST

START_TEST(only_mapped_aligned_ranges_have_views)
{
    map_frame_at(VA, 1);
    ck_assert_ptr_null(host_mmu_view(root_base(), VA, 2 * PAGE)); /* the second page is not */
    ck_assert_ptr_null(host_mmu_view(root_base(), VA + 8, PAGE));
    ck_assert_ptr_null(host_mmu_view(root_base(), VA, PAGE / 2));
    ck_assert_ptr_null(host_mmu_view(root_base(), VA, 0));
    ck_assert_ptr_nonnull(host_mmu_view(root_base(), VA, PAGE));
}
END_TEST

START_TEST(a_view_outlives_flushes_that_leave_its_pages_mapped)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t frame = map_frame_at(VA, 1);
    capaddr_t neighbour = map_frame_at(VA + PAGE, 1);
    capaddr_t far = map_frame_at(VA + 64 * PAGE, 64);
    volatile uint32_t *view = host_mmu_view(root_base(), VA, PAGE);
    *view = 1;
    ck_assert_ok(invoke_vnode_unmap(leaf, neighbour, slot_of(VA + PAGE, LEAF), 1));
    ck_assert_ok(invoke_frame_modify_flags(frame, 0, 1, VREGION_FLAGS_READ_WRITE, 0));
    size_t before = host_maintenance_count();
    ck_assert_ok(invoke_vnode_unmap(leaf, far, slot_of(VA + 64 * PAGE, LEAF), 64));
    bool flushed_all = false;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        flushed_all |= host_maintenance_event(i)->kind == HOST_TLB_FLUSH_ALL;
    }
    ck_assert(flushed_all);
    ck_assert(readable(view));
    *view += 1;
    ck_assert_uint_eq(*view, 2);
}
END_TEST

START_TEST(a_view_page_dies_with_its_mapping)
{
    capaddr_t frame = map_frame_at(VA, 2);
    volatile uint8_t *view = host_mmu_view(root_base(), VA, 2 * PAGE);
    view[PAGE] = 1;
    ck_assert(readable(view) && readable(view + PAGE));
    ck_assert_ok(invoke_vnode_unmap(table_for(VA, LEAF), frame, slot_of(VA, LEAF), 2));
    ck_assert(!readable(view) && !readable(view + PAGE));
}
END_TEST

/* An unmap of the view's later pages only: the flush starts inside the view, not at its start. */
START_TEST(a_flush_starting_inside_a_view_kills_the_pages_it_covers)
{
    capaddr_t leaf = table_for(VA, LEAF);
    capaddr_t head = map_frame_at(VA, 1);
    capaddr_t tail = map_frame_at(VA + PAGE, 2);
    volatile uint8_t *view = host_mmu_view(root_base(), VA, 2 * PAGE);
    ck_assert(view != NULL);
    view[0] = 1;
    view[PAGE] = 2;
    ck_assert_ok(invoke_vnode_unmap(leaf, tail, slot_of(VA + PAGE, LEAF), 2));
    ck_assert(readable(view));
    ck_assert(!readable(view + PAGE));
    ck_assert_uint_eq(view[0], 1);
    ck_assert_ok(invoke_vnode_unmap(leaf, head, slot_of(VA, LEAF), 1));
    ck_assert(!readable(view));
}
END_TEST

START_TEST(a_view_page_dies_with_its_frame)
{
    capaddr_t frame = map_frame_at(VA, 1);
    volatile uint8_t *view = host_mmu_view(root_base(), VA, PAGE);
    view[0] = 1;
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, frame));
    ck_assert(!readable(view));
}
END_TEST

START_TEST(a_view_page_dies_with_its_table)
{
    map_frame_at(VA, 1);
    volatile uint8_t *view = host_mmu_view(root_base(), VA, PAGE);
    view[0] = 1;
    capaddr_t leaf = table_for(VA, LEAF);
    ck_assert(readable(view));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, leaf));
    ck_assert(!readable(view));
}
END_TEST

/* The one range flush a modify_flags of the page at VA made: where and in which root. */
static void assert_flushed_exactly_va(size_t before)
{
    size_t ranges = 0;
    for (size_t i = before; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        ck_assert(e->kind != HOST_TLB_FLUSH_ALL);
        if (e->kind == HOST_TLB_FLUSH_RANGE) {
            ranges++;
            ck_assert_uint_eq(e->root, root_base());
            ck_assert_uint_eq(e->addr, VA + PAGE);
            ck_assert_uint_eq(e->bytes, PAGE);
        }
    }
    ck_assert_uint_eq(ranges, 1);
}

/*
 * MODIFY_FLAGS's hint says where the page lies for the caller, sparing the kernel its search;
 * whatever the hint, the flush lands on the page's real address. The walk that checks a hint
 * must not be fooled by an alias the root's index wraps onto (non-canonical on x86-64, past
 * 4 GiB on ARMv7), a neighbour, the table's other entries or the kernel's half.
 */
START_TEST(a_wrong_vaddr_hint_never_moves_the_flush)
{
    ck_assert_ok(host_machine_load_root(root_table)); /* the caller runs on this root */
    map_frame_at(VA, 1);
    capaddr_t frame = map_frame_at(VA + PAGE, 1);
    map_frame_at(VA + 2 * PAGE, 1);
    /* The same entry of other leaf tables (ARMv7's span 1 MiB, x86-64's 2 MiB). */
    map_frame_at(VA + PAGE + (1ull << 20), 1);
    map_frame_at(VA + PAGE + (2ull << 20), 1);
    const uint64_t hints[] = {
        VA + PAGE,                   /* exact: the walk confirms it */
        0,                           /* none */
        VA,                          /* the neighbour's page, in the same table */
        VA + 2 * PAGE,               /* the other neighbour */
        VA + PAGE + 8,               /* inside the page, not at it */
        VA + PAGE + (1ull << 20),    /* the same entry of another leaf table (ARMv7) */
        VA + PAGE + (2ull << 20),    /* the same for x86-64 */
        VA + PAGE + (1ull << 48),    /* an alias the root index wraps onto (x86-64) */
        VA + PAGE + (1ull << 32),    /* the same for a 32-bit root (ARMv7) */
        (VA + PAGE) | (~0ull << 47), /* the kernel's half, sign-extended */
        UINT64_MAX - PAGE + 1,
    };
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        size_t before = host_maintenance_count();
        vregion_flags_t flags = (i % 2) ? VREGION_FLAGS_READ_WRITE : VREGION_FLAGS_READ;
        ck_assert_ok(invoke_frame_modify_flags(frame, 0, 1, flags, hints[i]));
        assert_flushed_exactly_va(before);
    }
}
END_TEST

Suite *mmu_view_suite(void)
{
    Suite *s = suite_create("hosted TLB views");
    TCase *live = paging_tcase(s, "live");
    tcase_add_test(live, a_view_shows_the_frame_and_writes_reach_it);
    tcase_add_test(live, only_mapped_aligned_ranges_have_views);
    tcase_add_test(live, a_view_outlives_flushes_that_leave_its_pages_mapped);
    tcase_add_test(live, a_wrong_vaddr_hint_never_moves_the_flush);
    TCase *dead = paging_tcase(s, "dead");
    tcase_add_test(dead, a_view_page_dies_with_its_mapping);
    tcase_add_test(dead, a_flush_starting_inside_a_view_kills_the_pages_it_covers);
    tcase_add_test(dead, a_view_page_dies_with_its_frame);
    tcase_add_test(dead, a_view_page_dies_with_its_table);
    return s;
}
