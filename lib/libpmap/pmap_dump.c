/* Prints the shadow tree: the tables per level and every run, one line each. */
#include "pmap_internal.h"
#include <format.h>

struct dump_state {
    void (*print)(const char *line);
};

static errval_t visit_print(struct pmap *pmap, struct pmap_vnode *table, struct pmap_mapping *m,
                            genvaddr_t run_vaddr, void *arg, bool *stop)
{
    (void)stop;
    const struct dump_state *d = arg;
    gensize_t span = pmap->layout->span_bytes[table->level];
    char line[160], flags[40];
    vregion_flags_format(run_flags(pmap->layout, table->level, m), flags, sizeof(flags));
    format_snprintf(line, sizeof(line),
                    "  0x%012llx..0x%012llx  level %d slots %u..%u  %u x %llu KiB  frame+0x%llx  "
                    "%s%s",
                    (unsigned long long)run_vaddr,
                    (unsigned long long)(run_vaddr + m->pte_count * span), table->level,
                    (unsigned)m->slot, (unsigned)(m->slot + m->pte_count - 1),
                    (unsigned)m->pte_count, (unsigned long long)(span >> 10),
                    (unsigned long long)run_offset_bytes(m), flags,
                    m->kept       ? "  adopted, kept"
                    : m->borrowed ? "  borrowed"
                                  : "");
    d->print(line);
    return SYS_ERR_OK;
}

void pmap_dump(struct pmap *pmap, void (*print)(const char *line))
{
    struct dump_state d = {.print = print};
    char line[160];
    format_snprintf(line, sizeof(line),
                    "pmap: %zu tables below the root, %zu runs, %zu metadata "
                    "blocks; runs in address order:",
                    pmap->stats.tables, pmap->stats.mappings, pmap->stats.meta_blocks);
    print(line);
    pmap_walk_range(pmap, pmap->vaddr_min, pmap->layout->user_end, visit_print, &d);
}
