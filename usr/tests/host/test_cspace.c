/* CSpace addressing: init's boot layout, lookups and their distinct refusals. */
#include "fixture.h"
#include <mdb.h>
#include <printk.h>
#include <startup.h>
#include <stdio.h>
#include <string.h>

START_TEST(init_gets_its_root_cnode_ram_and_device_window)
{
    struct cap_identity root = identify(CAPADDR_ROOTCN);
    ck_assert_int_eq(root.type, ObjType_L1CNode);
    ck_assert_uint_eq(root.bytes, INIT_ROOTCN_SLOTS * CTE_BYTES);

    struct cap_identity ram = identify(RAM_CAP);
    ck_assert_int_eq(ram.type, ObjType_RAM);
    ck_assert_uint_eq(ram.base, host_machine_free_ram_base());
    ck_assert_uint_eq(ram.bytes, host_machine_free_ram_bytes());
    ck_assert_uint_eq(ram.rights, CAPRIGHTS_ALLRIGHTS);

    struct cap_identity dev = identify(PHYSADDR_CAP);
    ck_assert_int_eq(dev.type, ObjType_PhysAddr);
    ck_assert_uint_eq(dev.base, host_machine_device_base());
}
END_TEST

START_TEST(init_l1_slots_hold_l2_cnodes_and_the_rest_are_empty)
{
    for (uint32_t l1 = 0; l1 < ROOTCN_SLOTS_USER; l1++) {
        struct cap_identity cn = identify(capaddr_l1_slot(l1));
        ck_assert_int_eq(cn.type, ObjType_L2CNode);
        ck_assert_uint_eq(cn.bytes, L2_CNODE_BYTES);
    }
    ck_assert(slot_is_empty(capaddr_l1_slot(ROOTCN_SLOTS_USER)));
    for (cslot_t slot = 0; slot < L2_CNODE_SLOTS; slot++) {
        ck_assert(slot_is_empty(WORK_SLOT(slot)));
    }
}
END_TEST

START_TEST(l1_index_beyond_the_root_is_refused)
{
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(capaddr_make(INIT_ROOTCN_SLOTS, 0), &id),
                  SYS_ERR_L1_INDEX_OUT_OF_RANGE);
    ck_assert_err(invoke_cap_identify(capaddr_make(CAPADDR_L1_MAX, 0), &id),
                  SYS_ERR_L1_INDEX_OUT_OF_RANGE);
}
END_TEST

START_TEST(empty_l1_slot_is_refused)
{
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(capaddr_make(ROOTCN_SLOTS_USER, 3), &id),
                  SYS_ERR_L1_SLOT_EMPTY);
}
END_TEST

START_TEST(l1_slot_holding_a_frame_is_not_a_cnode)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_ok(invoke_cnode_copy(CAPADDR_ROOTCN, CAPADDR_ROOTCN, 10, WORK_SLOT(0)));
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(capaddr_make(10, 0), &id), SYS_ERR_L1_SLOT_NOT_CNODE);
    ck_assert_int_eq(identify(capaddr_l1_slot(10)).type, ObjType_Frame);
}
END_TEST

START_TEST(empty_l2_slot_is_cap_not_found)
{
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(WORK_SLOT(7), &id), SYS_ERR_CAP_NOT_FOUND);
}
END_TEST

START_TEST(address_bits_beyond_32_are_refused_not_truncated)
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_INVOKE, ((uintptr_t)1 << 32) | CAPADDR_ROOTCN,
                                    CMD_IDENTIFY};
    ck_assert_err(host_syscall(regs).error, SYS_ERR_CAPADDR_RESERVED_BITS);
}
END_TEST

START_TEST(level1_address_with_l2_bits_is_refused)
{
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(capaddr_l1_slot(ROOTCN_SLOT_TASKCN) | 5, &id),
                  SYS_ERR_CAPADDR_RESERVED_BITS);
}
END_TEST

START_TEST(destination_that_is_not_a_cnode_is_refused)
{
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_Frame, BASE_PAGE_BYTES, 1,
                                      RAM_CAP, 0),
                  SYS_ERR_NOT_A_CNODE);
}
END_TEST

