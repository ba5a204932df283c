/* Starting init from an ELF image (spawn_init) on the hosted machine, and the boot memory it uses.
 */
#include "fixture.h"
#include "walker.h"
#include <domain_layout.h>
#include <elf.h>
#include <kcheck.h>
#include <libcap/libcap.h>
#include <mdb.h>
#include <platform.h>
#include <spawn.h>
#include <startup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE BASE_PAGE_BYTES

/* ---- Boot memory ------------------------------------------------------------------------ */

struct range {
    genpaddr_t base;
    gensize_t bytes;
};

/* The non-empty ranges of mem, in its order, as "base+bytes" words: what a test compares. */
static void describe(const struct boot_memory *mem, char *out, size_t bytes)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < mem->count; i++) {
        if (mem->bytes[i] != 0) {
            n += (size_t)snprintf(out + n, bytes - n, "%s%llx+%llx", n == 0 ? "" : " ",
                                  (unsigned long long)mem->base[i],
                                  (unsigned long long)mem->bytes[i]);
        }
    }
}

static void assert_memory(const struct boot_memory *mem, const char *want)
{
    char have[512];
    describe(mem, have, sizeof(have));
    ck_assert_str_eq(have, want);
}

/* Adding keeps whole pages only, rounded inwards; nothing less than a page is kept. */
static const struct {
    struct range add;
    const char *want;
} add_cases[] = {
    {{0x10000, 0x3000}, "10000+3000"},
    {{0x10800, 0x3000}, "11000+2000"},
    {{0x10800, 0x1000}, ""},
    {{0x10000, 0xfff}, ""},
    {{0x10000, 0}, ""},
};

START_TEST(adding_keeps_the_whole_pages_inside)
{
    struct boot_memory mem = {.count = 0};
    boot_memory_add(&mem, add_cases[_i].add.base, add_cases[_i].add.bytes);
    assert_memory(&mem, add_cases[_i].want);
}
END_TEST

START_TEST(adding_beyond_the_last_range_slot_is_ignored)
{
    struct boot_memory mem = {.count = 0};
    for (int i = 0; i <= BOOT_MEMORY_RANGES; i++) {
        boot_memory_add(&mem, (genpaddr_t)(i + 1) * 0x10000, PAGE);
    }
    ck_assert_int_eq(mem.count, BOOT_MEMORY_RANGES);
    ck_assert_uint_eq(mem.base[BOOT_MEMORY_RANGES - 1], (genpaddr_t)BOOT_MEMORY_RANGES * 0x10000);
}
END_TEST

/* Reserving cuts a hole out of [0x10000, 0x20000) and [0x30000, 0x38000). */
static const struct {
    struct range hole;
    const char *want;
} reserve_cases[] = {
    {{0x14000, 0x2000}, "10000+4000 30000+8000 16000+a000"},
    {{0x10000, 0x4000}, "30000+8000 14000+c000"},
    {{0x1c000, 0x8000}, "10000+c000 30000+8000"},
    {{0x8000, 0x30000}, ""},
    {{0x1f000, 0x12000}, "10000+f000 31000+7000"},
    {{0x20000, 0x10000}, "10000+10000 30000+8000"},
};

START_TEST(reserving_cuts_the_hole_out_of_every_range)
{
    struct boot_memory mem = {.count = 0};
    boot_memory_add(&mem, 0x10000, 0x10000);
    boot_memory_add(&mem, 0x30000, 0x8000);
    boot_memory_reserve(&mem, reserve_cases[_i].hole.base, reserve_cases[_i].hole.bytes);
    assert_memory(&mem, reserve_cases[_i].want);
}
END_TEST

/* Taking from [0x11000, 0x20000) and [0x40000, 0x80000): the address, then what is left. */
static const struct {
    gensize_t bytes, align;
    genpaddr_t got;
    const char *left;
} take_cases[] = {
    {0x1000, 0x1000, 0x11000, "12000+e000 40000+40000"},
    {0x4000, 0x4000, 0x14000, "18000+8000 40000+40000 11000+3000"},
    {0x10000, 0x1000, 0x40000, "11000+f000 50000+30000"},
    {0x20000, 0x20000, 0x40000, "11000+f000 60000+20000"},
    {0x40000, 0x80000, 0, "11000+f000 40000+40000"},
    {0x80000, 0x1000, 0, "11000+f000 40000+40000"},
};

