/*
 * Fuzz target paging: a stream of table and frame creations, copies, maps, unmaps,
 * modify_flags, deletes and revokes through the invocations, on a hosted machine of the
 * format built (host-x86_64 or host-armv7). Refusals change nothing; accepted changes are
 * checked with the test walker (usr/tests/host/walker_*.c): a map translates to its frame
 * with exactly its flags, an unmap leaves nothing and was flushed, a modify changes exactly
 * its pages and was flushed, ARMv7 entries written were cleaned; every recorded mapping below
 * the root translates as recorded after every step; the kernel's checker runs after each call.
 */
#include "fuzz.h"
#include "kstate.h"
#include "paging_oracle.h"
#include <cspace.h>
#include <dispatch.h>
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <mdb.h>
#include <stdio.h>

#define POOL 48 /* slots of the work CNode the input plays with; the root table is slot 0 */
#define MAX_OPS 64
#define WORK_CNODE capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0)
#define WORK(s) capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, (s))
#define RAM_CAP capaddr_make(ROOTCN_SLOT_SUPERCN, 0)

static char console[16384];
static gensize_t ram_next; /* where the next object is carved from init's RAM */

static const struct pmap_layout *fmt(void)
{
    return pmap_arch_layout();
}

/* The kernel's own entry for a work slot: the truth the harness reads, NULL when empty. */
static const struct cte *slot_cte(cslot_t s)
{
    struct cte *c;
    return err_is_ok(cspace_lookup_cap(&dcb_current->cspace.cap, WORK(s), &c)) ? c : NULL;
}

/* A slot the input points at, going on to the next one that fits; POOL if none does. */
static cslot_t pick(struct fuzz_input *in, bool (*fits)(const struct cte *c))
{
    cslot_t start = (cslot_t)fuzz_below(in, POOL);
    for (cslot_t i = 0; i < POOL; i++) {
        cslot_t s = (start + i) % POOL;
        if (fits(slot_cte(s))) {
            return s;
        }
    }
    return POOL;
}

static bool is_empty(const struct cte *c)
{
    return c == NULL;
}

static bool is_any(const struct cte *c)
{
    return c != NULL;
}

static bool is_table(const struct cte *c)
{
    return c != NULL && objtype_is_vnode(c->cap.type);
}

static bool is_mapped(const struct cte *c)
{
    return c != NULL && c->mapping.pte_count != 0;
}

/* Every call goes through here: checked answer, unchanged state when refused. */
static uint64_t before;
static void start_call(void)
{
    before = kstate_digest();
    host_maintenance_reset();
}

static void end_call(errval_t err, const char *what)
{
    kstate_check_answer(err, before, false, what);
}

/* A new object carved from init's RAM, aligned as its type or size needs. */
static void op_create(struct fuzz_input *in)
{
    cslot_t s = pick(in, is_empty);
    enum objtype type;
    gensize_t bytes, align;
    if (fuzz_u8(in) & 1) {
        type = fmt()->table_type[fuzz_below(in, (uint64_t)fmt()->levels)];
        bytes = objtype_info[type].fixed_bytes;
        align = objtype_info[type].align_bytes;
    } else {
        /* Large pages one time in eight: the kernel zeroes each new frame, and that is slow. */
        const gensize_t sizes[] = {BASE_PAGE_BYTES,      BASE_PAGE_BYTES,
                                   BASE_PAGE_BYTES,      4 * BASE_PAGE_BYTES,
                                   4 * BASE_PAGE_BYTES,  16 * BASE_PAGE_BYTES,
                                   16 * BASE_PAGE_BYTES, fmt()->span_bytes[fmt()->levels - 2]};
        type = ObjType_Frame;
        bytes = sizes[fuzz_below(in, 8)];
        align = bytes > 16 * BASE_PAGE_BYTES ? bytes : BASE_PAGE_BYTES;
    }
    genpaddr_t ram_base = host_machine_free_ram_base();
    gensize_t offset = (ram_base + ram_next + align - 1) / align * align - ram_base;
    if (s == POOL || offset + bytes > host_machine_free_ram_bytes()) {
        return;
    }
    start_call();
    errval_t err =
        invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, offset, type, bytes, 1, WORK_CNODE, s);
    end_call(err, "retype");
    fuzz_expect(err_is_ok(err), "retype of a %s at RAM offset %#llx: %s", objtype_name(type),
                (unsigned long long)offset, err_getcode(err));
    ram_next = offset + bytes;
}

static void op_copy(struct fuzz_input *in)
{
    cslot_t src = pick(in, is_any);
    cslot_t dest = pick(in, is_empty);
    if (src == POOL || dest == POOL) {
        return;
    }
    caprights_t rights = (caprights_t)fuzz_below(in, CAPRIGHTS_ALLRIGHTS + 2);
    start_call();
    end_call(invoke_cnode_mint(CAPADDR_ROOTCN, WORK_CNODE, dest, WORK(src), rights), "mint");
}