/* A destination CNode address that names nothing is refused as identify would refuse it. */
START_TEST(destination_cnode_naming_nothing_is_refused)
{
    const capaddr_t nothing = capaddr_l1_slot(ROOTCN_SLOTS_USER + 1);
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(nothing, &id), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_Frame, BASE_PAGE_BYTES, 1,
                                      nothing, 0),
                  SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_cnode_copy(CAPADDR_ROOTCN, nothing, 0, RAM_CAP), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_err(invoke_cnode_mint(CAPADDR_ROOTCN, nothing, 0, RAM_CAP, CAPRIGHTS_READ),
                  SYS_ERR_CAP_NOT_FOUND);
    ck_assert(ram_has_no_descendants());
}
END_TEST

START_TEST(destination_slots_past_the_cnode_are_refused)
{
    ck_assert_err(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, L2_CNODE_SLOTS),
                  SYS_ERR_SLOT_OUT_OF_RANGE);
    ck_assert_err(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 10, L2_CNODE_SLOTS - 5),
                  SYS_ERR_SLOT_OUT_OF_RANGE);
    /* The boundary itself: one object too many is refused, exactly enough fills the CNode. */
    ck_assert_err(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 6, L2_CNODE_SLOTS - 5),
                  SYS_ERR_SLOT_OUT_OF_RANGE);
    for (cslot_t slot = L2_CNODE_SLOTS - 5; slot < L2_CNODE_SLOTS; slot++) {
        ck_assert(slot_is_empty(WORK_SLOT(slot)));
    }
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 5, L2_CNODE_SLOTS - 5));
    ck_assert(!slot_is_empty(WORK_SLOT(L2_CNODE_SLOTS - 1)));
}
END_TEST

START_TEST(a_new_l2_cnode_installed_in_l1_extends_the_cspace)
{
    const uint32_t l1 = ROOTCN_SLOTS_USER;
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_L2CNode, L2_CNODE_BYTES, 1,
                                     CAPADDR_ROOTCN, l1));
    struct cap_identity id;
    ck_assert_err(invoke_cap_identify(capaddr_make(l1, 0), &id), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, L2_CNODE_BYTES, ObjType_Frame,
                                     BASE_PAGE_BYTES, 1, capaddr_l1_slot(l1), 255));
    ck_assert_int_eq(identify(capaddr_make(l1, 255)).type, ObjType_Frame);
}
END_TEST

START_TEST(invocation_the_type_does_not_have_is_refused)
{
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, BASE_PAGE_BYTES, 1, 0));
    ck_assert_err(invoke_cnode_retype(WORK_SLOT(0), RAM_CAP, 0, ObjType_Frame, BASE_PAGE_BYTES, 1,
                                      WORK_CNODE, 1),
                  SYS_ERR_ILLEGAL_INVOCATION);
    /* An L2 CNode is not a CSpace root. */
    ck_assert_err(invoke_cnode_delete(capaddr_l1_slot(ROOTCN_SLOT_TASKCN), WORK_SLOT(0)),
                  SYS_ERR_ILLEGAL_INVOCATION);
    uintptr_t args[INVOKE_ARGS] = {0};
    ck_assert_err(syscall_invoke(CAPADDR_ROOTCN, (enum invocation_cmd)(CMD_NUM + 3), args).error,
                  SYS_ERR_ILLEGAL_INVOCATION);
}
END_TEST

START_TEST(unknown_system_call_is_refused)
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_INVOKE + 100, CAPADDR_ROOTCN, CMD_IDENTIFY};
    ck_assert_err(host_syscall(regs).error, SYS_ERR_ILLEGAL_SYSCALL);
}
END_TEST

START_TEST(invoking_an_empty_slot_is_cap_not_found)
{
    ck_assert_err(invoke_cnode_delete(WORK_SLOT(3), RAM_CAP), SYS_ERR_CAP_NOT_FOUND);
    ck_assert_int_eq(identify(RAM_CAP).type, ObjType_RAM);
}
END_TEST

START_TEST(the_machine_size_and_physical_base_are_configurable)
{
    struct host_machine_config config = {
        .phys_base = 0x80000000, .ram_bytes = 8ull << 20, .device_bytes = 0};
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
    struct cap_identity ram = identify(RAM_CAP);
    /* The kernel keeps the start of RAM for init's CNodes, the last page for the boot
     * information, and hands out the rest between them. */
    ck_assert_uint_eq(ram.base, config.phys_base + INIT_CSPACE_BYTES);
    ck_assert_uint_eq(ram.base + ram.bytes, config.phys_base + config.ram_bytes - BASE_PAGE_BYTES);
    ck_assert_uint_eq(host_machine_bootinfo_base(), ram.base + ram.bytes);
    ck_assert(slot_is_empty(PHYSADDR_CAP));
    /* All of it is usable: one frame spanning the whole RAM capability. */
    ck_assert_ok(retype_from_ram(0, ObjType_Frame, ram.bytes, 1, 0));
    host_machine_shutdown();
}
END_TEST

