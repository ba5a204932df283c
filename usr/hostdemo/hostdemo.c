/* The hosted demo: boots the real kernel in this process; init uses its capabilities and a pmap. */
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <pmap/pmap.h>
#include <pmap/pmap_arch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints an invocation's outcome; stops the demo if it differs from what was expected. */
static void show(const char *what, errval_t err, enum err_code expected)
{
    char text[256];
    err_format(err, text, sizeof(text));
    printf("  %-40s -> %s\n", what, text);
    if (err_no(err) != expected) {
        printf("hostdemo: expected %s\n", err_getcode(expected));
        exit(EXIT_FAILURE);
    }
}

static void print_cap(const char *indent, capaddr_t addr, const char *label)
{
    struct cap_identity id;
    if (err_is_ok(invoke_cap_identify(addr, &id))) {
        printf("%s%-18s %-9s base 0x%09llx %10llu bytes  rights 0x%x\n", indent, label,
               objtype_name(id.type), (unsigned long long)id.base, (unsigned long long)id.bytes,
               id.rights);
    }
}

static void print_l2_slot(capaddr_t addr)
{
    char label[16];
    snprintf(label, sizeof(label), "[%u]", capaddr_l2_slot(addr));
    print_cap("    ", addr, label);
}

static void print_cspace(void)
{
    static const char *const names[ROOTCN_SLOTS_USER] = {"TASKCN",      "SUPERCN", "PHYSADDRCN",
                                                         "SLOT_ALLOC0", "PAGECN",  "MODULECN"};
    for (uint32_t l1 = 0; l1 < ROOTCN_SLOTS_USER; l1++) {
        char label[32];
        snprintf(label, sizeof(label), "L1[%u] %s", l1, names[l1]);
        print_cap("  ", capaddr_l1_slot(l1), label);
        for (cslot_t slot = 0; slot < L2_CNODE_SLOTS; slot++) {
            print_l2_slot(capaddr_make(l1, slot));
        }
    }
}

static void print_run(struct pmap *pmap, genvaddr_t vaddr)
{
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(pmap, vaddr, &info);
    if (err_is_fail(err)) {
        printf("  0x%09llx: %s\n", (unsigned long long)vaddr, err_getcode(err));
        return;
    }
    char flags[40];
    vregion_flags_format(info.flags, flags, sizeof(flags));
    printf("  0x%09llx: run 0x%09llx..0x%09llx, %4llu KiB pages, frame offset 0x%llx, %s\n",
           (unsigned long long)vaddr, (unsigned long long)info.vaddr,
           (unsigned long long)(info.vaddr + info.bytes), (unsigned long long)info.page_bytes >> 10,
           (unsigned long long)info.offset_bytes, flags);
}

/* The main job: a pmap over a fresh address space, frames mapped, written and read back. */
static void demo_pmap(void)
{
    static struct pmap pmap;
    struct capref root, frame, big;
    const gensize_t two_mib = (gensize_t)2 << 20;
    show("libcap_init", libcap_init(), SYS_ERR_OK);
    /* The root table's type is the page-table format's (x86-64: PML4; ARMv7: L1). */
    show("vnode_create(root table)", vnode_create(&root, pmap_arch_layout()->table_type[0]),
         SYS_ERR_OK);
    show("pmap_init", pmap_init(&pmap, root, NULL), SYS_ERR_OK);
    show("frame_alloc(64 KiB)", frame_alloc(&frame, 64 * 1024, NULL), SYS_ERR_OK);
    show("frame_alloc_aligned(2 MiB)", frame_alloc_aligned(&big, two_mib, two_mib), SYS_ERR_OK);
    show("pmap_map 0x10000000 (64 KiB, rw)",
         pmap_map(&pmap, 0x10000000, frame, 0, 64 * 1024, VREGION_FLAGS_READ_WRITE), SYS_ERR_OK);
    show("pmap_map 0x40000000 (2 MiB, large)",
         pmap_map(&pmap, 0x40000000, big, 0, two_mib, VREGION_FLAGS_READ | VREGION_FLAGS_LARGE),
         SYS_ERR_OK);
    show("pmap_map 0x10008000 again",
         pmap_map(&pmap, 0x10008000, frame, 0, 4096, VREGION_FLAGS_READ), LIB_ERR_PMAP_MAP);
    char *through_tables = host_mmu_translate(pmap.root_base, 0x10002000);
    strcpy(through_tables, "written through the page tables");
    printf("  read back at 0x10002000: \"%s\"\n",
           (char *)host_mmu_translate(pmap.root_base, 0x10002000));
    show("pmap_unmap 0x10004000 (one page in the middle)", pmap_unmap(&pmap, 0x10004000, 4096),
         SYS_ERR_OK);
    show("pmap_unmap 0x40100000 (one page in the large page)", pmap_unmap(&pmap, 0x40100000, 4096),
         SYS_ERR_OK);
    printf("the shadow tree answers lookups:\n");
    print_run(&pmap, 0x10000000);
    print_run(&pmap, 0x10004000);
    print_run(&pmap, 0x10005000);
    print_run(&pmap, 0x40000000);
    print_run(&pmap, 0x400ff000);
    print_run(&pmap, 0x40101000);
    struct pmap_stats stats;
    pmap_get_stats(&pmap, &stats);
    printf("  %zu tables, %zu runs, %zu metadata blocks mapped by the pmap for itself\n",
           stats.tables, stats.mappings, stats.meta_blocks);
    show("pmap_destroy", pmap_destroy(&pmap), SYS_ERR_OK);
}

int main(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    host_machine_boot(&config);
    printf("hosted kernel booted: %llu MiB of simulated RAM at 0x%llx\n",
           (unsigned long long)(config.ram_bytes >> 20), (unsigned long long)config.phys_base);
    printf("init's CSpace at boot:\n");
    print_cspace();

    capaddr_t ram = capaddr_make(ROOTCN_SLOT_SUPERCN, 0);
    capaddr_t alloc = capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0);
    capaddr_t frame0 = capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, 0);
    printf("init retypes frames out of its RAM, copies one and revokes the RAM:\n");
    show("retype RAM -> 4 x Frame (16 KiB)",
         invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Frame, 16384, 4, alloc, 0),
         SYS_ERR_OK);
    show("copy frame 0 to slot 4", invoke_cnode_copy(CAPADDR_ROOTCN, alloc, 4, frame0), SYS_ERR_OK);
    show("retype the same range again",
         invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Frame, 16384, 1, alloc, 8),
         SYS_ERR_RETYPE_OVERLAP);
    printf("init's slot allocator CNode now holds:\n");
    for (cslot_t slot = 0; slot < 8; slot++) {
        print_l2_slot(capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, slot));
    }
    show("revoke the RAM", invoke_cnode_revoke(CAPADDR_ROOTCN, ram), SYS_ERR_OK);
    show("identify frame 0", invoke_cap_identify(frame0, &(struct cap_identity){0}),
         SYS_ERR_CAP_NOT_FOUND);
    show("retype the same range again",
         invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Frame, 16384, 1, alloc, 8),
         SYS_ERR_OK);
    show("delete it again", invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_make(3, 8)), SYS_ERR_OK);
    demo_pmap();
    host_machine_shutdown();
    printf("hostdemo: done\n");
    return 0;
}
