/* AT114: a seeded storm of random invocations on a scratch CNode; the kernel stays whole
 * throughout. */
#include "attack.h"
#include <stdio.h>

#ifndef ATTACK_STORM_SEED
#define ATTACK_STORM_SEED 0x5eed2024
#endif

#define STORM_INVOCATIONS 20000
#define STORM_CHECK_EVERY 1000
#define STORM_HOT_SLOTS 32 /* most addresses name one of these scratch slots */
#define STORM_RAM_CAPS 4   /* scratch slots 0..3 start as RAM the storm owns */
#define STORM_RAM_BYTES (64 * 1024)
#define STORM_L1 (INIT_ROOTCN_SLOTS - 2) /* the scratch CNode; the L1 slot above stays empty */

static uint64_t rng_state = ATTACK_STORM_SEED;
static unsigned long accepted, raw_calls;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A value at an edge (sizes, offsets, slots, flags, all-ones), small, or anything. */
static uintptr_t edge_value(void)
{
    static const uint64_t edges[] = {0,
                                     1,
                                     2,
                                     3,
                                     4,
                                     7,
                                     8,
                                     0xff,
                                     0x100,
                                     0x1ff,
                                     0x200,
                                     0x3ff,
                                     0x400,
                                     0x7ff,
                                     0x800,
                                     0xfff,
                                     0x1000,
                                     0x2000,
                                     0x4000,
                                     0x8000,
                                     0x10000,
                                     0x100000,
                                     0x200000,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     UINT64_C(1) << 40,
                                     ~UINT64_C(0),
                                     ~UINT64_C(0) - 0xfff,
                                     UINT64_C(1) << 63};
    switch (rng() % 4) {
    case 0:
        return (uintptr_t)rng();
    case 1:
        return (uintptr_t)(rng() % 16);
    default:
        return (uintptr_t)edges[rng() % (sizeof(edges) / sizeof(edges[0]))];
    }
}

static capaddr_t scratch_slot(void)
{
    return capaddr_make(STORM_L1, (cslot_t)(rng() % STORM_HOT_SLOTS));
}

/* Mostly scratch slots, sometimes the scratch CNode itself, garbage or an empty L1 slot. */
static uintptr_t random_address(void)
{
    switch (rng() % 16) {
    case 12:
        return capaddr_l1_slot(STORM_L1);
    case 13:
        return capaddr_make(STORM_L1, (cslot_t)rng());
    case 14:
        return edge_value();
    case 15:
        return capaddr_make(STORM_L1 + 1, (cslot_t)rng()) | (rng() % 2 ? CAPADDR_LEVEL1 : 0);
    default:
        return scratch_slot();
    }
}

/*
 * Keeps the storm off everything but the scratch CNode: an address whose
 * low word reaches an L1 slot below STORM_L1 (TASKCN with the root's copy,
 * SUPERCN, PAGECN, the slot allocator's CNodes) becomes a scratch slot, and
 * so does the scratch CNode's own L1 slot when it would be destroyed.
 */
static uintptr_t fence(uintptr_t address, bool destroying)
{
    capaddr_t low = (capaddr_t)address;
    uint32_t l1 = capaddr_l1_index(low);
    if (l1 < STORM_L1 || (destroying && l1 == STORM_L1 && (low & CAPADDR_LEVEL1))) {
        return scratch_slot();
    }
    return address;
}

/* Which argument words of each command are capability addresses (-1: none). */
static const int8_t address_args[CMD_NUM][2] = {
    [CMD_IDENTIFY] = {-1, -1},         [CMD_CNODE_RETYPE] = {0, 5},
    [CMD_CNODE_COPY] = {0, 2},         [CMD_CNODE_MINT] = {0, 2},
    [CMD_CNODE_DELETE] = {0, -1},      [CMD_CNODE_REVOKE] = {0, -1},
    [CMD_VNODE_MAP] = {1, -1},         [CMD_VNODE_UNMAP] = {0, -1},
    [CMD_VNODE_DUMP] = {-1, -1},       [CMD_FRAME_MODIFY_FLAGS] = {-1, -1},
    [CMD_IDENTIFY_MAPPING] = {-1, -1}, [CMD_FRAME_SPLIT_MAPPING] = {1, -1},
    [CMD_VNODE_MAP_COPY] = {1, 6},     [CMD_CNODE_RECLAIM] = {0, -1},
};

