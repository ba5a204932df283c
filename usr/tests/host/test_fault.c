/* Fault reports: the text a fault prints, its walk through the real tables, hints and registers. */
#include "paging_support.h"
#include <fault.h>
#include <paging_arch.h>
#include <stdio.h>
#include <string.h>

#define VA ((uint64_t)0x10000000)
#define LEAF (fmt.levels - 1)

static const struct fault_register two_regs[] = {{"pc", 0x400100}, {"sp", 0x3fff0}};
static const struct fault_register six_regs[] = {{"r0", 1}, {"r1", 2}, {"r2", 3},
                                                 {"r3", 4}, {"r4", 5}, {"r5", 6}};

/* What the report says without a walk (no address, or no root): every line, in order. */
static const struct {
    struct fault_info fault;
    const char *text;
} header_cases[] = {
    {{.domain = "init",
      .kind = "general protection",
      .ip = 0x400123,
      .regs = two_regs,
      .reg_count = 2},
     "kernel: fault in domain init: general protection\n"
     "kernel:   ip 0x400123\n"
     "kernel:   registers:\n"
     "kernel:     pc=0x400100 sp=0x3fff0\n"},
    {{.domain = "init",
      .kind = "page fault",
      .has_address = true,
      .vaddr = 0x12345678,
      .ip = 0x400200,
      .access = FAULT_WRITE,
      .user_mode = true,
      .regs = six_regs,
      .reg_count = 6},
     "kernel: fault in domain init: page fault at 0x12345678 (write, user mode, permission)\n"
     "kernel:   ip 0x400200\n"
     "kernel:   registers:\n"
     "kernel:     r0=0x1 r1=0x2 r2=0x3 r3=0x4\n"
     "kernel:     r4=0x5 r5=0x6\n"},
    {{.domain = "d",
      .kind = "page fault",
      .has_address = true,
      .vaddr = 0x8,
      .ip = 0x8,
      .access = FAULT_READ,
      .user_mode = true,
      .not_present = true},
     "kernel: fault in domain d: page fault at 0x8 (read, user mode, not present)\n"
     "kernel:   ip 0x8\n"
     "kernel:   hint: an address in the first page: a null pointer dereference?\n"
     "kernel:   registers:\n"},
    {{.domain = "d",
      .kind = "prefetch abort",
      .has_address = true,
      .vaddr = 0x1000,
      .ip = 0x1000,
      .access = FAULT_EXECUTE,
      .user_mode = false,
      .not_present = true},
     "kernel: fault in domain d: prefetch abort at 0x1000 (execute, kernel mode, not present)\n"
     "kernel:   ip 0x1000\n"
     "kernel:   registers:\n"},
};

START_TEST(the_report_says_what_where_and_the_registers)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    fault_report(&header_cases[_i].fault);
    ck_assert_str_eq(kernel_console, header_cases[_i].text);
}
END_TEST

/* The entry the table at level `level` holds for vaddr, read from simulated memory. */
static uint64_t entry_at(uint64_t vaddr, int level)
{
    genpaddr_t base = identify(table_for(vaddr, level)).base;
    void *p = host_machine_phys_ptr(base + (genpaddr_t)slot_of(vaddr, level) * fmt.entry_bytes);
    if (fmt.entry_bytes == 8) {
        return *(const uint64_t *)p;
    }
    return *(const uint32_t *)p;
}

/* The tables line expected for vaddr: the entries of levels 0..last, then how the walk ended. */
static void expected_walk(char *out, size_t bytes, uint64_t vaddr, int last, const char *end)
{
    size_t n = (size_t)snprintf(out, bytes, "kernel:   tables:");
    for (int level = 0; level <= last; level++) {
        n += (size_t)snprintf(out + n, bytes - n, " L%d[%u]=0x%llx", level, slot_of(vaddr, level),
                              (unsigned long long)entry_at(vaddr, level));
    }
    snprintf(out + n, bytes - n, "%s\n", end);
}

/* The report's tables line for a fault at vaddr in the address space of root_table. */
static const char *walk_line(uint64_t vaddr)
{
    struct fault_info f = {.domain = "init",
                           .kind = "page fault",
                           .has_address = true,
                           .vaddr = vaddr,
                           .root = root_base()};
    host_console_capture(kernel_console, sizeof(kernel_console));
    fault_report(&f);
    const char *line = strstr(kernel_console, "kernel:   tables:");
    ck_assert_msg(line != NULL, "no tables line in: %s", kernel_console);
    return line;
}

static void assert_walk(uint64_t vaddr, int last, const char *end)
{
    char want[512];
    expected_walk(want, sizeof(want), vaddr, last, end);
    const char *line = walk_line(vaddr);
    ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "expected %s got %s", want, line);
}

START_TEST(the_walk_ends_at_the_page)
{
    capaddr_t frame = new_object(ObjType_Frame, BASE_PAGE_BYTES);
    ck_assert_ok(invoke_vnode_map(table_for(VA, LEAF), slot_of(VA, LEAF), frame,
                                  VREGION_FLAGS_READ_WRITE, 0, 1));
    char end[64];
    snprintf(end, sizeof(end), " (page at 0x%llx)", (unsigned long long)identify(frame).base);
    assert_walk(VA + 0x123, LEAF, end);
}
END_TEST

START_TEST(the_walk_ends_at_the_first_missing_entry)
{
    table_for(VA, LEAF);
    assert_walk(VA + BASE_PAGE_BYTES, LEAF, " (not present)");
    uint64_t far = fmt.span_bytes[0] * (slot_of(VA, 0) + 1); /* the next root entry: empty */
    char want[96];
    snprintf(want, sizeof(want),
             "kernel:   tables: L0[%u]=0x0 (not present)\nkernel:   registers:\n", slot_of(far, 0));
    ck_assert_str_eq(walk_line(far), want);
}
END_TEST

START_TEST(the_walk_stops_beyond_the_root_table)
{
    uint64_t beyond = fmt.span_bytes[0] * fmt.entries[0];
    char want[96];
    snprintf(want, sizeof(want),
             "kernel:   tables: L0[%u] beyond the table\nkernel:   registers:\n", fmt.entries[0]);
    ck_assert_str_eq(walk_line(beyond), want);
}
END_TEST

Suite *fault_suite(void)
{
    Suite *s = suite_create("fault reports");
    TCase *tc = paging_tcase(s, "report");
    tcase_add_loop_test(tc, the_report_says_what_where_and_the_registers, 0,
                        sizeof(header_cases) / sizeof(header_cases[0]));
    tcase_add_test(tc, the_walk_ends_at_the_page);
    tcase_add_test(tc, the_walk_ends_at_the_first_missing_entry);
    tcase_add_test(tc, the_walk_stops_beyond_the_root_table);
    return s;
}
