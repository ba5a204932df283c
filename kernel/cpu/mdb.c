/* The derivation index: a treap of all live capabilities, augmented with subtree ends. */
#include <map_index.h>
#include <mdb.h>
#include <mix.h>

struct mdb_key {
    genpaddr_t base;
    genpaddr_t end;
    uint8_t rank;
    uint8_t type;
    uintptr_t slot; /* the cte address: makes every key unique */
};

static struct cte *cte_of(const struct treap_node *n)
{
    return n == NULL ? NULL : (struct cte *)((uintptr_t)n - offsetof(struct cte, mdb.node));
}

static struct mdb_key key_of_cap(const struct capability *cap, uintptr_t slot)
{
    return (struct mdb_key){
        .base = cap->base,
        .end = cap_end(cap),
        .rank = objtype_info[cap->type].rank,
        .type = cap->type,
        .slot = slot,
    };
}

static struct mdb_key key_of(const struct cte *cte)
{
    return key_of_cap(&cte->cap, (uintptr_t)cte);
}

/* Bigger objects sort first at equal base, so ancestors precede descendants. */
static int key_cmp(const struct mdb_key *a, const struct mdb_key *b)
{
    if (a->base != b->base) {
        return a->base < b->base ? -1 : 1;
    }
    if (a->end != b->end) {
        return a->end > b->end ? -1 : 1;
    }
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->type != b->type) {
        return a->type < b->type ? -1 : 1;
    }
    if (a->slot != b->slot) {
        return a->slot < b->slot ? -1 : 1;
    }
    return 0;
}

/* How c's key compares with key: like key_cmp, the whole key built only when the bases tie. */
static int cte_cmp_key(const struct cte *c, const struct mdb_key *key)
{
    if (c->cap.base != key->base) {
        return c->cap.base < key->base ? -1 : 1;
    }
    struct mdb_key kc = key_of(c);
    return key_cmp(&kc, key);
}

static bool key_before(const struct mdb_key *key, const struct cte *c)
{
    return cte_cmp_key(c, key) > 0;
}

static int node_cmp(const struct treap_node *a, const struct treap_node *b)
{
    struct mdb_key ka = key_of(cte_of(a));
    struct mdb_key kb = key_of(cte_of(b));
    return key_cmp(&ka, &kb);
}

static uint32_t node_priority(const struct treap_node *n)
{
    return cte_of(n)->mdb.priority;
}

static genpaddr_t subtree_end(const struct treap_node *n)
{
    return n == NULL ? 0 : cte_of(n)->mdb.subtree_end;
}

static bool node_update(struct treap_node *n)
{
    struct cte *c = cte_of(n);
    genpaddr_t end = cap_end(&c->cap);
    genpaddr_t left = subtree_end(n->left);
    genpaddr_t right = subtree_end(n->right);
    end = left > end ? left : end;
    end = right > end ? right : end;
    bool changed = c->mdb.subtree_end != end;
    c->mdb.subtree_end = end;
    return changed;
}

static struct treap index_tree = {
    .root = NULL, .cmp = node_cmp, .priority = node_priority, .update = node_update};
static size_t mdb_entries;
static uint64_t priority_state;

void mdb_init(uint64_t priority_seed)
{
    index_tree.root = NULL;
    mdb_entries = 0;
    priority_state = priority_seed;
    map_index_init(); /* records live in the same capabilities */
}

/* The next treap priority: splitmix64 over the seeded state. */
static uint32_t next_priority(void)
{
    uint64_t x = mix64(priority_state, 0);
    priority_state += UINT64_C(0x9e3779b97f4a7c15);
    return (uint32_t)(x >> 32);
}

void mdb_insert(struct cte *cte)
{
    cte->mdb.priority = next_priority();
    cte->mdb.in_index = true;
    cte->mdb.kernel_held = false;
    struct mdb_key key = key_of(cte);
    struct treap_node **link = &index_tree.root;
    struct treap_node *parent = NULL;
    while (*link != NULL) {
        parent = *link;
        link = key_before(&key, cte_of(parent)) ? &parent->left : &parent->right;
    }
    treap_insert_at(&index_tree, &cte->mdb.node, parent, link);
    mdb_entries++;
}

void mdb_remove(struct cte *cte)
{
    treap_remove(&index_tree, &cte->mdb.node);
    cte->mdb.in_index = false;
    mdb_entries--;
}