START_TEST(the_console_and_exit_system_calls)
{
    uint64_t status;
    ck_assert(!host_machine_exit_status(&status));
    host_console_capture(kernel_console, sizeof(kernel_console));
    for (const char *c = "hi\n"; *c != '\0'; c++) {
        uintptr_t regs[SYSCALL_REGS] = {SYSCALL_PUTCHAR, (unsigned char)*c};
        ck_assert_ok(host_syscall(regs).error);
    }
    ck_assert_str_eq(kernel_console, "hi\n");
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_EXIT, 7};
    ck_assert_ok(host_syscall(regs).error);
    ck_assert(host_machine_exit_status(&status));
    ck_assert_uint_eq(status, 7);
}
END_TEST

/* What domains print, and what the console shows: only the kernel's lines begin "kernel:". */
static const struct {
    const char *printed, *shown;
} console_cases[] = {
    {"kernel: domain init exited with status 0\n",
     "[domain] kernel: domain init exited with status 0\n"},
    {"ok\nkernel:x\n", "ok\n[domain] kernel:x\n"},
    {"kernel\n", "kernel\n"},
    {"kern", "kern"},
    {"a kernel: line\n", "a kernel: line\n"},
    {"kernekernel:\n", "kernekernel:\n"},
    {"\nkernel:\nkernel:\n", "\n[domain] kernel:\n[domain] kernel:\n"},
    {"abc\rkernel: x\n", "abc\r[domain] kernel: x\n"},
};

START_TEST(a_domain_line_cannot_pass_for_the_kernels)
{
    host_console_capture(kernel_console, sizeof(kernel_console));
    for (const char *c = console_cases[_i].printed; *c != '\0'; c++) {
        uintptr_t regs[SYSCALL_REGS] = {SYSCALL_PUTCHAR, (unsigned char)*c};
        ck_assert_ok(host_syscall(regs).error);
    }
    printk("kernel: after\n");
    char want[200];
    size_t n = strlen(console_cases[_i].shown);
    bool open = n > 0 && console_cases[_i].shown[n - 1] != '\n';
    snprintf(want, sizeof(want), "%s%skernel: after\n", console_cases[_i].shown, open ? "\n" : "");
    ck_assert_str_eq(kernel_console, want);
}
END_TEST

Suite *cspace_suite(void)
{
    Suite *s = suite_create("cspace");
    TCase *boot = fixture_tcase(s, "boot layout");
    tcase_add_test(boot, init_gets_its_root_cnode_ram_and_device_window);
    tcase_add_test(boot, init_l1_slots_hold_l2_cnodes_and_the_rest_are_empty);

    TCase *config = tcase_create("machine configuration");
    tcase_add_test(config, the_machine_size_and_physical_base_are_configurable);
    suite_add_tcase(s, config);

    TCase *lookup = fixture_tcase(s, "lookup");
    tcase_add_test(lookup, l1_index_beyond_the_root_is_refused);
    tcase_add_test(lookup, empty_l1_slot_is_refused);
    tcase_add_test(lookup, l1_slot_holding_a_frame_is_not_a_cnode);
    tcase_add_test(lookup, empty_l2_slot_is_cap_not_found);
    tcase_add_test(lookup, address_bits_beyond_32_are_refused_not_truncated);
    tcase_add_test(lookup, level1_address_with_l2_bits_is_refused);
    tcase_add_test(lookup, destination_that_is_not_a_cnode_is_refused);
    tcase_add_test(lookup, destination_cnode_naming_nothing_is_refused);
    tcase_add_test(lookup, destination_slots_past_the_cnode_are_refused);
    tcase_add_test(lookup, a_new_l2_cnode_installed_in_l1_extends_the_cspace);

    TCase *dispatch = fixture_tcase(s, "dispatch");
    tcase_add_test(dispatch, invocation_the_type_does_not_have_is_refused);
    tcase_add_test(dispatch, unknown_system_call_is_refused);
    tcase_add_test(dispatch, the_console_and_exit_system_calls);
    tcase_add_loop_test(dispatch, a_domain_line_cannot_pass_for_the_kernels, 0,
                        (int)(sizeof(console_cases) / sizeof(console_cases[0])));
    tcase_add_test(dispatch, invoking_an_empty_slot_is_cap_not_found);
    return s;
}