static cslot_t entries_of(enum objtype table_type)
{
    for (int level = 0; level < fmt()->levels; level++) {
        if (fmt()->table_type[level] == table_type) {
            return fmt()->entries[level];
        }
    }
    return 0;
}

/* A slot of a table: its edges, the kernel's half of a root, or anywhere. */
static uint64_t decode_slot(struct fuzz_input *in, cslot_t entries)
{
    switch (fuzz_u8(in) % 5) {
    case 0:
        return 0;
    case 1:
        return entries - 1;
    case 2:
        return entries / 2 - fuzz_below(in, 2); /* around the x86-64 root's kernel half */
    default:
        return fuzz_below(in, entries);
    }
}

static vregion_flags_t decode_flags(struct fuzz_input *in)
{
    const vregion_flags_t common[] = {
        VREGION_FLAGS_READ, VREGION_FLAGS_READ_WRITE, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
        VREGION_FLAGS_MASK, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE};
    uint8_t pick_flags = fuzz_u8(in);
    return pick_flags < 0xf0 ? common[pick_flags % 5] : fuzz_u16(in) & 0x1ff;
}

/* How many entries: one, a few, to the table's end, or anything. */
static uint64_t decode_count(struct fuzz_input *in, uint64_t slot, cslot_t entries)
{
    switch (fuzz_u8(in) % 5) {
    case 0:
        return 1;
    case 1:
        return 1 + fuzz_below(in, 16);
    case 2:
        return slot < entries ? entries - slot : 1;
    case 3:
        return fuzz_below(in, entries + 2);
    default:
        return 2;
    }
}

static void op_map(struct fuzz_input *in)
{
    cslot_t t = pick(in, is_table);
    cslot_t src = pick(in, is_any);
    if (t == POOL || src == POOL) {
        return;
    }
    const struct cte *table = slot_cte(t);
    cslot_t entries = entries_of((enum objtype)table->cap.type);
    uint64_t slot = decode_slot(in, entries);
    uint64_t count = decode_count(in, slot, entries);
    vregion_flags_t flags = decode_flags(in);
    gensize_t offset = fuzz_u8(in) < 0xe0 ? fuzz_below(in, 16) * BASE_PAGE_BYTES : fuzz_u64(in);
    start_call();
    errval_t err = invoke_vnode_map(WORK(t), (cslot_t)slot, WORK(src), flags, offset, count);
    end_call(err, "map");
    if (err_is_ok(err)) {
        const struct cte *c = slot_cte(src);
        oracle_check_cleaned(table->cap.base, slot, count);
        if (objtype_info[c->cap.type].kind == OBJKIND_FRAME) {
            oracle_check_record(c, 0, count, flags);
        }
    }
}

/* Unmaps what a copy recorded, with the record's own arguments or ones a little off. */
static void op_unmap(struct fuzz_input *in)
{
    cslot_t src = pick(in, is_mapped);
    cslot_t t = pick(in, is_table);
    if (src == POOL || t == POOL) {
        return;
    }
    struct mapping_record m = slot_cte(src)->mapping;
    uint64_t slot = m.slot, count = m.pte_count;
    uint8_t skew = fuzz_u8(in);
    slot += skew % 7 == 1 ? 1 : 0;
    count -= skew % 7 == 2 ? 1 : 0;
    count += skew % 7 == 3 ? 1 : 0;
    uint64_t va = 0;
    bool below_root = oracle_table_vaddr(m.table_base, (enum objtype)m.table_type, &va);
    gensize_t page = oracle_page_bytes((enum objtype)m.table_type);
    start_call();
    errval_t err = invoke_vnode_unmap(WORK(t), WORK(src), (cslot_t)slot, count);
    end_call(err, "unmap");
    if (err_is_ok(err)) {
        oracle_check_cleaned(m.table_base, m.slot, m.pte_count);
        if (below_root) {
            oracle_check_absent(va + m.slot * page, m.pte_count * page);
            oracle_check_flushed(va + m.slot * page, m.pte_count * page);
        }
    }
}

static void op_modify(struct fuzz_input *in)
{
    cslot_t src = pick(in, is_mapped);
    if (src == POOL) {
        return;
    }
    const struct cte *c = slot_cte(src);
    uint64_t pages = c->mapping.pte_count;
    uint64_t first = fuzz_below(in, pages + 1);
    uint64_t count = fuzz_u8(in) < 0xf0 ? 1 + fuzz_below(in, pages - first + 1) : fuzz_u64(in);
    vregion_flags_t flags = decode_flags(in);
    uint64_t va;
    enum objtype table_type = (enum objtype)c->mapping.table_type;
    /* The hint only spares a search: an exact one, one a page off, any word or none; the
       oracle below wants the flush in the right place whichever it was. */
    uint64_t hint = 0;
    if (oracle_table_vaddr(c->mapping.table_base, table_type, &va)) {
        hint = va + (c->mapping.slot + first) * oracle_page_bytes(table_type);
    }
    switch (fuzz_u8(in) & 3) {
    case 1:
        hint += BASE_PAGE_BYTES;
        break;
    case 2:
        hint = fuzz_u64(in);
        break;
    case 3:
        hint = 0;
        break;
    default:
        break;
    }
    start_call();
    errval_t err = invoke_frame_modify_flags(WORK(src), first, count, flags, hint);
    end_call(err, "modify_flags");
    if (err_is_ok(err) && oracle_table_vaddr(c->mapping.table_base, table_type, &va)) {
        gensize_t page = oracle_page_bytes(table_type);
        oracle_check_record(c, first, count, flags);
        oracle_check_flushed(va + (c->mapping.slot + first) * page, count * page);
        oracle_check_cleaned(c->mapping.table_base, c->mapping.slot + first, count);
    }
}