/* The first entry whose key is at least key (strictly above it when strict). */
static struct cte *first_from(const struct mdb_key *key, bool strict)
{
    struct cte *best = NULL;
    const struct treap_node *n = index_tree.root;
    while (n != NULL) {
        int cmp = cte_cmp_key(cte_of(n), key);
        if (cmp > 0 || (cmp == 0 && !strict)) {
            best = cte_of(n);
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

struct cte *mdb_first(void)
{
    return cte_of(treap_first(&index_tree));
}

struct cte *mdb_next(const struct cte *prev)
{
    return cte_of(treap_next(&prev->mdb.node));
}

struct cte *mdb_find_copy(const struct capability *cap, const struct cte *except)
{
    for (struct cte *c = mdb_first_copy(cap); c != NULL; c = mdb_next_copy(c)) {
        if (c != except) {
            return c;
        }
    }
    return NULL;
}

struct cte *mdb_first_copy(const struct capability *cap)
{
    struct mdb_key key = key_of_cap(cap, 0);
    struct cte *c = first_from(&key, false);
    return c != NULL && cap_is_copy(&c->cap, cap) ? c : NULL;
}

struct cte *mdb_next_copy(const struct cte *prev)
{
    struct cte *c = mdb_next(prev);
    return c != NULL && cap_is_copy(&c->cap, &prev->cap) ? c : NULL;
}

struct cte *mdb_find_mapped_copy(const struct capability *cap, const struct cte *except)
{
    for (struct cte *c = mdb_first_copy(cap); c != NULL; c = mdb_next_copy(c)) {
        if (c != except && c->mapping.pte_count != 0) {
            return c;
        }
    }
    return NULL;
}

bool mdb_has_copies(const struct cte *cte)
{
    return mdb_find_copy(&cte->cap, cte) != NULL;
}

struct cte *mdb_first_descendant(const struct capability *cap)
{
    struct mdb_key after_copies = key_of_cap(cap, UINTPTR_MAX);
    struct cte *n = first_from(&after_copies, true);
    return n != NULL && n->cap.base < cap_end(cap) ? n : NULL;
}

struct cte *mdb_next_descendant(const struct capability *ancestor, const struct cte *prev)
{
    struct cte *n = mdb_next(prev);
    return n != NULL && n->cap.base < cap_end(ancestor) ? n : NULL;
}

struct overlap_query {
    struct mdb_key after; /* only entries past the ancestor's copies */
    genpaddr_t base;
    genpaddr_t end;
};

/* A subtree whose objects all end at or before the range cannot overlap it. */
static bool overlap_prune(const struct treap_node *n, const void *arg)
{
    const struct overlap_query *q = arg;
    return subtree_end(n) <= q->base;
}

static enum treap_visit overlap_visit(const struct treap_node *n, const void *arg)
{
    const struct overlap_query *q = arg;
    const struct cte *c = cte_of(n);
    if (c->cap.base >= q->end) {
        return TREAP_STOP; /* everything after it starts even later */
    }
    struct mdb_key key = key_of(c);
    bool past_ancestor = key_cmp(&key, &q->after) > 0;
    return past_ancestor && cap_end(&c->cap) > q->base ? TREAP_FOUND : TREAP_CONTINUE;
}

struct cte *mdb_find_overlapping_descendant(const struct capability *ancestor, genpaddr_t base,
                                            gensize_t bytes)
{
    /* Only the part inside the ancestor can hold its descendants. */
    genpaddr_t end = base + bytes;
    struct overlap_query q = {
        .after = key_of_cap(ancestor, UINTPTR_MAX),
        .base = base > ancestor->base ? base : ancestor->base,
        .end = end < cap_end(ancestor) ? end : cap_end(ancestor),
    };
    if (q.base >= q.end) {
        return NULL;
    }
    return cte_of(treap_search(&index_tree, overlap_prune, overlap_visit, &q));
}

/* The last node of subtree n in index order whose object ends above base; NULL if none. */
static struct cte *last_ending_above(const struct treap_node *n, genpaddr_t base)
{
    if (subtree_end(n) <= base) {
        return NULL;
    }
    while (n != NULL) {
        if (subtree_end(n->right) > base) {
            n = n->right;
        } else if (cap_end(&cte_of(n)->cap) > base) {
            return cte_of(n);
        } else {
            n = n->left;
        }
    }
    return NULL;
}

/* Walks the entries before cte from the nearest back, a subtree at a time: O(height). */
struct cte *mdb_innermost_before(const struct cte *cte)
{
    genpaddr_t base = cte->cap.base;
    const struct treap_node *n = &cte->mdb.node;
    struct cte *found = last_ending_above(n->left, base);
    while (found == NULL && n->parent != NULL) {
        const struct treap_node *p = n->parent;
        if (p->right == n) {
            if (cap_end(&cte_of(p)->cap) > base) {
                return cte_of(p);
            }
            found = last_ending_above(p->left, base);
        }
        n = p;
    }
    return found;
}

size_t mdb_count(void)
{
    return mdb_entries;
}

size_t mdb_height(void)
{
    return treap_height(&index_tree);
}

/* Beyond the treap's shape: every node live, marked, and its subtree end right. */
static bool entries_hold(void)
{
    size_t count = 0;
    for (const struct cte *c = mdb_first(); c != NULL; c = mdb_next(c), count++) {
        genpaddr_t want = cap_end(&c->cap);
        genpaddr_t left = subtree_end(c->mdb.node.left);
        genpaddr_t right = subtree_end(c->mdb.node.right);
        want = left > want ? left : want;
        want = right > want ? right : want;
        if (!c->mdb.in_index || cte_is_empty(c) || c->mdb.subtree_end != want) {
            return false;
        }
    }
    return count == mdb_entries;
}

bool mdb_check_invariants(void)
{
    return treap_check(&index_tree) && entries_hold();
}
