/* The paging harness's oracle: the test walker, the kernel's records and the maintenance log. */
#include "paging_oracle.h"
#include "../host/walker.h"
#include "fuzz.h"
#include <host_machine.h>
#include <mdb.h>

#define SAMPLES 16 /* pages checked per range: the first, the last and some between */

static genpaddr_t root;

void oracle_begin(genpaddr_t root_base)
{
    root = root_base;
}

static int level_of(enum objtype type)
{
    const struct pmap_layout *l = pmap_arch_layout();
    for (int level = 0; level < l->levels; level++) {
        if (l->table_type[level] == type) {
            return level;
        }
    }
    return -1;
}

gensize_t oracle_page_bytes(enum objtype table_type)
{
    int level = level_of(table_type);
    return level < 0 ? 0 : pmap_arch_layout()->span_bytes[level];
}

bool oracle_table_vaddr(genpaddr_t table_base, enum objtype type, uint64_t *va)
{
    uint64_t at = 0;
    while (table_base != root) {
        struct capability table = {
            .type = type, .base = table_base, .bytes = objtype_info[type].fixed_bytes};
        const struct cte *m = mdb_find_mapped_copy(&table, NULL);
        if (m == NULL) {
            return false;
        }
        at += m->mapping.slot * oracle_page_bytes((enum objtype)m->mapping.table_type);
        table_base = m->mapping.table_base;
        type = (enum objtype)m->mapping.table_type;
    }
    *va = at;
    return level_of(type) == 0;
}

/* The i-th of SAMPLES indexes spread over [0, count). */
static uint64_t sample(uint64_t i, uint64_t count)
{
    return count <= SAMPLES ? i : i * (count - 1) / (SAMPLES - 1);
}

static uint64_t samples_of(uint64_t count)
{
    return count < SAMPLES ? count : SAMPLES;
}

static void check_page(const struct cte *c, uint64_t va, uint64_t i, gensize_t page,
                       vregion_flags_t flags)
{
    struct walk_result w = walk_translate(root, va);
    genpaddr_t want = c->cap.base + c->mapping.offset_bytes + i * page;
    fuzz_expect(w.present && w.paddr == want && w.page_bytes == page,
                "%#llx: present %d paddr %#llx page %#llx, recorded %#llx in %#llx pages",
                (unsigned long long)va, w.present, (unsigned long long)w.paddr,
                (unsigned long long)w.page_bytes, (unsigned long long)want,
                (unsigned long long)page);
    if (flags != 0) {
        fuzz_expect(w.user && w.writable == !!(flags & VREGION_FLAGS_WRITE) &&
                        w.executable == !!(flags & VREGION_FLAGS_EXECUTE) &&
                        w.nocache == !!(flags & VREGION_FLAGS_NOCACHE),
                    "%#llx: user %d writable %d executable %d nocache %d, mapped with flags %#x",
                    (unsigned long long)va, w.user, w.writable, w.executable, w.nocache, flags);
    }
    fuzz_expect((!w.writable || (c->cap.rights & CAPRIGHTS_WRITE)) &&
                    (!w.executable || (c->cap.rights & CAPRIGHTS_EXECUTE)),
                "%#llx: writable %d executable %d beyond the copy's rights %#x",
                (unsigned long long)va, w.writable, w.executable, c->cap.rights);
}

void oracle_check_record(const struct cte *c, uint64_t first, uint64_t count, vregion_flags_t flags)
{
    enum objtype table_type = (enum objtype)c->mapping.table_type;
    uint64_t table_va;
    if (!oracle_table_vaddr(c->mapping.table_base, table_type, &table_va)) {
        return; /* not below the root: nothing translates through it */
    }
    gensize_t page = oracle_page_bytes(table_type);
    for (uint64_t s = 0; s < samples_of(count); s++) {
        uint64_t i = first + sample(s, count);
        check_page(c, table_va + (c->mapping.slot + i) * page, i, page, flags);
    }
}

void oracle_check_all_records(void)
{
    for (const struct cte *c = mdb_first(); c != NULL; c = mdb_next(c)) {
        if (c->mapping.pte_count != 0 && objtype_info[c->cap.type].kind == OBJKIND_FRAME) {
            oracle_check_record(c, 0, c->mapping.pte_count, 0);
        }
    }
}

void oracle_check_absent(uint64_t va, uint64_t bytes)
{
    uint64_t pages = bytes / BASE_PAGE_BYTES;
    for (uint64_t s = 0; s < samples_of(pages); s++) {
        uint64_t at = va + sample(s, pages) * BASE_PAGE_BYTES;
        struct walk_result w = walk_translate(root, at);
        fuzz_expect(!w.present, "%#llx still translates to %#llx", (unsigned long long)at,
                    (unsigned long long)w.paddr);
    }
}

static bool flushed(uint64_t va)
{
    for (size_t i = 0; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        if (e != NULL &&
            (e->kind == HOST_TLB_FLUSH_ALL || (e->kind == HOST_TLB_FLUSH_RANGE && e->root == root &&
                                               e->addr <= va && va - e->addr < e->bytes))) {
            return true;
        }
    }
    return false;
}

void oracle_check_flushed(uint64_t va, uint64_t bytes)
{
    uint64_t pages = bytes / BASE_PAGE_BYTES;
    for (uint64_t s = 0; s < samples_of(pages); s++) {
        uint64_t at = va + sample(s, pages) * BASE_PAGE_BYTES;
        fuzz_expect(flushed(at), "%#llx changed but was not flushed", (unsigned long long)at);
    }
}

static bool cleaned(genpaddr_t paddr)
{
    for (size_t i = 0; i < host_maintenance_count(); i++) {
        const struct host_maintenance_event *e = host_maintenance_event(i);
        if (e != NULL && e->kind == HOST_CACHE_CLEAN && e->addr <= paddr &&
            paddr - e->addr < e->bytes) {
            return true;
        }
    }
    return false;
}

void oracle_check_cleaned(genpaddr_t table_base, uint64_t slot, uint64_t count)
{
    if (walk_root_type() != ObjType_VNode_ARM_l1) {
        return; /* x86-64 walks its tables coherently with the caches */
    }
    const unsigned entry_bytes = 4;
    for (uint64_t s = 0; s < samples_of(count); s++) {
        genpaddr_t at = table_base + (slot + sample(s, count)) * entry_bytes;
        fuzz_expect(cleaned(at), "entry at %#llx written but not cleaned", (unsigned long long)at);
    }
}