START_TEST(taking_returns_aligned_memory_and_keeps_the_gap)
{
    struct boot_memory mem = {.count = 0};
    boot_memory_add(&mem, 0x11000, 0xf000);
    boot_memory_add(&mem, 0x40000, 0x40000);
    ck_assert_uint_eq(boot_memory_take(&mem, take_cases[_i].bytes, take_cases[_i].align),
                      take_cases[_i].got);
    assert_memory(&mem, take_cases[_i].left);
}
END_TEST

/* ---- spawn_init ------------------------------------------------------------------------- */

/* A segment of a test image: where it goes, its file bytes, its memory bytes and rights. */
struct seg_spec {
    uint32_t type;
    uint64_t vaddr, filesz, memsz;
    uint32_t flags;
};

#define IMAGE_BYTES (64 * 1024)
static uint8_t image[IMAGE_BYTES];
static struct dcb *spawned;
static struct boot_memory mem;
static gensize_t memory_bytes;

static uint8_t file_byte(int seg, uint64_t i)
{
    return (uint8_t)(1 + seg * 31 + i * 7);
}

static size_t write_headers(int n, uint64_t entry, uint64_t *phoff)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_ehdr e = {.e_machine = DOMAIN_ELF_MACHINE,
                               .e_entry = entry,
                               .e_phoff = sizeof(e),
                               .e_phnum = (uint16_t)n};
        memcpy(image, &e, sizeof(e));
        *phoff = sizeof(e);
        return sizeof(struct elf64_phdr);
    }
    struct elf32_ehdr e = {.e_machine = DOMAIN_ELF_MACHINE,
                           .e_entry = (uint32_t)entry,
                           .e_phoff = sizeof(e),
                           .e_phnum = (uint16_t)n};
    memcpy(image, &e, sizeof(e));
    *phoff = sizeof(e);
    return sizeof(struct elf32_phdr);
}

static void write_phdr(uint64_t at, const struct seg_spec *s, uint64_t offset)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_phdr ph = {s->type, s->flags, offset, s->vaddr, 0, s->filesz, s->memsz, PAGE};
        memcpy(image + at, &ph, sizeof(ph));
        return;
    }
    struct elf32_phdr ph = {s->type,
                            (uint32_t)offset,
                            (uint32_t)s->vaddr,
                            0,
                            (uint32_t)s->filesz,
                            (uint32_t)s->memsz,
                            s->flags,
                            PAGE};
    memcpy(image + at, &ph, sizeof(ph));
}

/* Writes an ELF image of this machine with segments segs into image; its length. */
static size_t build_image(const struct seg_spec *segs, int n, uint64_t entry)
{
    memset(image, 0, sizeof(image));
    uint64_t phoff;
    size_t phent = write_headers(n, entry, &phoff);
    memcpy(image,
           "\x7f"
           "ELF",
           4);
    image[4] = DOMAIN_ELF_CLASS;
    uint64_t offset = phoff + (uint64_t)n * phent;
    for (int i = 0; i < n; i++) {
        write_phdr(phoff + (uint64_t)i * phent, &segs[i], offset);
        for (uint64_t b = 0; b < segs[i].filesz && offset + b < IMAGE_BYTES; b++) {
            image[offset + b] = file_byte(i, b);
        }
        offset += segs[i].filesz;
    }
    ck_assert_uint_le(offset, IMAGE_BYTES);
    return (size_t)offset;
}

/*
 * Forgets the hosted machine's kernel state (the index emptied) and gives spawn_init the first
 * bytes of its RAM as boot memory, so that it builds init afresh, as a booted platform's kernel
 * does. Spawning again after this starts over on the same memory.
 */
static void reset_for_spawn(gensize_t bytes)
{
    mdb_init(host_machine_default_seed());
    sched_reset();
    spawned = NULL;
    mem = (struct boot_memory){.count = 0};
    boot_memory_add(&mem, HOST_MACHINE_DEFAULT_CONFIG.phys_base, bytes);
    memory_bytes = bytes;
    host_console_capture(kernel_console, sizeof(kernel_console));
}

static void spawn_boot(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = 32ull << 20;
    host_console_capture(kernel_console, sizeof(kernel_console));
    host_machine_boot(&config);
    reset_for_spawn(config.ram_bytes);
}

static bool spawn(size_t bytes)
{
    spawned = spawn_init(image, bytes, &mem);
    if (spawned != NULL) {
        sched_leave_kernel(); /* dispatches it: the domain spawn_init made calls from now on */
    }
    return spawned != NULL;
}

