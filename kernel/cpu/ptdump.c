/* The page-table dump, generic over the formats of paging_arch.h. */
#include <paging_arch.h>
#include <printk.h>
#include <ptdump.h>

static void indent(int depth)
{
    for (int i = 0; i < depth; i++) {
        printk("  ");
    }
}

static void print_flags(vregion_flags_t flags)
{
    printk("%c%c%c%s", (flags & VREGION_FLAGS_READ) ? 'r' : '-',
           (flags & VREGION_FLAGS_WRITE) ? 'w' : '-', (flags & VREGION_FLAGS_EXECUTE) ? 'x' : '-',
           (flags & VREGION_FLAGS_NOCACHE) ? " nocache" : "");
}

/* How many entries from first on continue the page run that first starts. */
static cslot_t run_length(enum objtype type, genpaddr_t base, cslot_t first, cslot_t end)
{
    uint64_t e0 = paging_read_entry(type, base, first);
    gensize_t span = paging_entry_span_bytes(type);
    cslot_t n = 1;
    while (first + n < end) {
        uint64_t e = paging_read_entry(type, base, first + n);
        if (!paging_entry_is_present(type, e) || paging_entry_is_table(type, e) ||
            paging_entry_paddr(type, e) != paging_entry_paddr(type, e0) + n * span ||
            paging_entry_flags(type, e) != paging_entry_flags(type, e0)) {
            break;
        }
        n++;
    }
    return n;
}

static void dump_table(enum objtype type, genpaddr_t base, int depth)
{
    cslot_t entries = paging_table_entries(type);
    gensize_t span = paging_entry_span_bytes(type);
    for (cslot_t i = 0; i < entries; i++) {
        uint64_t e = paging_read_entry(type, base, i);
        if (paging_slot_reserved(type, i)) {
            indent(depth);
            printk("[%u..%u] the kernel's half\n", (unsigned)i, (unsigned)entries - 1);
            return;
        }
        if (!paging_entry_is_present(type, e)) {
            continue;
        }
        genpaddr_t pa = paging_entry_paddr(type, e);
        if (paging_entry_is_table(type, e)) {
            indent(depth);
            printk("[%u] 0x%llx -> %s at 0x%llx\n", (unsigned)i, (unsigned long long)e,
                   objtype_name(paging_child_table_type(type)), (unsigned long long)pa);
            dump_table(paging_child_table_type(type), pa, depth + 1);
            continue;
        }
        cslot_t n = run_length(type, base, i, entries);
        indent(depth);
        printk("[%u", (unsigned)i);
        if (n > 1) {
            printk("..%u", (unsigned)(i + n - 1));
        }
        printk("] 0x%llx -> 0x%llx, %u x %llu KiB ", (unsigned long long)e, (unsigned long long)pa,
               (unsigned)n, (unsigned long long)(span >> 10));
        print_flags(paging_entry_flags(type, e));
        printk("\n");
        i += n - 1;
    }
}

void ptdump(enum objtype type, genpaddr_t base)
{
    printk("%s at 0x%llx:\n", objtype_name(type), (unsigned long long)base);
    dump_table(type, base, 1);
}
