/* libspawn in a booted domain: the boot image's modules, a child loaded from one, freed again. */
#include "captest.h"
#include <bootinfo.h>
#include <domain_layout.h>
#include <elf.h>
#include <spawn/spawn.h>
#include <stdlib.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES
#define CHILD "spawnchild" /* tools/qemu-run names a module by its file: make test adds it */

static struct spawninfo si; /* large: the child's pmap with its bootstrap area */

static gensize_t page_up(gensize_t bytes)
{
    return (bytes + PAGE - 1) & ~(PAGE - 1);
}

/* Maps bytes of frame into the test's own address space; *ret is where. */
static errval_t map_own(struct capref frame, gensize_t offset, gensize_t bytes,
                        vregion_flags_t flags, genvaddr_t *ret)
{
    errval_t err = pmap_determine_addr(&self_pmap, page_up(bytes), PAGE, ret);
    return err_is_ok(err) ? pmap_map(&self_pmap, *ret, frame, offset, page_up(bytes), flags) : err;
}

/* ---- The module's ELF file as the test reads it, apart from libspawn --------------------- */

struct seg {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
};

#define SEGS_MAX 16
struct file {
    genvaddr_t at; /* where the module is mapped in the test's address space */
    gensize_t bytes;
    int count;
    struct seg seg[SEGS_MAX];
};

static const char *read_file(const struct spawn_module *m, struct file *f)
{
    f->bytes = m->bytes;
    FAIL_IF_ERR(map_own(m->frame, 0, m->bytes, VREGION_FLAGS_READ, &f->at));
    const uint8_t *b = (const uint8_t *)(uintptr_t)f->at;
    bool is64 = DOMAIN_ELF_CLASS == ELFCLASS64;
    struct elf64_ehdr e64;
    struct elf32_ehdr e32;
    memcpy(&e64, b, sizeof(e64));
    memcpy(&e32, b, sizeof(e32));
    uint64_t phoff = is64 ? e64.e_phoff : e32.e_phoff;
    int phnum = is64 ? e64.e_phnum : e32.e_phnum;
    f->count = 0;
    for (int i = 0; i < phnum && f->count < SEGS_MAX; i++) {
        struct seg *s = &f->seg[f->count];
        if (is64) {
            struct elf64_phdr ph;
            memcpy(&ph, b + phoff + (size_t)i * sizeof(ph), sizeof(ph));
            *s = (struct seg){ph.p_type,  ph.p_flags,  ph.p_offset,
                              ph.p_vaddr, ph.p_filesz, ph.p_memsz};
        } else {
            struct elf32_phdr ph;
            memcpy(&ph, b + phoff + (size_t)i * sizeof(ph), sizeof(ph));
            *s = (struct seg){ph.p_type,  ph.p_flags,  ph.p_offset,
                              ph.p_vaddr, ph.p_filesz, ph.p_memsz};
        }
        if (s->type == PT_LOAD && s->memsz > 0) {
            f->count++;
        }
    }
    FAIL_IF(f->count == 0);
    return NULL;
}

static const char *close_file(const struct file *f)
{
    FAIL_IF_ERR(pmap_unmap(&self_pmap, f->at, page_up(f->bytes)));
    return NULL;
}