/* The text, data (with bss), a segment across two leaf tables, and a note that is not loaded. */
#define IMAGE_ENTRY (DOMAIN_IMAGE_BASE + 0x10)
static const struct seg_spec good_segments[] = {
    {PT_LOAD, DOMAIN_IMAGE_BASE, 0x1800, 0x1800, PF_R | PF_X},
    {PT_LOAD, DOMAIN_IMAGE_BASE + 0x3100, 0x200, 0x2000, PF_R | PF_W},
    {4 /* PT_NOTE */, DOMAIN_IMAGE_BASE + 0x100000, 0x10, 0x10, PF_R},
    {PT_LOAD, 0x600000 - 0x1800, 0x2000, 0x3000, PF_R},
};
#define GOOD_SEGMENTS ((int)(sizeof(good_segments) / sizeof(good_segments[0])))

static struct walk_result walk(uint64_t vaddr)
{
    return walk_translate(spawned->vroot.cap.base, vaddr);
}

/* Every byte of [start, end) reads back through the tables as the image says. */
static void assert_segment_bytes(int seg)
{
    const struct seg_spec *s = &good_segments[seg];
    uint64_t start = s->vaddr & ~(uint64_t)(PAGE - 1);
    uint64_t end = (s->vaddr + s->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    for (uint64_t va = start; va < end; va++) {
        const uint8_t *p = host_mmu_translate(spawned->vroot.cap.base, va);
        ck_assert_msg(p != NULL, "0x%llx of segment %d does not translate", (unsigned long long)va,
                      seg);
        bool in_file = va >= s->vaddr && va < s->vaddr + s->filesz;
        uint8_t want = in_file ? file_byte(seg, va - s->vaddr) : 0;
        ck_assert_msg(*p == want, "0x%llx of segment %d holds 0x%x, expected 0x%x",
                      (unsigned long long)va, seg, *p, want);
    }
}

static void assert_rights(uint64_t vaddr, bool writable, bool executable)
{
    struct walk_result w = walk(vaddr);
    ck_assert_msg(w.present && w.user, "0x%llx is not mapped for the user",
                  (unsigned long long)vaddr);
    ck_assert_int_eq(w.writable, writable);
    ck_assert_int_eq(w.executable, executable);
}

START_TEST(init_runs_on_the_image_its_stack_and_its_memory)
{
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    const struct dispatcher_save_area *cpu = host_machine_user_registers();
    ck_assert_uint_eq(save_area_pc(cpu), IMAGE_ENTRY);
    ck_assert_uint_eq(save_area_sp(cpu), DOMAIN_STACK_TOP);
    capaddr_t vroot = capaddr_make(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT);
    ck_assert_uint_eq(identify(vroot).base, spawned->vroot.cap.base);
    ck_assert_uint_eq(platform_loaded_root(), spawned->vroot.cap.base);
    ck_assert_int_eq(identify(vroot).type, walk_root_type());
    for (int i = 0; i < GOOD_SEGMENTS; i++) {
        if (good_segments[i].type == PT_LOAD) {
            assert_segment_bytes(i);
        }
    }
    assert_rights(DOMAIN_IMAGE_BASE, false, true);
    assert_rights(DOMAIN_IMAGE_BASE + 0x3000, true, false);
    assert_rights(0x600000, false, false);
    ck_assert(!walk(good_segments[2].vaddr).present); /* not a loadable segment */
    ck_assert(!walk(DOMAIN_IMAGE_BASE + 0x2000).present);
    for (uint64_t va = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES; va < DOMAIN_STACK_TOP; va += PAGE) {
        assert_rights(va, true, false);
        ck_assert_uint_eq(*(const uint8_t *)host_mmu_translate(spawned->vroot.cap.base, va), 0);
    }
    ck_assert(!walk(DOMAIN_STACK_TOP).present);
    ck_assert(!walk(DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - PAGE).present);
    ck_assert_int_eq(kcheck_state(spawned, NULL), KCHECK_OK);
    ck_assert_str_eq(kernel_console, "");
}
END_TEST

/* What spawn_init made (CSpace, tables, frames) and the RAM it handed init add up to all memory. */
START_TEST(init_is_handed_all_memory_spawn_did_not_use)
{
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    /* The CSpace and the dispatcher's page, and every object in whole pages (ARMv7 L2: 1 KiB). */
    gensize_t made = INIT_CSPACE_BYTES + PAGE;
    ck_assert_int_eq(identify(capaddr_make(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER)).type,
                     ObjType_Dispatcher);
    for (cslot_t i = PAGECN_SLOT_VROOT; !slot_is_empty(capaddr_make(ROOTCN_SLOT_PAGECN, i)); i++) {
        made += (identify(capaddr_make(ROOTCN_SLOT_PAGECN, i)).bytes + PAGE - 1) & ~(PAGE - 1);
    }
    gensize_t ram = 0;
    cslot_t slot = 0;
    for (; !slot_is_empty(capaddr_make(ROOTCN_SLOT_SUPERCN, slot)); slot++) {
        struct cap_identity id = identify(capaddr_make(ROOTCN_SLOT_SUPERCN, slot));
        ck_assert_int_eq(id.type, ObjType_RAM);
        ram += id.bytes;
    }
    ck_assert_uint_ge(slot, 1);
    ck_assert_uint_eq(made + ram, memory_bytes);
    /* init can use it: a frame from its first RAM capability */
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, capaddr_make(ROOTCN_SLOT_SUPERCN, 0), 0,
                                     ObjType_Frame, PAGE, 1, WORK_CNODE, 0));
    ck_assert_int_eq(identify(WORK_SLOT(0)).type, ObjType_Frame);
}
END_TEST

