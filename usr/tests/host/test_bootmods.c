/* Boot modules: names, ranges, claiming them out of free memory, and what init is handed. */
#include "spawn_check.h"
#include <bootmods.h>
#include <kcheck.h>
#include <paging_arch.h>
#include <stdio.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES

static struct boot_modules mods;

static void no_modules(void)
{
    mods = (struct boot_modules){.count = 0};
}

START_TEST(names_must_fit_the_boot_information_and_be_unique)
{
    char longest[BOOTINFO_NAME_BYTES];
    memset(longest, 'x', sizeof(longest));
    ck_assert_err(boot_modules_add(&mods, "", 0, 0x100000, 1), SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_err(boot_modules_add(&mods, longest, BOOTINFO_NAME_BYTES, 0x100000, 1),
                  SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_err(boot_modules_add(&mods, "a\0b", 3, 0x100000, 1), SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_ok(boot_modules_add(&mods, longest, BOOTINFO_NAME_BYTES - 1, 0x100000, 1));
    ck_assert_ok(boot_modules_add(&mods, "init", 4, 0x200000, 1));
    ck_assert_err(boot_modules_add(&mods, "init", 4, 0x300000, 1), SYS_ERR_BOOT_MODULE_DUPLICATE);
    ck_assert_int_eq(mods.count, 2);
    ck_assert_str_eq(mods.module[1].name, "init");
    ck_assert_ptr_eq(boot_modules_find(&mods, "init"), &mods.module[1]);
    ck_assert_ptr_null(boot_modules_find(&mods, "ini"));
    ck_assert_ptr_null(boot_modules_find(&mods, "init2"));
}
END_TEST

START_TEST(empty_modules_are_left_out_and_ranges_must_not_wrap)
{
    ck_assert_ok(boot_modules_add(&mods, "empty", 5, 0x100000, 0));
    ck_assert_int_eq(mods.count, 0);
    ck_assert_err(boot_modules_add(&mods, "wraps", 5, UINT64_MAX - 10, 100),
                  SYS_ERR_BOOT_MODULE_RANGE);
    ck_assert_err(boot_modules_add(&mods, "edge", 4, UINT64_MAX - PAGE, 10),
                  SYS_ERR_BOOT_MODULE_RANGE); /* its last page would wrap */
    for (int i = 0; i < BOOTINFO_MODULES_MAX; i++) {
        char name[16];
        snprintf(name, sizeof(name), "m%d", i);
        ck_assert_ok(boot_modules_add(&mods, name, strlen(name), 0x100000 * (i + 1), 1));
    }
    ck_assert_err(boot_modules_add(&mods, "one-more", 8, 0x100000, 1),
                  SYS_ERR_BOOT_MODULES_TOO_MANY);
}
END_TEST

/* Multiboot module strings: "PATH [NAME]". */
static const struct {
    const char *line;
    const char *name;
} cmdlines[] = {
    {"build/x86_64/bin/captest init", "init"},
    {"build/x86_64/bin/hello", "hello"},
    {"hello", "hello"},
    {"  a/b/c   named  extra", "named"},
    {"/abs/path/x ", "x"},
};

START_TEST(module_strings_name_a_module_by_their_second_word_or_the_file)
{
    ck_assert_ok(boot_modules_add_cmdline(&mods, cmdlines[_i].line, 4096, 0x100000, 1));
    ck_assert_int_eq(mods.count, 1);
    ck_assert_str_eq(mods.module[0].name, cmdlines[_i].name);
}
END_TEST

START_TEST(module_strings_without_a_name_or_an_end_are_refused)
{
    ck_assert_err(boot_modules_add_cmdline(&mods, "", 4096, 0x100000, 1), SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_err(boot_modules_add_cmdline(&mods, "dir/", 4096, 0x100000, 1),
                  SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_err(boot_modules_add_cmdline(&mods, "   ", 4096, 0x100000, 1),
                  SYS_ERR_BOOT_MODULE_NAME);
    static const char unterminated[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    ck_assert_err(boot_modules_add_cmdline(&mods, unterminated, sizeof(unterminated), 0x100000, 1),
                  SYS_ERR_BOOT_MODULE_NAME);
    ck_assert_int_eq(mods.count, 0);
}
END_TEST

/* ---- Claiming modules out of free memory, on a booted hosted machine's RAM ---------------- */

static struct boot_memory mem;
static genpaddr_t ram; /* the start of the part of simulated RAM these tests use */

static void claim_setup(void)
{
    fixture_boot();
    no_modules();
    ram = host_machine_free_ram_base();
    mem = (struct boot_memory){.count = 0};
    boot_memory_add(&mem, ram, 64 * PAGE);
}

static void fill(genpaddr_t paddr, size_t bytes, uint8_t seed)
{
    uint8_t *p = host_machine_phys_ptr(paddr);
    for (size_t i = 0; i < bytes; i++) {
        p[i] = (uint8_t)(seed + i * 3);
    }
}

static bool holds(genpaddr_t paddr, size_t bytes, uint8_t seed)
{
    const uint8_t *p = host_machine_phys_ptr(paddr);
    for (size_t i = 0; i < bytes; i++) {
        if (p[i] != (uint8_t)(seed + i * 3)) {
            return false;
        }
    }
    return true;
}

/* Is any part of [base, base + bytes) still free in mem? */
static bool any_free(genpaddr_t base, gensize_t bytes)
{
    for (int i = 0; i < mem.count; i++) {
        if (mem.bytes[i] > 0 && base < mem.base[i] + mem.bytes[i] && mem.base[i] < base + bytes) {
            return true;
        }
    }
    return false;
}

START_TEST(page_aligned_modules_stay_where_they_are_and_leave_free_memory)
{
    ck_assert_ok(boot_modules_add(&mods, "init", 4, ram + 4 * PAGE, 2 * PAGE + 100));
    ck_assert_ok(boot_modules_add(&mods, "two", 3, ram + 7 * PAGE, PAGE));
    ck_assert_ok(boot_modules_claim(&mods, &mem));
    ck_assert_uint_eq(mods.module[0].base, ram + 4 * PAGE);
    ck_assert_uint_eq(mods.module[1].base, ram + 7 * PAGE);
    ck_assert(!any_free(ram + 4 * PAGE, 4 * PAGE));
    ck_assert(any_free(ram, 4 * PAGE));
    ck_assert(!any_free(mods.bootinfo, PAGE));
    ck_assert_uint_eq(mods.bootinfo % PAGE, 0);
    ck_assert(mods.bootinfo < ram + 4 * PAGE || mods.bootinfo >= ram + 8 * PAGE);
}
END_TEST

/* cpio data is only 4-byte aligned: such a module is copied to pages of its own. */
START_TEST(a_module_inside_a_page_is_copied_to_fresh_pages)
{
    genpaddr_t at = ram + 10 * PAGE + 116;
    fill(at, PAGE + 5, 7);
    fill(at + PAGE + 5, 64, 99); /* what follows it in the archive */
    ck_assert_ok(boot_modules_add(&mods, "init", 4, at, PAGE + 5));
    ck_assert_ok(boot_modules_add(&mods, "next", 4, at + PAGE + 5 + 3, 50));
    ck_assert_ok(boot_modules_claim(&mods, &mem));
    for (int i = 0; i < 2; i++) {
        const struct boot_module *m = &mods.module[i];
        ck_assert_uint_eq(m->base % PAGE, 0);
        ck_assert(!any_free(m->base, PAGE));
        ck_assert(m->base + m->bytes <= ram + 10 * PAGE || m->base >= ram + 12 * PAGE);
    }
    ck_assert(holds(mods.module[0].base, PAGE + 5, 7));
    const uint8_t *tail = host_machine_phys_ptr(mods.module[0].base + PAGE + 5);
    for (size_t i = 0; i < PAGE - 5; i++) {
        ck_assert_uint_eq(tail[i], 0); /* the copy's last page holds nothing of its neighbours */
    }
    ck_assert(!any_free(ram + 10 * PAGE, 2 * PAGE)); /* the originals are not reused */
}
END_TEST

START_TEST(modules_outside_free_memory_or_sharing_a_page_are_refused)
{
    struct boot_modules one = {.count = 0};
    ck_assert_ok(boot_modules_add(&one, "init", 4, ram + 63 * PAGE, 2 * PAGE));
    ck_assert_err(boot_modules_claim(&one, &mem), SYS_ERR_BOOT_MODULE_RANGE); /* past the end */
    one = (struct boot_modules){.count = 0};
    ck_assert_ok(boot_modules_add(&one, "init", 4, ram - PAGE, 2 * PAGE));
    ck_assert_err(boot_modules_claim(&one, &mem), SYS_ERR_BOOT_MODULE_RANGE); /* before it */
    ck_assert_ok(boot_modules_add(&mods, "a", 1, ram + 2 * PAGE, PAGE + 1));
    ck_assert_ok(boot_modules_add(&mods, "b", 1, ram + 3 * PAGE, PAGE));
    ck_assert_err(boot_modules_claim(&mods, &mem), SYS_ERR_BOOT_MODULE_RANGE);
    ck_assert(any_free(ram, 64 * PAGE) && mem.count == 1 && mem.bytes[0] == 64 * PAGE);
}
END_TEST

START_TEST(no_memory_for_a_copy_or_the_boot_information_is_an_error)
{
    mem = (struct boot_memory){.count = 0};
    boot_memory_add(&mem, ram, 3 * PAGE);
    ck_assert_ok(boot_modules_add(&mods, "init", 4, ram + 8, 2 * PAGE));
    ck_assert_err(boot_modules_claim(&mods, &mem), SYS_ERR_BOOT_MODULE_NO_MEMORY);
    struct boot_modules aligned = {.count = 0};
    mem = (struct boot_memory){.count = 0};
    boot_memory_add(&mem, ram, 2 * PAGE);
    ck_assert_ok(boot_modules_add(&aligned, "init", 4, ram, 2 * PAGE));
    ck_assert_err(boot_modules_claim(&aligned, &mem), SYS_ERR_BOOT_MODULE_NO_MEMORY);
}
END_TEST

/* ---- What init is handed: the hosted boot with modules ------------------------------------ */

static uint8_t init_image[3 * PAGE + 17];
static uint8_t hello_image[100];

static void boot_with_modules(void)
{
    for (size_t i = 0; i < sizeof(init_image); i++) {
        init_image[i] = (uint8_t)(i * 7 + 1);
    }
    memset(hello_image, 0x5a, sizeof(hello_image));
    static const struct host_boot_module modules[] = {
        {"init", init_image, sizeof(init_image)},
        {"hello", hello_image, sizeof(hello_image)},
    };
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.modules = modules;
    config.module_count = 2;
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
}

#define MODULE_CAP(i) capaddr_make(ROOTCN_SLOT_MODULECN, (i))
#define BOOTINFO_CAP capaddr_make(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_BOOTINFO)

START_TEST(init_gets_the_boot_information_and_a_read_only_frame_per_module)
{
    struct cap_identity bi = identify(BOOTINFO_CAP);
    ck_assert_int_eq(bi.type, ObjType_Frame);
    ck_assert_uint_eq(bi.bytes, PAGE);
    ck_assert_uint_eq(bi.rights, CAPRIGHTS_READ);
    ck_assert_uint_eq(bi.base, host_machine_bootinfo_base());
    const struct bootinfo *info = host_machine_phys_ptr(bi.base);
    ck_assert_uint_eq(info->magic, BOOTINFO_MAGIC);
    ck_assert_uint_eq(info->module_count, 2);
    ck_assert_str_eq(info->modules[0].name, "init");
    ck_assert_uint_eq(info->modules[0].bytes, sizeof(init_image));
    ck_assert_str_eq(info->modules[1].name, "hello");
    ck_assert_uint_eq(info->modules[1].bytes, sizeof(hello_image));

    struct cap_identity m0 = identify(MODULE_CAP(0));
    ck_assert_int_eq(m0.type, ObjType_Frame);
    ck_assert_uint_eq(m0.rights, CAPRIGHTS_READ);
    ck_assert_uint_eq(m0.bytes, 4 * PAGE);
    ck_assert_mem_eq(host_machine_phys_ptr(m0.base), init_image, sizeof(init_image));
    struct cap_identity m1 = identify(MODULE_CAP(1));
    ck_assert_uint_eq(m1.bytes, PAGE);
    ck_assert_mem_eq(host_machine_phys_ptr(m1.base), hello_image, sizeof(hello_image));
    ck_assert(slot_is_empty(MODULE_CAP(2)));
    /* Apart from init's RAM: nothing it retypes can reach the modules. */
    struct cap_identity ram_id = identify(RAM_CAP);
    ck_assert(m0.base >= ram_id.base + ram_id.bytes && m1.base >= ram_id.base + ram_id.bytes);
    ck_assert_int_eq(kcheck_state(NULL, NULL), KCHECK_OK);
}
END_TEST

/* The leaf table type of this format: the table whose entries map 4 KiB pages. */
static enum objtype leaf_type(void)
{
    enum objtype t = paging_root_type();
    while (paging_entry_span_bytes(t) != PAGE) {
        t = paging_child_table_type(t);
    }
    return t;
}

START_TEST(the_boot_image_cannot_be_written_or_retyped)
{
    ck_assert_err(invoke_cnode_retype(CAPADDR_ROOTCN, MODULE_CAP(0), 0, ObjType_Frame, PAGE, 1,
                                      WORK_CNODE, 0),
                  SYS_ERR_RETYPE_NEEDS_WRITE);
    ck_assert_err(
        invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, 0, BOOTINFO_CAP, CAPRIGHTS_READ_WRITE),
        SYS_ERR_MINT_RIGHTS_EXCEED);
    enum objtype leaf = leaf_type();
    ck_assert_ok(retype_from_ram(0, leaf, objtype_info[leaf].fixed_bytes, 1, 2));
    ck_assert_err(invoke_vnode_map(WORK_SLOT(2), 0, MODULE_CAP(0), VREGION_FLAGS_READ_WRITE, 0, 1),
                  SYS_ERR_VM_RIGHTS_EXCEED);
    ck_assert_ok(invoke_vnode_map(WORK_SLOT(2), 0, MODULE_CAP(0), VREGION_FLAGS_READ, 0, 4));
    ck_assert_int_eq(kcheck_state(NULL, NULL), KCHECK_OK);
}
END_TEST

START_TEST(a_machine_without_modules_still_has_the_boot_information)
{
    const struct bootinfo *info = host_machine_phys_ptr(identify(BOOTINFO_CAP).base);
    ck_assert_uint_eq(info->magic, BOOTINFO_MAGIC);
    ck_assert_uint_eq(info->module_count, 0);
    ck_assert_int_eq(identify(capaddr_l1_slot(ROOTCN_SLOT_MODULECN)).type, ObjType_L2CNode);
    ck_assert(slot_is_empty(MODULE_CAP(0)));
}
END_TEST

Suite *bootmods_suite(void)
{
    Suite *s = suite_create("boot modules");
    TCase *tc = tcase_create("list");
    tcase_add_checked_fixture(tc, no_modules, NULL);
    tcase_add_test(tc, names_must_fit_the_boot_information_and_be_unique);
    tcase_add_test(tc, empty_modules_are_left_out_and_ranges_must_not_wrap);
    tcase_add_loop_test(tc, module_strings_name_a_module_by_their_second_word_or_the_file, 0,
                        sizeof(cmdlines) / sizeof(cmdlines[0]));
    tcase_add_test(tc, module_strings_without_a_name_or_an_end_are_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("claim");
    tcase_add_checked_fixture(tc, claim_setup, fixture_shutdown);
    tcase_add_test(tc, page_aligned_modules_stay_where_they_are_and_leave_free_memory);
    tcase_add_test(tc, a_module_inside_a_page_is_copied_to_fresh_pages);
    tcase_add_test(tc, modules_outside_free_memory_or_sharing_a_page_are_refused);
    tcase_add_test(tc, no_memory_for_a_copy_or_the_boot_information_is_an_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("handed to init");
    tcase_add_checked_fixture(tc, boot_with_modules, fixture_shutdown);
    tcase_add_test(tc, init_gets_the_boot_information_and_a_read_only_frame_per_module);
    tcase_add_test(tc, the_boot_image_cannot_be_written_or_retyped);
    suite_add_tcase(s, tc);

    tc = fixture_tcase(s, "without modules");
    tcase_add_test(tc, a_machine_without_modules_still_has_the_boot_information);
    return s;
}
