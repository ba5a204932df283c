/*
 * Fuzz target invoke: bytes decoded into the words of system calls on a freshly booted hosted
 * kernel. Every answer must be one kernel error code of the table; a refused call, and any
 * identify or dump, must leave every capability, record and table entry as it was; the
 * kernel's invariant checker runs after each call (host_syscall) and at the end; and revoking
 * init's RAM must leave none of it derived, so that all of it can be retyped again.
 */
#include "fuzz.h"
#include "kstate.h"
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <libcap/syscalls.h>
#include <stdio.h>

#define MAX_CALLS 48
#define RAM_CAP capaddr_make(ROOTCN_SLOT_SUPERCN, 0)

static char console[16384];

/* Addresses worth naming: the boot CSpace, its edges, and the empty work CNode's slots. */
static capaddr_t decode_capaddr(struct fuzz_input *in)
{
    const capaddr_t named[] = {
        0,
        CAPADDR_ROOTCN,
        RAM_CAP,
        capaddr_make(ROOTCN_SLOT_PHYSADDRCN, 0),
        capaddr_l1_slot(ROOTCN_SLOT_TASKCN),
        capaddr_l1_slot(ROOTCN_SLOT_SUPERCN),
        capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0),
        capaddr_l1_slot(ROOTCN_SLOTS_USER),
        capaddr_make(ROOTCN_SLOTS_USER, 0),
        capaddr_make(INIT_ROOTCN_SLOTS - 1, 0),
        capaddr_make(INIT_ROOTCN_SLOTS, 0),
        CAPADDR_LEVEL1 | capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, 1),
    };
    const size_t count = sizeof(named) / sizeof(named[0]);
    uint8_t pick = fuzz_u8(in);
    if (pick < count) {
        return named[pick];
    }
    if (pick < 0xf0) { /* most often a slot of the work CNode, where new objects land */
        return capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, pick % 16);
    }
    return fuzz_u32(in);
}

/* One word of a call: a small number, an address, a type, a size, flags, an edge, or raw. */
static uintptr_t decode_word(struct fuzz_input *in)
{
    static const uint64_t edges[] = {
        UINT64_MAX,          UINT64_MAX - 4095, UINT64_C(1) << 63,
        UINT64_C(1) << 32,   UINT32_MAX,        BASE_PAGE_BYTES - 1,
        BASE_PAGE_BYTES + 1, UINT64_C(1) << 47, (UINT64_C(1) << 47) - 4096};
    switch (fuzz_u8(in) % 12) {
    case 0:
    case 1:
    case 2:
        return fuzz_u8(in);
    case 3:
        return decode_capaddr(in);
    case 4:
        return fuzz_below(in, ObjType_Num + 2);
    case 5:
        return (uintptr_t)1 << fuzz_below(in, 40);
    case 6:
        return (uintptr_t)fuzz_u16(in) * BASE_PAGE_BYTES;
    case 7:
        return fuzz_u16(in) & 0x1ff; /* flags and rights, VREGION_FLAGS_LARGE included */
    case 8:
        return (uintptr_t)fuzz_u8(in) * L2_CNODE_BYTES;
    case 9:
        return edges[fuzz_below(in, sizeof(edges) / sizeof(edges[0]))];
    default:
        return (uintptr_t)fuzz_u64(in);
    }
}

/* How many argument words each command reads; the rest stay zero. */
static unsigned words_of(uint64_t cmd)
{
    static const unsigned words[CMD_NUM] = {
        [CMD_CNODE_RETYPE] = 7,   [CMD_CNODE_COPY] = 3,         [CMD_CNODE_MINT] = 4,
        [CMD_CNODE_DELETE] = 1,   [CMD_CNODE_REVOKE] = 1,       [CMD_VNODE_MAP] = 5,
        [CMD_VNODE_UNMAP] = 3,    [CMD_FRAME_MODIFY_FLAGS] = 3, [CMD_FRAME_SPLIT_MAPPING] = 2,
        [CMD_VNODE_MAP_COPY] = 8, [CMD_CNODE_RECLAIM] = 1};
    return cmd < CMD_NUM ? words[cmd] : INVOKE_ARGS;
}