/* Images spawn_init refuses, each with the kernel's line saying why. */
enum image_fault {
    BAD_MAGIC,
    BAD_CLASS,
    BAD_MACHINE,
    SHORT_HEADER,
    HEADERS_PAST_END,
    FILE_PAST_END
};

#define NOT_ELF "kernel: spawn: the init image is not an ELF executable for this machine\n"
static const struct {
    enum image_fault fault;
    const char *console;
} image_cases[] = {
    {BAD_MAGIC, NOT_ELF},
    {BAD_CLASS, NOT_ELF},
    {BAD_MACHINE, NOT_ELF},
    {SHORT_HEADER, NOT_ELF},
    {HEADERS_PAST_END, NOT_ELF},
    {FILE_PAST_END, "kernel: spawn: a segment of the init image lies beyond its end\n"},
};

START_TEST(images_that_are_not_for_this_machine_are_refused)
{
    size_t bytes = build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY);
    switch (image_cases[_i].fault) {
    case BAD_MAGIC:
        image[1] = 'e';
        break;
    case BAD_CLASS:
        image[4] = DOMAIN_ELF_CLASS == ELFCLASS64 ? ELFCLASS32 : ELFCLASS64;
        break;
    case BAD_MACHINE:
        image[18] ^= 1; /* e_machine: the same offset in both classes */
        break;
    case SHORT_HEADER:
        bytes = 16;
        break;
    case HEADERS_PAST_END:
        bytes = 100;
        break;
    case FILE_PAST_END:
        bytes -= 1; /* the last segment's file bytes end one byte past the image */
        break;
    }
    ck_assert(!spawn(bytes));
    ck_assert_str_eq(kernel_console, image_cases[_i].console);
}
END_TEST

/* The end of the last object spawn_init made (CSpace, tables, frames), from the start of memory. */
static gensize_t memory_used(void)
{
    genpaddr_t start = HOST_MACHINE_DEFAULT_CONFIG.phys_base;
    genpaddr_t end = start + INIT_CSPACE_BYTES;
    for (cslot_t i = PAGECN_SLOT_VROOT; !slot_is_empty(capaddr_make(ROOTCN_SLOT_PAGECN, i)); i++) {
        struct cap_identity id = identify(capaddr_make(ROOTCN_SLOT_PAGECN, i));
        end = id.base + id.bytes > end ? id.base + id.bytes : end;
    }
    return end - start;
}

/*
 * With each amount of memory short of what the image needs, page by page, spawn_init fails at
 * the CSpace, the root table, a table, a frame or the stack, saying so once; with enough it works.
 */
START_TEST(too_little_memory_is_refused_at_every_step)
{
    size_t bytes = build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY);
    ck_assert(spawn(bytes));
    gensize_t used = memory_used();
    /* Page by page up to the first amount that works: each failure says why, once. The last
       objects may fill alignment gaps left earlier, so that amount may lie below `used`. */
    gensize_t have = 0;
    for (reset_for_spawn(have); !spawn(bytes); reset_for_spawn(have)) {
        ck_assert_str_eq(kernel_console, have < INIT_CSPACE_BYTES + PAGE
                                             ? "kernel: spawn: no memory for init's CSpace\n"
                                             : "kernel: spawn: out of memory for init's image\n");
        have += PAGE;
        ck_assert_msg(have <= used, "no spawn in 0x%llx bytes", (unsigned long long)used);
    }
    ck_assert_uint_ge(have, used - 4 * PAGE);
    ck_assert_str_eq(kernel_console, "");
}
END_TEST

