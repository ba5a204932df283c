/* Fault reports: the same fields and layout on every architecture, walking the real tables. */
#include <fault.h>
#include <paging_arch.h>
#include <printk.h>

static const char *const access_names[] = {"read", "write", "execute"};

/* Prints the entry for vaddr at each level, from the root down to the page or the gap. */
static void print_walk(genpaddr_t root, uint64_t vaddr)
{
    enum objtype type = paging_root_type();
    genpaddr_t table = root;
    uint64_t offset = vaddr;
    printk("kernel:   tables:");
    for (int level = 0;; level++) {
        gensize_t span = paging_entry_span_bytes(type);
        uint64_t index = offset / span;
        if (index >= paging_table_entries(type)) {
            printk(" L%d[%llu] beyond the table\n", level, (unsigned long long)index);
            return;
        }
        uint64_t entry = paging_read_entry(type, table, (cslot_t)index);
        printk(" L%d[%llu]=0x%llx", level, (unsigned long long)index, (unsigned long long)entry);
        if (!paging_entry_is_present(type, entry)) {
            printk(" (not present)\n");
            return;
        }
        if (!paging_entry_is_table(type, entry)) {
            printk(" (page at 0x%llx)\n", (unsigned long long)paging_entry_paddr(type, entry));
            return;
        }
        table = paging_entry_paddr(type, entry);
        offset %= span;
        type = paging_child_table_type(type);
    }
}

void fault_report(const struct fault_info *f)
{
    printk("kernel: fault in domain %s: %s", f->domain, f->kind);
    if (f->has_address) {
        printk(" at 0x%llx (%s, %s mode, %s)", (unsigned long long)f->vaddr,
               access_names[f->access], f->user_mode ? "user" : "kernel",
               f->not_present ? "not present" : "permission");
    }
    printk("\nkernel:   ip 0x%llx\n", (unsigned long long)f->ip);
    if (f->has_address && f->vaddr < BASE_PAGE_BYTES) {
        printk("kernel:   hint: an address in the first page: a null pointer dereference?\n");
    }
    if (f->has_address && f->root != 0) {
        print_walk(f->root, f->vaddr);
    }
    printk("kernel:   registers:");
    for (int i = 0; i < f->reg_count; i++) {
        printk("%s %s=0x%llx", i % 4 == 0 ? "\nkernel:    " : "", f->regs[i].name,
               (unsigned long long)f->regs[i].value);
    }
    printk("\n");
}