static vregion_flags_t seg_flags(const struct seg *s)
{
    return VREGION_FLAGS_READ | ((s->flags & PF_W) ? VREGION_FLAGS_WRITE : 0) |
           ((s->flags & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
}

/* ---- CT801: the boot information and the module frames ----------------------------------- */

static const char *module_is_read_only_and_apart_from_ram(cslot_t slot, gensize_t bytes,
                                                          bool is_elf)
{
    struct capref frame = {.cnode = cnode_at_l1(ROOTCN_SLOT_MODULECN), .slot = slot};
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(frame, &id));
    FAIL_IF(id.type != ObjType_Frame || id.rights != CAPRIGHTS_READ || id.bytes != page_up(bytes));
    for (cslot_t r = 0;; r++) {
        struct cap_identity ram;
        if (err_is_fail(cap_identify(cap_ram_boot(r), &ram))) {
            break;
        }
        FAIL_IF(id.base < ram.base + ram.bytes && ram.base < id.base + id.bytes);
    }
    genvaddr_t at;
    FAIL_IF_ERR(map_own(frame, 0, bytes, VREGION_FLAGS_READ, &at));
    bool elf = memcmp((const void *)(uintptr_t)at,
                      "\x7f"
                      "ELF",
                      4) == 0;
    FAIL_IF_ERR(pmap_unmap(&self_pmap, at, page_up(bytes)));
    FAIL_IF(elf != is_elf);
    errval_t err = map_own(frame, 0, bytes, VREGION_FLAGS_READ_WRITE, &at);
    FAIL_IF(!err_has(err, SYS_ERR_VM_RIGHTS_EXCEED));
    return NULL;
}

static const char *boot_information_names_each_module(void)
{
    struct capref bi = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_BOOTINFO};
    struct cap_identity id;
    FAIL_IF_ERR(cap_identify(bi, &id));
    FAIL_IF(id.type != ObjType_Frame || id.rights != CAPRIGHTS_READ || id.bytes != PAGE);
    genvaddr_t at;
    FAIL_IF_ERR(map_own(bi, 0, PAGE, VREGION_FLAGS_READ, &at));
    static struct bootinfo info;
    memcpy(&info, (const void *)(uintptr_t)at, sizeof(info));
    FAIL_IF_ERR(pmap_unmap(&self_pmap, at, PAGE));
    FAIL_IF(info.magic != BOOTINFO_MAGIC || info.module_count < 2 ||
            info.module_count > BOOTINFO_MODULES_MAX);
    FAIL_IF(strcmp(info.modules[0].name, "init") != 0);
    bool child = false;
    for (uint32_t i = 0; i < info.module_count; i++) {
        child = child || strcmp(info.modules[i].name, CHILD) == 0;
        /* Every module is a domain's ELF file but "tests", the TESTS selection (libtest). */
        bool is_elf = strcmp(info.modules[i].name, "tests") != 0;
        RUN(module_is_read_only_and_apart_from_ram((cslot_t)i, info.modules[i].bytes, is_elf));
    }
    FAIL_IF(!child);
    struct capref after = {.cnode = cnode_at_l1(ROOTCN_SLOT_MODULECN),
                           .slot = (cslot_t)info.module_count};
    FAIL_IF(err_is_ok(cap_identify(after, &id)));
    return NULL;
}

/* ---- CT802: the child's segments and stack ----------------------------------------------- */

/* The page at va of the child holds what the file says, at the segment's rights. */
static const char *child_page_holds(genvaddr_t va, const struct file *f, const struct seg *s)
{
    struct pmap_mapping_info info;
    FAIL_IF_ERR(pmap_lookup(&si.vspace, va, &info));
    FAIL_IF(info.flags != (s != NULL ? seg_flags(s) : VREGION_FLAGS_READ_WRITE));
    FAIL_IF(info.page_bytes != PAGE);
    genvaddr_t at;
    FAIL_IF_ERR(
        map_own(info.frame, info.offset_bytes + (va - info.vaddr), PAGE, VREGION_FLAGS_READ, &at));
    const uint8_t *page = (const uint8_t *)(uintptr_t)at;
    const uint8_t *file = (const uint8_t *)(uintptr_t)f->at;
    const char *reason = NULL;
    for (gensize_t i = 0; i < PAGE && reason == NULL; i++) {
        genvaddr_t a = va + i;
        bool in_file = s != NULL && a >= s->vaddr && a < s->vaddr + s->filesz;
        uint8_t want = in_file ? file[s->offset + (a - s->vaddr)] : 0;
        if (page[i] != want) {
            reason = captest_reason("a byte differs from the file", __FILE__, __LINE__, SYS_ERR_OK);
        }
    }
    FAIL_IF_ERR(pmap_unmap(&self_pmap, at, PAGE));
    return reason;
}

static const char *load_child(struct file *f)
{
    struct spawn_module m;
    FAIL_IF_ERR(spawn_find_module(&self_pmap, CHILD, &m));
    RUN(read_file(&m, f));
    FAIL_IF_ERR(spawn_load(&si, &self_pmap, CHILD, NULL));
    return NULL;
}

static const char *child_holds_the_files_bytes_at_each_segments_rights(void)
{
    static struct file f;
    RUN(load_child(&f));
    for (int i = 0; i < f.count; i++) {
        const struct seg *s = &f.seg[i];
        for (genvaddr_t va = s->vaddr & ~(PAGE - 1); va < s->vaddr + s->memsz; va += PAGE) {
            RUN(child_page_holds(va, &f, s));
        }
    }
    for (genvaddr_t va = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES; va < DOMAIN_STACK_TOP; va += PAGE) {
        RUN(child_page_holds(va, &f, NULL));
    }
    struct pmap_mapping_info info;
    EXPECT_ERR(pmap_lookup(&si.vspace, DOMAIN_IMAGE_BASE - PAGE, &info), LIB_ERR_PMAP_NOT_MAPPED);
    EXPECT_ERR(pmap_lookup(&si.vspace, DOMAIN_STACK_TOP, &info), LIB_ERR_PMAP_NOT_MAPPED);
    FAIL_IF(si.entry == 0 || si.stack_top != DOMAIN_STACK_TOP);
    /* The test runs its own image at the same address, from frames of its own. */
    struct debug_translation t;
    struct cap_identity child_frame;
    FAIL_IF_ERR(pmap_lookup(&si.vspace, DOMAIN_IMAGE_BASE, &info));
    FAIL_IF_ERR(cap_identify(info.frame, &child_frame));
    FAIL_IF_ERR(sys_debug_translate(DOMAIN_IMAGE_BASE, &t));
    FAIL_IF(!t.present || t.paddr == child_frame.base + info.offset_bytes);
    RUN(close_file(&f));
    FAIL_IF_ERR(spawn_free(&si));
    return NULL;
}

