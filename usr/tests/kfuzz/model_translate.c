/*
 * The model's DEBUG_TRANSLATE: the walk from the root table the kernel holds
 * for the domain that runs, through the mapping records, as include/invocations.h describes it.
 * Which entry ends the walk, at which level, and the page it maps; not the flags (the model does
 * not keep modify_flags' changes) nor the raw entry.
 */
#include "model.h"

/* The record covering entry slot of the table at table_base; NULL if the entry is absent. */
static const struct mcap *record_at(const struct model *m, genpaddr_t table_base, uint64_t slot)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct mcap *c = &m->caps[i];
        if (c->map_count != 0 && c->map_table == table_base && c->map_slot <= slot &&
            slot < c->map_slot + c->map_count) {
            return c;
        }
    }
    return NULL;
}

static uint64_t log2_of(gensize_t bytes)
{
    return (uint64_t)__builtin_ctzll(bytes);
}

struct sysret model_translate(const struct model *m, uint64_t vaddr)
{
    const struct mcap *root = model_caller_vroot(m);
    if (root == NULL) {
        return (struct sysret){.error = SYS_ERR_TRANSLATE_NO_ROOT};
    }
    enum objtype type = (enum objtype)root->type;
    uint64_t root_slot = vaddr / fmt_span(type);
    if (root_slot >= fmt_entries(type) || fmt_reserved(type, root_slot)) {
        return (struct sysret){.error = SYS_ERR_TRANSLATE_NOT_USER};
    }
    genpaddr_t table = root->base;
    uint64_t rest = vaddr;
    for (uint64_t level = 0;; level++) {
        gensize_t span = fmt_span(type);
        uint64_t slot = rest / span;
        const struct mcap *r = record_at(m, table, slot);
        struct sysret ret = {.error = SYS_ERR_OK};
        ret.value[0] = level | (log2_of(span) << DEBUG_TRANSLATE_LOG2_SHIFT);
        if (r == NULL) {
            return ret;
        }
        if (fmt_fit(type, (enum objtype)r->type) != FMT_FIT_TABLE) {
            ret.value[0] |= DEBUG_TRANSLATE_PRESENT;
            ret.value[1] = (uintptr_t)(r->base + r->map_offset + (slot - r->map_slot) * span);
            return ret;
        }
        table = r->base;
        type = (enum objtype)r->type;
        rest %= span;
    }
}
