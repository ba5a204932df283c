/* The hosted demo: boots the real kernel in this process and lets init look at its CSpace. */
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <stdio.h>
#include <stdlib.h>

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
    static const char *const names[ROOTCN_SLOTS_USER] = {"TASKCN", "SUPERCN", "PHYSADDRCN",
                                                         "SLOT_ALLOC0"};
    for (uint32_t l1 = 0; l1 < ROOTCN_SLOTS_USER; l1++) {
        char label[32];
        snprintf(label, sizeof(label), "L1[%u] %s", l1, names[l1]);
        print_cap("  ", capaddr_l1_slot(l1), label);
        for (cslot_t slot = 0; slot < L2_CNODE_SLOTS; slot++) {
            print_l2_slot(capaddr_make(l1, slot));
        }
    }
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
    host_machine_shutdown();
    printf("hostdemo: done\n");
    return 0;
}