/* ---- CT803: the child's CSpace ---------------------------------------------------------- */

struct expected {
    enum objtype type[L2_CNODE_SLOTS];
    int count;
    genvaddr_t made[64]; /* tables made so far: level and index */
    int made_count;
};

/* A piece in one leaf table: the tables the walk makes first, then its frame (kernel order). */
static void expect_piece(struct expected *e, genvaddr_t va)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 1; level < l->levels; level++) {
        genvaddr_t key = (va / l->span_bytes[level - 1]) * PMAP_MAX_LEVELS + (genvaddr_t)level;
        bool seen = false;
        for (int i = 0; i < e->made_count; i++) {
            seen = seen || e->made[i] == key;
        }
        if (!seen && e->made_count < 64) {
            e->made[e->made_count++] = key;
            e->type[e->count++] = l->table_type[level];
        }
    }
    e->type[e->count++] = ObjType_Frame;
}

static void expect_range(struct expected *e, genvaddr_t start, genvaddr_t end)
{
    const struct pmap_layout *l = pmap_arch_layout();
    gensize_t span = l->span_bytes[l->levels - 2];
    for (genvaddr_t va = start & ~(PAGE - 1); va < end; va = (va / span + 1) * span) {
        expect_piece(e, va);
    }
}

static const char *pagecn_is_in_the_kernels_order(const struct file *f)
{
    static struct expected e;
    e.count = 0;
    e.made_count = 0;
    e.type[e.count++] = pmap_arch_layout()->table_type[0];
    for (int i = 0; i < f->count; i++) {
        expect_range(&e, f->seg[i].vaddr, f->seg[i].vaddr + f->seg[i].memsz);
    }
    expect_range(&e, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES, DOMAIN_STACK_TOP);
    expect_range(&e, DOMAIN_DISPATCHER_FRAME_VADDR,
                 DOMAIN_DISPATCHER_FRAME_VADDR + DISPATCHER_FRAME_BYTES);
    size_t frame = 0;
    for (int i = 0; i < e.count; i++) {
        struct cap_identity id;
        FAIL_IF_ERR(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, (cslot_t)i), &id));
        FAIL_IF(id.type != e.type[i]);
        if (id.type == ObjType_Frame) {
            struct cap_identity original;
            FAIL_IF(frame == si.frame_count);
            FAIL_IF_ERR(cap_identify(si.frames[frame++], &original));
            FAIL_IF(id.base != original.base || id.bytes != original.bytes);
        }
    }
    FAIL_IF(frame != si.frame_count);
    struct cap_identity id;
    FAIL_IF(
        err_is_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_PAGECN, (cslot_t)e.count), &id)));
    return NULL;
}

static const char *child_cspace_has_inits_layout(void)
{
    static struct file f;
    RUN(load_child(&f));
    struct cap_identity root, id;
    FAIL_IF_ERR(cap_identify(si.rootcn, &root));
    FAIL_IF(root.type != ObjType_L1CNode ||
            root.bytes != (gensize_t)SPAWN_ROOTCN_SLOTS_DEFAULT * CTE_BYTES);
    FAIL_IF_ERR(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN), &id));
    FAIL_IF(id.type != ObjType_L1CNode || id.base != root.base);
    FAIL_IF_ERR(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SUPERCN, 0), &id));
    FAIL_IF(id.type != ObjType_RAM || id.bytes != SPAWN_RAM_BYTES_DEFAULT);
    FAIL_IF(err_is_ok(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SLOT_ALLOC0, 0), &id)));
    RUN(pagecn_is_in_the_kernels_order(&f));
    /* The child reaches all of it through its own root, as it will when it runs. */
    capaddr_t child_root = get_cap_addr(si.rootcn);
    FAIL_IF_ERR(invoke_cnode_copy(child_root, capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 0,
                                  capaddr_make(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT)));
    FAIL_IF_ERR(cap_identify(spawn_child_slot(&si, ROOTCN_SLOT_SLOT_ALLOC0, 0), &id));
    FAIL_IF(id.type != pmap_arch_layout()->table_type[0]);
    EXPECT_ERR(invoke_cnode_copy(child_root, capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 1,
                                 capaddr_make(ROOTCN_SLOT_MODULECN, 0)),
               SYS_ERR_L1_SLOT_EMPTY);
    RUN(close_file(&f));
    FAIL_IF_ERR(spawn_free(&si));
    return NULL;
}

