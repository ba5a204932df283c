/* Generating page-table commands: map, unmap and modify_flags, mostly of what fits, some not. */
#include "gen_steps.h"

static const struct mcap *cap_of(const struct gen_ctx *x, const struct view_entry *e)
{
    return &x->m->caps[e->cap];
}

/* A source for table: what fits its level mostly. */
static const struct view_entry *gen_source(struct gen_ctx *x, enum objtype table)
{
    const struct view_entry *best = NULL;
    for (int tries = 0; tries < 12; tries++) {
        const struct view_entry *e = gen_entry(x, &x->self, is_mappable);
        if (e == NULL) {
            return NULL;
        }
        enum fmt_fit fit = fmt_fit(table, (enum objtype)cap_of(x, e)->type);
        if (fit != FMT_FIT_NONE && !is_mapped(cap_of(x, e))) {
            return e;
        }
        best = e;
    }
    return best;
}

/* A run of entries: a few near the start (so runs collide), the edges, the kernel's half. */
static uint64_t gen_table_slot(struct gen_ctx *x, enum objtype table)
{
    uint64_t entries = fmt_entries(table);
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 70) {
        return gen_rnd(x, 16);
    }
    if (pick < 88) {
        return gen_rnd(x, entries);
    }
    switch (gen_rnd(x, 4)) {
    case 0:
        return entries - 1;
    case 1:
        return entries;
    case 2:
        return fmt_root() == table ? entries / 2 - 1 + gen_rnd(x, 2) : entries - 2;
    default:
        return gen_edge(x);
    }
}

static uint64_t gen_pte_count(struct gen_ctx *x, const struct mcap *src, enum objtype table)
{
    if (gen_chance(x, 6)) {
        return gen_chance(x, 40) ? 0 : gen_edge(x);
    }
    if (src == NULL || fmt_fit(table, (enum objtype)src->type) != FMT_FIT_PAGE) {
        return gen_chance(x, 92) ? 1 : 2;
    }
    uint64_t pages = src->bytes / fmt_span(table);
    return pages <= 1 ? 1 : 1 + gen_rnd(x, pages < 8 ? pages : 8);
}

static uint64_t gen_map_offset(struct gen_ctx *x, const struct mcap *src)
{
    unsigned pick = (unsigned)gen_rnd(x, 100);
    if (pick < 75 || src == NULL) {
        return 0;
    }
    if (pick < 92) {
        return gen_rnd(x, src->bytes / BASE_PAGE_BYTES + 1) * BASE_PAGE_BYTES;
    }
    return gen_chance(x, 50) ? BASE_PAGE_BYTES / 2 : gen_edge(x);
}

/* A root, or a table that is itself mapped: maps there grow walks a translation can follow. */
static bool is_walked_table(const struct mcap *c)
{
    return is_writable_vnode(c) && (c->type == fmt_root() || c->map_count != 0);
}

void gen_map(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a)
{
    cap_filter filter = gen_chance(x, 85) ? is_writable_vnode : is_vnode;
    if (gen_chance(x, 40)) {
        filter = is_walked_table;
    }
    const struct view_entry *t = gen_chance(x, 92) ? gen_entry(x, &x->self, filter) : NULL;
    *invoked = t != NULL ? t->addr : gen_addr(x, &x->self, NULL, 40);
    enum objtype table = t != NULL ? (enum objtype)cap_of(x, t)->type : fmt_root();
    const struct view_entry *s = gen_chance(x, 90) ? gen_source(x, table) : NULL;
    const struct mcap *src = s != NULL ? cap_of(x, s) : NULL;
    a[0] = gen_table_slot(x, table);
    a[1] = s != NULL ? s->addr : gen_addr(x, &x->self, NULL, 50);
    a[2] = gen_flags(x);
    a[3] = gen_map_offset(x, src);
    a[4] = gen_pte_count(x, src, table);
}

/* An address of some copy of the table object at base (copies may differ in rights). */
static uint64_t table_addr(struct gen_ctx *x, genpaddr_t base)
{
    size_t start = (size_t)gen_rnd(x, x->self.count ? x->self.count : 1);
    for (size_t k = 0; k < x->self.count; k++) {
        const struct view_entry *e = &x->self.e[(start + k) % x->self.count];
        if (is_vnode(cap_of(x, e)) && cap_of(x, e)->base == base) {
            return e->addr;
        }
    }
    return gen_bad_addr(x);
}

/* Sometimes off by one, sometimes wild. */
static uint64_t perturb(struct gen_ctx *x, uint64_t v)
{
    switch (gen_rnd(x, 3)) {
    case 0:
        return v + 1;
    case 1:
        return v - 1;
    default:
        return gen_edge(x);
    }
}

void gen_unmap(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a)
{
    const struct view_entry *s = gen_chance(x, 80) ? gen_entry(x, &x->self, is_mapped) : NULL;
    if (s == NULL) {
        *invoked = gen_addr(x, &x->self, is_vnode, 20);
        a[0] = gen_addr(x, &x->self, is_mappable, 20);
        a[1] = gen_rnd(x, 16);
        a[2] = 1;
        return;
    }
    const struct mcap *src = cap_of(x, s);
    *invoked =
        gen_chance(x, 90) ? table_addr(x, src->map_table) : gen_addr(x, &x->self, is_vnode, 10);
    a[0] = s->addr;
    a[1] = gen_chance(x, 85) ? src->map_slot : perturb(x, src->map_slot);
    a[2] = gen_chance(x, 85) ? src->map_count : perturb(x, src->map_count);
}

void gen_modify_flags(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a)
{
    const struct view_entry *s = gen_chance(x, 85) ? gen_entry(x, &x->self, is_mapped) : NULL;
    const struct mcap *src = s != NULL ? cap_of(x, s) : NULL;
    *invoked = s != NULL ? s->addr : gen_addr(x, &x->self, is_frame, 20);
    uint64_t pages = src != NULL ? src->map_count : 1;
    a[0] = gen_chance(x, 90) ? gen_rnd(x, pages) : perturb(x, pages);
    uint64_t rest = a[0] < pages ? pages - a[0] : 1;
    a[1] = gen_chance(x, 90) ? 1 + gen_rnd(x, rest) : perturb(x, pages);
    a[2] = gen_flags(x);
}