/* Arguments a command could accept, so that the storm also gets past the first checks. */
static void plausible_args(unsigned cmd, uintptr_t args[INVOKE_ARGS])
{
    uintptr_t slot = STORM_HOT_SLOTS / 2 + rng() % (STORM_HOT_SLOTS / 2); /* mostly empty */
    uintptr_t stocked = capaddr_make(STORM_L1, (cslot_t)(rng() % (STORM_HOT_SLOTS / 2)));
    uintptr_t pages = 1 + rng() % 4;
    uintptr_t flags = rng() % 16;
    switch (cmd) {
    case CMD_CNODE_RETYPE:
        args[0] = stocked;
        args[1] = (rng() % 8) * BASE_PAGE_BYTES;
        args[2] = rng() % 2 ? ObjType_Frame : rng() % ObjType_Num;
        args[3] = rng() % 4 ? BASE_PAGE_BYTES << (rng() % 4) : L2_CNODE_BYTES;
        args[4] = pages;
        args[5] = CAPADDR_ROOTCN;
        args[6] = capaddr_l1_slot(STORM_L1);
        args[7] = slot;
        break;
    case CMD_CNODE_COPY:
    case CMD_CNODE_MINT:
        args[0] = capaddr_l1_slot(STORM_L1);
        args[1] = slot;
        args[2] = stocked;
        args[3] = flags;
        break;
    case CMD_VNODE_MAP:
    case CMD_VNODE_MAP_COPY:
        args[0] = rng() % 512;
        args[1] = stocked;
        args[2] = flags;
        args[3] = (rng() % 4) * BASE_PAGE_BYTES;
        args[4] = pages;
        args[5] = capaddr_l1_slot(STORM_L1);
        args[6] = slot;
        break;
    case CMD_VNODE_UNMAP:
        args[0] = scratch_slot();
        args[1] = rng() % 512;
        args[2] = pages;
        break;
    case CMD_FRAME_SPLIT_MAPPING:
        args[0] = pages;
        args[1] = scratch_slot();
        break;
    default: /* delete and revoke take a scratch slot; modify_flags a page range and flags */
        args[0] = cmd == CMD_FRAME_MODIFY_FLAGS ? rng() % 4 : scratch_slot();
        args[1] = pages;
        args[2] = flags;
        break;
    }
}

static void one_invocation(void)
{
    unsigned cmd = (unsigned)(rng() % (CMD_NUM + 2));
    cmd = cmd == CMD_VNODE_DUMP ? CMD_IDENTIFY : cmd; /* no console floods */
    bool cnode_cmd =
        (cmd >= CMD_CNODE_RETYPE && cmd <= CMD_CNODE_REVOKE) || cmd == CMD_CNODE_RECLAIM;
    uintptr_t invoked =
        cnode_cmd && rng() % 4 != 0 ? CAPADDR_ROOTCN : fence(random_address(), false);
    uintptr_t args[INVOKE_ARGS];
    for (int i = 0; i < INVOKE_ARGS; i++) {
        args[i] = rng() % 2 ? edge_value() : random_address();
    }
    if (rng() % 2 == 0) {
        plausible_args(cmd, args);
    }
    for (int k = 0; cmd < CMD_NUM && k < 2; k++) {
        int a = address_args[cmd][k];
        if (a >= 0) {
            bool destroying =
                cmd == CMD_CNODE_DELETE || cmd == CMD_CNODE_REVOKE || cmd == CMD_CNODE_RECLAIM;
            args[a] = fence(args[a], destroying);
        }
    }
    struct sysret r = syscall_invoke((capaddr_t)invoked, (enum invocation_cmd)cmd, args);
    accepted += err_is_ok(r.error);
}

/*
 * A raw system call other than an invocation: an unknown number, or SYSCALL_DEBUG with any
 * command and arguments (DEBUG_TRANSLATE of edge and kernel-half addresses above all). PUTCHAR,
 * EXIT and WAIT are left out (a flood, the end, a wait for a message nobody sends); YIELD is
 * harmless alone. NULL, or the refusal that was not the named one.
 */
static const char *one_raw_syscall(void)
{
    static const uintptr_t unknown[] = {0, 0x40, 0xff, ~(uintptr_t)0};
    uintptr_t regs[SYSCALL_REGS];
    for (int i = 0; i < SYSCALL_REGS; i++) {
        regs[i] = rng() % 2 ? edge_value() : random_address();
    }
    bool debug = rng() % 4 != 0;
    regs[0] = debug ? SYSCALL_DEBUG : unknown[rng() % 4];
    if (debug && rng() % 4 != 0) {
        regs[1] = rng() % 2 ? DEBUG_TRANSLATE : rng() % (DEBUG_TRANSLATE + 2);
    }
    struct sysret r = syscall_raw(regs);
    errval_t want = !debug ? SYS_ERR_ILLEGAL_SYSCALL
                    : regs[1] != DEBUG_CHECK_KERNEL && regs[1] != DEBUG_TRANSLATE
                        ? SYS_ERR_ILLEGAL_DEBUG_CMD
                        : r.error;
    if (r.error != want) {
        printf("storm: syscall 0x%lx (0x%lx, 0x%lx) returned %s, not %s\n", (unsigned long)regs[0],
               (unsigned long)regs[1], (unsigned long)regs[2], err_getstring(r.error),
               err_getstring(want));
        return "an unknown system call or debug command was not refused by name";
    }
    raw_calls++;
    return NULL;
}

