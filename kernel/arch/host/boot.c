/* Boots the hosted machine: simulated memory, kernel state, the init domain and its trap. */
#include <bootmods.h>
#include <cspace.h>
#include <host_machine.h>
#include <kcheck.h>
#include <mdb.h>
#include <paging_arch.h>
#include <startup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>

#include "host_internal.h"

static struct dcb init_dcb;
static genpaddr_t free_ram_base;
static gensize_t free_ram_bytes;
static genpaddr_t device_base;
static genpaddr_t bootinfo_base;
static genpaddr_t loaded_root; /* what the simulated MMU would walk: set by load_root */
static bool kcheck_on;

static void boot_fail(const char *what, errval_t err)
{
    char text[256];
    err_format(err, text, sizeof(text));
    fprintf(stderr, "host boot: %s: %s\n", what, text);
    exit(EXIT_FAILURE);
}

uint64_t host_machine_default_seed(void)
{
    const char *env = getenv("HOST_SEED");
    return env != NULL ? strtoull(env, NULL, 0) : HOST_MACHINE_SEED_DEFAULT;
}

static gensize_t page_up(gensize_t bytes)
{
    return (bytes + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
}

/*
 * The boot information page, then each module from a page boundary, copied in from the host, at
 * the end of RAM (so that init's RAM starts right after its CSpace, aligned as before); returns
 * where they start.
 */
static genpaddr_t place_modules(const struct host_machine_config *config, genpaddr_t ram_start)
{
    gensize_t bytes = BASE_PAGE_BYTES;
    for (size_t i = 0; i < config->module_count; i++) {
        bytes += page_up(config->modules[i].size);
    }
    genpaddr_t end = config->phys_base + config->ram_bytes;
    if (bytes >= end - ram_start) {
        fprintf(stderr, "host boot: no room in RAM for the boot modules\n");
        exit(EXIT_FAILURE);
    }
    static struct boot_modules mods;
    mods = (struct boot_modules){.bootinfo = end - bytes};
    genpaddr_t next = mods.bootinfo + BASE_PAGE_BYTES;
    for (size_t i = 0; i < config->module_count; i++) {
        const struct host_boot_module *m = &config->modules[i];
        errval_t err = boot_modules_add(&mods, m->name, strlen(m->name), next, m->size);
        if (err_is_fail(err)) {
            boot_fail("adding a boot module", err);
        }
        memcpy(host_machine_phys_ptr(next), m->bytes, m->size);
        next += page_up(m->size);
    }
    startup_hand_modules(&init_dcb, &mods);
    bootinfo_base = mods.bootinfo;
    return mods.bootinfo;
}

void host_machine_boot(const struct host_machine_config *config)
{
    gensize_t kernel_bytes = INIT_CSPACE_BYTES + BASE_PAGE_BYTES; /* and the boot information */
    if (config->phys_base == 0 || config->phys_base % BASE_PAGE_BYTES != 0 ||
        config->ram_bytes % BASE_PAGE_BYTES != 0 || config->device_bytes % BASE_PAGE_BYTES != 0 ||
        config->ram_bytes <= kernel_bytes) {
        fprintf(stderr, "host boot: phys_base must be non-zero and page-aligned, sizes page "
                        "multiples, and RAM larger than the kernel's objects\n");
        exit(EXIT_FAILURE);
    }
    host_phys_mem_create(config->phys_base, config->ram_bytes + config->device_bytes);
    mdb_init(config->random_seed != 0 ? config->random_seed : host_machine_default_seed());
    host_maintenance_reset();
    host_platform_reset();

    init_dcb = (struct dcb){.is_init = true};
    loaded_root = 0;
    kcheck_on = !config->no_kcheck;
    sched_reset();
    startup_init_cspace(&init_dcb, config->phys_base);
    dispatcher_init_domain(&init_dcb, "init", NULL, 0, 0, 0);
    init_dcb.state = DISPATCHER_RUNNABLE;
    sched_make_runnable(&init_dcb);
    dcb_current = &init_dcb;
    sched_leave_kernel(); /* init is the current domain: nothing is pending */
    kcheck_boot(); /* as spawn does on hardware: DEBUG_CHECK_KERNEL and exit compare against it */

    free_ram_base = config->phys_base + INIT_CSPACE_BYTES;
    free_ram_bytes = place_modules(config, free_ram_base) - free_ram_base;
    device_base = config->phys_base + config->ram_bytes;
    errval_t err = startup_hand_memory(&init_dcb, ROOTCN_SLOT_SUPERCN, ObjType_RAM, free_ram_base,
                                       free_ram_bytes);
    if (err_is_fail(err)) {
        boot_fail("handing RAM to init", err);
    }
    if (config->device_bytes > 0) {
        err = startup_hand_memory(&init_dcb, ROOTCN_SLOT_PHYSADDRCN, ObjType_PhysAddr, device_base,
                                  config->device_bytes);
        if (err_is_fail(err)) {
            boot_fail("handing the device window to init", err);
        }
    }
}

errval_t host_machine_load_root(capaddr_t root)
{
    struct cte *cte;
    errval_t err = cspace_lookup_cap(&init_dcb.cspace.cap, root, &cte);
    if (err_is_fail(err)) {
        return err;
    }
    if (cte->cap.type != paging_root_type()) {
        return SYS_ERR_VM_MAP_WRONG_LEVEL;
    }
    if (!cte_is_empty(&init_dcb.vroot)) {
        caps_delete(&init_dcb.vroot); /* the previous root is no longer in use */
    }
    caps_hold(&init_dcb.vroot, cte);
    loaded_root = cte->cap.base;
    return SYS_ERR_OK;
}

void host_machine_shutdown(void)
{
    dcb_current = NULL;
    mdb_init(0);
    host_phys_mem_destroy();
}

/*
 * The invariant checker runs after every system call while at most 64
 * capabilities live (most tests of the kernel and libcap), then after every
 * (live / 8)-th call since the last check, so that its cost per call stays
 * bounded in the large libpmap tests. KCHECK_PERIOD=n forces every n-th call.
 */
static bool kcheck_due(void)
{
    static unsigned long calls;
    static long forced = -1;
    if (forced < 0) {
        const char *env = getenv("KCHECK_PERIOD");
        forced = env != NULL ? strtol(env, NULL, 10) : 0;
    }
    if (!kcheck_on) {
        return false;
    }
    size_t live = mdb_count();
    unsigned long period = forced > 0 ? (unsigned long)forced : live <= 64 ? 1 : live / 8;
    /* Counted since the last check, not "calls % period": while calls and live grow in step (a
       map of one page makes a fixed number of calls per new capability), the modulus either hits
       at every step of the period, a check every few maps and a cost that grows with the square
       of the test's size, or all but never, and a million-page test ran nearly unchecked. */
    if (++calls < period) {
        return false;
    }
    calls = 0;
    return true;
}

struct sysret host_syscall(const uintptr_t regs[SYSCALL_REGS])
{
    struct sysret ret = sys_syscall(dcb_current, regs);
    sched_leave_kernel(); /* the domain that runs next makes the next call */
    const struct cte *culprit;
    enum kcheck_invariant broken = kcheck_due() ? kcheck_state(dcb_current, &culprit) : KCHECK_OK;
    if (broken != KCHECK_OK) {
        fprintf(stderr, "host: kernel invariant %d broken after system call %lu (cmd %lu)%s%s\n",
                (int)broken, (unsigned long)regs[0], (unsigned long)regs[2],
                culprit != NULL ? " at a " : "",
                culprit != NULL ? objtype_name((enum objtype)culprit->cap.type) : "");
        abort();
    }
    return ret;
}

genpaddr_t host_loaded_root(void)
{
    return loaded_root;
}

void host_set_loaded_root(genpaddr_t root)
{
    loaded_root = root;
}

genpaddr_t host_machine_free_ram_base(void)
{
    return free_ram_base;
}

gensize_t host_machine_free_ram_bytes(void)
{
    return free_ram_bytes;
}

genpaddr_t host_machine_device_base(void)
{
    return device_base;
}

genpaddr_t host_machine_bootinfo_base(void)
{
    return bootinfo_base;
}