static void decode_call(struct fuzz_input *in, uintptr_t regs[SYSCALL_REGS])
{
    for (int i = 0; i < SYSCALL_REGS; i++) {
        regs[i] = 0;
    }
    uint8_t kind = fuzz_u8(in);
    if (kind < 0xe0) {
        regs[0] = SYSCALL_INVOKE;
        regs[1] = decode_capaddr(in);
        regs[2] = fuzz_below(in, CMD_NUM + 1);
        for (unsigned i = 0; i < words_of(regs[2]); i++) {
            regs[3 + i] = decode_word(in);
        }
    } else if (kind < 0xf0) {
        regs[0] = SYSCALL_DEBUG;
        regs[1] = decode_word(in);
    } else {
        regs[0] = decode_word(in);
        regs[1] = decode_word(in);
    }
}

static bool reads_only(const uintptr_t regs[SYSCALL_REGS])
{
    return regs[0] != SYSCALL_INVOKE || regs[2] == CMD_IDENTIFY || regs[2] == CMD_VNODE_DUMP ||
           regs[2] == CMD_IDENTIFY_MAPPING;
}

static void call(const uintptr_t regs[SYSCALL_REGS], int n)
{
    uint64_t before = kstate_digest();
    struct sysret ret = host_syscall(regs);
    char what[96];
    snprintf(what, sizeof(what), "call %d (%lu %#lx cmd %lu)", n, (unsigned long)regs[0],
             (unsigned long)regs[1], (unsigned long)regs[2]);
    kstate_check_answer(ret.error, before, reads_only(regs), what);
}

/* A free slot of SUPERCN, which holds init's RAM capability; 0 if none. */
static capaddr_t free_supercn_slot(void)
{
    for (cslot_t s = 1; s < L2_CNODE_SLOTS; s++) {
        struct cap_identity id;
        if (err_no(invoke_cap_identify(capaddr_make(ROOTCN_SLOT_SUPERCN, s), &id)) ==
            SYS_ERR_CAP_NOT_FOUND) {
            return capaddr_make(ROOTCN_SLOT_SUPERCN, s);
        }
    }
    return 0;
}

/* If init still holds its RAM capability whole: revoke it, then all of it must retype again. */
static void check_revoke_frees_ram(void)
{
    struct cap_identity id;
    if (err_is_fail(invoke_cap_identify(RAM_CAP, &id)) || id.type != ObjType_RAM ||
        id.base != host_machine_free_ram_base() || id.bytes != host_machine_free_ram_bytes() ||
        id.rights != CAPRIGHTS_ALLRIGHTS) {
        return;
    }
    errval_t err = invoke_cnode_revoke(CAPADDR_ROOTCN, RAM_CAP);
    if (err_no(err) == SYS_ERR_CNODE_NOT_WRITABLE || err_no(err) == SYS_ERR_CAP_NOT_FOUND) {
        return; /* the input took init's way of naming its CSpace */
    }
    fuzz_expect(err_is_ok(err), "revoking init's RAM: %s", err_getcode(err));
    capaddr_t probe = free_supercn_slot();
    if (probe != 0) {
        /* All but a page: the whole of it would be a copy (SYS_ERR_RETYPE_WOULD_COPY). */
        err =
            invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, 0, ObjType_RAM, id.bytes - BASE_PAGE_BYTES,
                                1, capaddr_l1_slot(ROOTCN_SLOT_SUPERCN), capaddr_l2_slot(probe));
        fuzz_expect(err_is_ok(err), "after revoke, retyping all RAM: %s", err_getcode(err));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = 16ull << 20;
    config.device_bytes = 64ull << 10;
    host_console_capture(console, sizeof(console));
    host_machine_boot(&config);
    struct fuzz_input in = fuzz_input_make(data, size);
    for (int n = 0; n < MAX_CALLS && fuzz_more(&in); n++) {
        uintptr_t regs[SYSCALL_REGS];
        decode_call(&in, regs);
        call(regs, n);
    }
    uintptr_t detail = 0;
    errval_t err = sys_debug_check_kernel(&detail);
    fuzz_expect(err_is_ok(err), "kernel check: %s (invariant %lu)", err_getcode(err),
                (unsigned long)detail);
    check_revoke_frees_ram();
    host_machine_shutdown();
    host_console_capture(NULL, 0);
    return 0;
}