/* Retypes count objects from scratch slot src at offset into scratch slot dest on. */
static errval_t scratch_retype(cslot_t src, gensize_t offset, enum objtype type, gensize_t bytes,
                               size_t count, cslot_t dest)
{
    return invoke_cnode_retype(CAPADDR_ROOTCN, capaddr_make(STORM_L1, src), offset, type, bytes,
                               count, capaddr_l1_slot(STORM_L1), dest);
}

/*
 * The scratch CNode in L1 slot STORM_L1: RAM of the storm's own in slots
 * 0..3, then frames, one table of each level, a copy and a read-only copy
 * made from the last RAM, so that the storm finds every kind of object.
 */
static const char *stock_scratch_cnode(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    struct ram_piece piece;
    ATTACK_OK(ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece));
    ATTACK_OK(invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(piece.src), piece.offset,
                                  ObjType_L2CNode, L2_CNODE_BYTES, 1, CAPADDR_ROOTCN, STORM_L1));
    for (cslot_t slot = 0; slot < STORM_RAM_CAPS; slot++) {
        ATTACK_OK(ram_reserve(STORM_RAM_BYTES, STORM_RAM_BYTES, &piece));
        ATTACK_OK(invoke_cnode_retype(CAPADDR_ROOTCN, get_cap_addr(piece.src), piece.offset,
                                      ObjType_RAM, STORM_RAM_BYTES, 1, capaddr_l1_slot(STORM_L1),
                                      slot));
    }
    cslot_t last = STORM_RAM_CAPS - 1;
    ATTACK_OK(scratch_retype(last, 0, ObjType_Frame, BASE_PAGE_BYTES, 4, 4));
    gensize_t offset = 16384; /* past the frames; 16 KiB-aligned for an ARMv7 L1 */
    for (int level = 0; level < l->levels; level++) {
        enum objtype type = l->table_type[level];
        gensize_t bytes = objtype_info[type].fixed_bytes;
        ATTACK_OK(scratch_retype(last, offset, type, bytes, 1, (cslot_t)(8 + level)));
        offset += bytes > 8192 ? bytes : 8192;
    }
    capaddr_t cn = capaddr_l1_slot(STORM_L1);
    ATTACK_OK(invoke_cnode_copy(CAPADDR_ROOTCN, cn, 12, capaddr_make(STORM_L1, 4)));
    ATTACK_OK(invoke_cnode_mint(CAPADDR_ROOTCN, cn, 13, capaddr_make(STORM_L1, 5), CAPRIGHTS_READ));
    return NULL;
}

/* After the storm the domain still maps, writes and reads a fresh page. */
static const char *still_runs(void)
{
    struct capref frame;
    genvaddr_t va;
    ATTACK_STEP(attack_cspace_works());
    ATTACK_OK(frame_alloc(&frame, BASE_PAGE_BYTES, NULL));
    ATTACK_OK(pmap_determine_addr(&attack_pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &va));
    ATTACK_OK(pmap_map(&attack_pmap, va, frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ_WRITE));
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)va;
    *word = 0x5707e;
    ATTACK_FAIL_IF(*word != 0x5707e);
    ATTACK_OK(pmap_unmap(&attack_pmap, va, BASE_PAGE_BYTES));
    ATTACK_OK(frame_free(frame));
    return NULL;
}

static const char *a_storm_of_random_invocations(void)
{
    printf("storm: seed 0x%llx, %d invocations\n", (unsigned long long)ATTACK_STORM_SEED,
           STORM_INVOCATIONS);
    ATTACK_STEP(stock_scratch_cnode());
    for (int i = 1; i <= STORM_INVOCATIONS; i++) {
        if (rng() % 16 == 0) {
            ATTACK_STEP(one_raw_syscall());
        } else {
            one_invocation();
        }
        if (i % STORM_CHECK_EVERY == 0) {
            const char *why = attack_kernel_check();
            if (why != NULL) {
                printf("storm: kernel check failed after invocation %d\n", i);
                return why;
            }
        }
    }
    printf("storm: %lu of %d invocations accepted, %lu raw system calls among them\n", accepted,
           STORM_INVOCATIONS, raw_calls);
    return still_runs();
}

int main(void)
{
    static const struct attack only = {
        "AT114",
        "a seeded storm of random invocations leaves the kernel whole and the domain running",
        a_storm_of_random_invocations};
    return attack_main(&only);
}