/* An image of one page in each of many leaf tables needs more objects than PAGECN has slots. */
START_TEST(an_image_needing_more_slots_than_pagecn_is_refused)
{
    static struct seg_spec many[200];
    for (int i = 0; i < 200; i++) {
        many[i] =
            (struct seg_spec){PT_LOAD, DOMAIN_IMAGE_BASE + (uint64_t)i * 0x200000, 1, 1, PF_R};
    }
    ck_assert(!spawn(build_image(many, 200, DOMAIN_IMAGE_BASE)));
    ck_assert_str_eq(kernel_console, "kernel: spawn: out of PAGECN slots for init's image\n");
}
END_TEST

/*
 * An init whose lowest boot RAM region is a single page (spawn_init hands out what it did not
 * use, region by region): libcap takes RAM of a page from elsewhere, since the kernel never
 * retypes RAM into RAM of its own size, and still uses the page for a frame.
 */
START_TEST(libcap_passes_over_a_one_page_region_for_ram)
{
    genpaddr_t base = HOST_MACHINE_DEFAULT_CONFIG.phys_base;
    mem = (struct boot_memory){.count = 0};
    boot_memory_add(&mem, base + 2 * PAGE, 16ull << 20); /* spawn_init takes from here first */
    boot_memory_add(&mem, base, PAGE);
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    ck_assert_uint_eq(identify(capaddr_make(ROOTCN_SLOT_SUPERCN, 1)).base, base);
    ck_assert_uint_eq(identify(capaddr_make(ROOTCN_SLOT_SUPERCN, 1)).bytes, PAGE);
    ck_assert_ok(libcap_init());
    struct capref ram, frame;
    struct cap_identity id;
    ck_assert_ok(ram_alloc(&ram, PAGE));
    ck_assert_ok(cap_identify(ram, &id));
    ck_assert_int_eq(id.type, ObjType_RAM);
    ck_assert_uint_ne(id.base, base);
    ck_assert_ok(frame_alloc(&frame, PAGE, NULL));
    ck_assert_ok(cap_identify(frame, &id));
    ck_assert_uint_eq(id.base, base);
    ck_assert_ok(frame_free(frame));
    ck_assert_ok(ram_free(ram));
}
END_TEST

/* ---- init alone ------------------------------------------------------------------------ */

#define INIT_DISPATCHER capaddr_make(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER)

/* A timer tick with init the only runnable domain: it runs on where it was, not dispatched anew
   (as a yield would: its frame would count a dispatch). */
START_TEST(a_tick_with_init_alone_lets_it_run_on)
{
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    const struct dispatcher_shared *frame = host_machine_phys_ptr(spawned->frame.cap.base);
    ck_assert_uint_eq(frame->dispatches, 1);
    struct dispatcher_save_area there;
    save_area_start(&there, IMAGE_ENTRY + 0x40, DOMAIN_STACK_TOP - 0x100, 7);
    *host_machine_user_registers() = there; /* it ran on to there */
    for (int i = 0; i < 3; i++) {
        host_machine_timer_tick();
    }
    ck_assert_uint_eq(frame->dispatches, 1);
    ck_assert(memcmp(host_machine_user_registers(), &there, sizeof(there)) == 0);
    ck_assert_uint_eq(platform_loaded_root(), spawned->vroot.cap.base);
}
END_TEST

/* A second domain, runnable, in init's CSpace and address space: a Dispatcher and its frame
   from init's RAM. */
static void start_twin(void)
{
    capaddr_t ram = capaddr_make(ROOTCN_SLOT_SUPERCN, 0);
    capaddr_t cnode = capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0);
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Dispatcher, DISPATCHER_BYTES,
                                     1, cnode, 0));
    ck_assert_ok(invoke_cnode_retype(CAPADDR_ROOTCN, ram, PAGE, ObjType_Frame, PAGE, 1, cnode, 1));
    capaddr_t disp = capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, 0);
    ck_assert_ok(invoke_dispatcher_setup(
        disp, CAPADDR_ROOTCN, capaddr_make(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT),
        capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, 1), DOMAIN_DISPATCHER_FRAME_VADDR, IMAGE_ENTRY,
        DOMAIN_STACK_TOP));
    ck_assert_ok(invoke_dispatcher_run(disp));
}