/* A frame mapping below the root before a delete or revoke: where, and through which slot. */
struct visible {
    const struct cte *c;
    struct mapping_record record;
    uint64_t va;
    uint64_t bytes;
};

static size_t visible_mappings(struct visible *out, size_t max)
{
    size_t n = 0;
    for (const struct cte *c = mdb_first(); c != NULL && n < max; c = mdb_next(c)) {
        enum objtype table_type = (enum objtype)c->mapping.table_type;
        uint64_t va;
        if (c->mapping.pte_count != 0 && objtype_info[c->cap.type].kind == OBJKIND_FRAME &&
            oracle_table_vaddr(c->mapping.table_base, table_type, &va)) {
            gensize_t page = oracle_page_bytes(table_type);
            out[n++] = (struct visible){.c = c,
                                        .record = c->mapping,
                                        .va = va + c->mapping.slot * page,
                                        .bytes = c->mapping.pte_count * page};
        }
    }
    return n;
}

static bool same_record(const struct mapping_record *a, const struct mapping_record *b)
{
    return a->table_base == b->table_base && a->slot == b->slot && a->pte_count == b->pte_count &&
           a->offset_bytes == b->offset_bytes;
}

/* Deletes or revokes a slot: every mapping that went with it is gone and was flushed. */
static void op_delete(struct fuzz_input *in, bool revoke)
{
    cslot_t s = pick(in, is_any);
    if (s == POOL) {
        return;
    }
    struct visible seen[64];
    size_t count = visible_mappings(seen, 64);
    /* Revoke needs grant; a copy minted without it is refused and nothing goes. */
    bool refused = revoke && !(slot_cte(s)->cap.rights & CAPRIGHTS_GRANT);
    start_call();
    errval_t err = revoke ? invoke_cnode_revoke(CAPADDR_ROOTCN, WORK(s))
                          : invoke_cnode_delete(CAPADDR_ROOTCN, WORK(s));
    end_call(err, revoke ? "revoke" : "delete");
    fuzz_expect(refused ? err_no(err) == SYS_ERR_REVOKE_NEEDS_GRANT : err_is_ok(err),
                "%s of a live slot: %s", revoke ? "revoke" : "delete", err_getcode(err));
    for (size_t i = 0; i < count; i++) {
        const struct cte *c = seen[i].c;
        if (cte_is_empty(c) || !same_record(&c->mapping, &seen[i].record)) {
            oracle_check_absent(seen[i].va, seen[i].bytes);
            oracle_check_flushed(seen[i].va, seen[i].bytes);
        }
    }
}

static void boot(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = 32ull << 20;
    host_console_capture(console, sizeof(console));
    host_machine_boot(&config);
    enum objtype root_type = fmt()->table_type[0];
    ram_next = 0;
    gensize_t align = objtype_info[root_type].align_bytes;
    gensize_t offset =
        (host_machine_free_ram_base() + align - 1) / align * align - host_machine_free_ram_base();
    errval_t err = invoke_cnode_retype(CAPADDR_ROOTCN, RAM_CAP, offset, root_type,
                                       objtype_info[root_type].fixed_bytes, 1, WORK_CNODE, 0);
    if (err_is_ok(err)) {
        err = host_machine_load_root(WORK(0));
    }
    fuzz_expect(err_is_ok(err), "making the root table: %s", err_getcode(err));
    ram_next = offset + objtype_info[root_type].fixed_bytes;
    oracle_begin(slot_cte(0)->cap.base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = fuzz_input_make(data, size);
    boot();
    for (int n = 0; n < MAX_OPS && fuzz_more(&in); n++) {
        switch (fuzz_u8(&in) % 10) {
        case 0:
        case 1:
            op_create(&in);
            break;
        case 2:
            op_copy(&in);
            break;
        case 3:
        case 4:
            op_map(&in);
            break;
        case 5:
            op_unmap(&in);
            break;
        case 6:
            op_modify(&in);
            break;
        case 7:
        case 8:
            op_delete(&in, false);
            break;
        default:
            op_delete(&in, true);
            break;
        }
        oracle_check_all_records();
    }
    host_machine_shutdown();
    host_console_capture(NULL, 0);
    return 0;
}
