/* The mapping index of map_index.h, on the generic treap. */
#include <map_index.h>

static struct cte *cte_of(const struct treap_node *n)
{
    return n == NULL ? NULL : (struct cte *)((uintptr_t)n - offsetof(struct cte, mapping_node));
}

static int key_cmp(genpaddr_t base_a, cslot_t slot_a, genpaddr_t base_b, cslot_t slot_b)
{
    if (base_a != base_b) {
        return base_a < base_b ? -1 : 1;
    }
    return slot_a < slot_b ? -1 : slot_a > slot_b ? 1 : 0;
}

static int node_cmp(const struct treap_node *a, const struct treap_node *b)
{
    const struct mapping_record *ma = &cte_of(a)->mapping;
    const struct mapping_record *mb = &cte_of(b)->mapping;
    return key_cmp(ma->table_base, ma->slot, mb->table_base, mb->slot);
}

/* The derivation index's random priority serves this tree too: it is drawn per capability. */
static uint32_t node_priority(const struct treap_node *n)
{
    return cte_of(n)->mdb.priority;
}

static struct treap records = {
    .root = NULL, .cmp = node_cmp, .priority = node_priority, .update = NULL};
static size_t record_count;

void map_index_init(void)
{
    records.root = NULL;
    record_count = 0;
}

void map_index_record(struct cte *cte, const struct mapping_record *m)
{
    cte->mapping = *m;
    struct treap_node **link = &records.root;
    struct treap_node *parent = NULL;
    while (*link != NULL) {
        parent = *link;
        const struct mapping_record *there = &cte_of(parent)->mapping;
        bool before = key_cmp(m->table_base, m->slot, there->table_base, there->slot) < 0;
        link = before ? &parent->left : &parent->right;
    }
    treap_insert_at(&records, &cte->mapping_node, parent, link);
    record_count++;
}

void map_index_forget(struct cte *cte)
{
    treap_remove(&records, &cte->mapping_node);
    cte->mapping = (struct mapping_record){0};
    record_count--;
}

/* The last record at or before (table_base, slot) (at_or_after: the first at or after it). */
static struct cte *nearest(genpaddr_t table_base, cslot_t slot, bool at_or_after)
{
    struct cte *best = NULL;
    const struct treap_node *n = records.root;
    while (n != NULL) {
        const struct mapping_record *m = &cte_of(n)->mapping;
        int cmp = key_cmp(m->table_base, m->slot, table_base, slot);
        if (cmp == 0) {
            return cte_of(n);
        }
        if ((cmp < 0) != at_or_after) {
            best = cte_of(n);
        }
        n = cmp < 0 ? n->right : n->left;
    }
    return best;
}

struct cte *map_index_find(genpaddr_t table_base, cslot_t slot)
{
    struct cte *c = nearest(table_base, slot, false);
    if (c == NULL || c->mapping.table_base != table_base ||
        slot >= (cslot_t)c->mapping.slot + c->mapping.pte_count) {
        return NULL;
    }
    return c;
}

struct cte *map_index_first_from(genpaddr_t table_base, cslot_t slot)
{
    return nearest(table_base, slot, true);
}

struct cte *map_index_next(const struct cte *prev)
{
    return cte_of(treap_next(&prev->mapping_node));
}

size_t map_index_count(void)
{
    return record_count;
}

bool map_index_check(void)
{
    return treap_check(&records);
}