/*
 * init deleting its own last Dispatcher capability ends the machine with status 255, after the
 * kernel's check of itself (a booted machine stops there; the hosted one records the status,
 * and runs the twin started so that it has a domain left to run).
 */
START_TEST(init_ends_the_machine_when_its_last_dispatcher_capability_goes)
{
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    start_twin();
    host_console_capture(kernel_console, sizeof(kernel_console));
    uint64_t status;
    ck_assert(!host_machine_exit_status(&status));
    ck_assert_ok(invoke_cnode_delete(CAPADDR_ROOTCN, INIT_DISPATCHER));
    ck_assert_str_eq(kernel_console,
                     "kernel: domain init ended: its last dispatcher capability was deleted\n"
                     "kernel: check: invariants hold, text intact\n");
    ck_assert(host_machine_exit_status(&status));
    ck_assert_uint_eq(status, 0xff);
}
END_TEST

/*
 * With no domain left to run (init stopped itself, and there is no other), the kernel says so
 * and halts the machine with a failure: nothing could wake a domain. The halt ends the process,
 * so a child process of the test takes that step; the test reads what it printed.
 */
START_TEST(with_no_domain_left_to_run_the_kernel_halts_the_machine)
{
    ck_assert(spawn(build_image(good_segments, GOOD_SEGMENTS, IMAGE_ENTRY)));
    int out[2];
    ck_assert_int_eq(pipe(out), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        setvbuf(stdout, NULL, _IONBF, 0);
        host_console_capture(NULL, 0);
        invoke_dispatcher_stop(INIT_DISPATCHER);
        exit(99); /* only if the kernel did not halt */
    }
    close(out[1]);
    char got[1024];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(got) - 1 && (r = read(out[0], got + n, sizeof(got) - 1 - n)) > 0) {
        n += (size_t)r;
    }
    got[n] = '\0';
    close(out[0]);
    int wstatus;
    ck_assert_int_eq(waitpid(child, &wstatus, 0), child);
    ck_assert_msg(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == EXIT_FAILURE,
                  "status 0x%x, output: %s", wstatus, got);
    ck_assert_str_eq(got, "kernel: no domain left to run\n"
                          "host: the kernel halted the machine after a failure\n");
}
END_TEST

Suite *spawn_suite(void)
{
    Suite *s = suite_create("boot memory and spawn");
    TCase *tc = tcase_create("boot memory");
    tcase_add_loop_test(tc, adding_keeps_the_whole_pages_inside, 0,
                        sizeof(add_cases) / sizeof(add_cases[0]));
    tcase_add_test(tc, adding_beyond_the_last_range_slot_is_ignored);
    tcase_add_loop_test(tc, reserving_cuts_the_hole_out_of_every_range, 0,
                        sizeof(reserve_cases) / sizeof(reserve_cases[0]));
    tcase_add_loop_test(tc, taking_returns_aligned_memory_and_keeps_the_gap, 0,
                        sizeof(take_cases) / sizeof(take_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("spawn");
    tcase_add_checked_fixture(tc, spawn_boot, fixture_shutdown);
    tcase_add_test(tc, init_runs_on_the_image_its_stack_and_its_memory);
    tcase_add_test(tc, init_is_handed_all_memory_spawn_did_not_use);
    tcase_add_loop_test(tc, images_that_are_not_for_this_machine_are_refused, 0,
                        sizeof(image_cases) / sizeof(image_cases[0]));
    tcase_add_test(tc, too_little_memory_is_refused_at_every_step);
    tcase_add_test(tc, an_image_needing_more_slots_than_pagecn_is_refused);
    tcase_add_test(tc, libcap_passes_over_a_one_page_region_for_ram);
    suite_add_tcase(s, tc);

    tc = tcase_create("init alone");
    tcase_add_checked_fixture(tc, spawn_boot, fixture_shutdown);
    tcase_add_test(tc, a_tick_with_init_alone_lets_it_run_on);
    tcase_add_test(tc, init_ends_the_machine_when_its_last_dispatcher_capability_goes);
    tcase_add_test(tc, with_no_domain_left_to_run_the_kernel_halts_the_machine);
    suite_add_tcase(s, tc);
    return s;
}