/* ---- CT804, CT805: everything back ------------------------------------------------------ */

struct counts {
    gensize_t ram_free;
    size_t ram_ranges, slots, l1_lent, shared_pages, tables, mappings;
    size_t heap_in_use, heap_grown;
};

static void take(struct counts *c)
{
    struct pmap_stats st;
    pmap_get_stats(&self_pmap, &st);
    struct heap_stats hs;
    heap_get_stats(&hs);
    *c = (struct counts){ram_free_bytes(),     ram_free_ranges(),    slot_alloc_used(),
                         slot_alloc_l1_lent(), vnode_shared_pages(), st.tables,
                         st.mappings,          hs.bytes_in_use,      hs.bytes_from_morecore};
}

static const char *counts_equal(const struct counts *a, const struct counts *b)
{
    FAIL_IF(a->ram_free != b->ram_free);
    FAIL_IF(a->ram_ranges != b->ram_ranges);
    FAIL_IF(a->slots != b->slots);
    FAIL_IF(a->l1_lent != b->l1_lent);
    FAIL_IF(a->shared_pages != b->shared_pages);
    FAIL_IF(a->tables != b->tables);
    FAIL_IF(a->mappings != b->mappings);
    FAIL_IF(a->heap_in_use != b->heap_in_use);
    FAIL_IF(a->heap_grown != b->heap_grown);
    return NULL;
}

/*
 * The first spawn grows the test's heap and its pmap's metadata, which they keep (doc/pmap.md):
 * the counts to return to are those after one spawn and free.
 */
static const char *warm_up(struct counts *c)
{
    FAIL_IF_ERR(spawn_load(&si, &self_pmap, CHILD, NULL));
    FAIL_IF_ERR(spawn_free(&si));
    take(c);
    return NULL;
}

static const char *spawn_free_gives_everything_back_ten_times(void)
{
    struct counts before, after;
    RUN(warm_up(&before));
    for (int round = 0; round < 10; round++) {
        FAIL_IF_ERR(spawn_load(&si, &self_pmap, CHILD, NULL));
        /* What the child makes of its RAM goes with it: frames, as it would retype them. */
        FAIL_IF_ERR(invoke_cnode_retype(get_cap_addr(si.rootcn),
                                        capaddr_make(ROOTCN_SLOT_SUPERCN, 0), 0, ObjType_Frame,
                                        PAGE, 8, capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 0));
        FAIL_IF_ERR(spawn_free(&si));
        take(&after);
        RUN(counts_equal(&before, &after));
    }
    return NULL;
}

static const char *failed_spawns_name_their_cause_and_leave_nothing(void)
{
    struct counts before, after;
    RUN(warm_up(&before));
    errval_t err = spawn_load(&si, &self_pmap, "no-such-module", NULL);
    FAIL_IF(err_no(err) != LIB_ERR_SPAWN_LOAD ||
            err_no(err_pop(err)) != LIB_ERR_SPAWN_MODULE_NOT_FOUND);
    struct spawn_options too_much = {.ram_bytes = (gensize_t)1 << 40};
    err = spawn_load(&si, &self_pmap, CHILD, &too_much);
    FAIL_IF(err_no(err) != LIB_ERR_SPAWN_LOAD || err_no(err_pop(err)) != LIB_ERR_SPAWN_CSPACE ||
            !err_has(err, LIB_ERR_RAM_ALLOC));
    take(&after);
    RUN(counts_equal(&before, &after));
    EXPECT_ERR(spawn_start(&si, NULL_CAP), LIB_ERR_SPAWN_NOT_LOADED); /* after a failed load */
    return NULL;
}

const struct booted_test captest_spawn[] = {
    {"CT801",
     "the boot information names init and the child, each a read-only frame apart from RAM",
     boot_information_names_each_module},
    {"CT802", "a child loaded with libspawn holds its file's bytes at each segment's rights",
     child_holds_the_files_bytes_at_each_segments_rights},
    {"CT803", "the child's CSpace has init's layout, PAGECN in the kernel's order",
     child_cspace_has_inits_layout},
    {"CT804", "spawn_free gives back RAM, slots, tables and heap, ten spawns in a row",
     spawn_free_gives_everything_back_ten_times},
    {"CT805", "failed spawns name their cause and leave nothing; nothing to start after one",
     failed_spawns_name_their_cause_and_leave_nothing},
    {NULL, NULL, NULL},
};
