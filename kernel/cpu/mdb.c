/* The derivation index: a treap of all live capabilities, augmented with subtree ends. */
#include <mdb.h>

struct mdb_key {
    genpaddr_t base;
    genpaddr_t end;
    uint8_t rank;
    uint8_t type;
    uintptr_t slot; /* the cte address: makes every key unique */
};

static struct cte *mdb_root;
static uint64_t priority_state;

void mdb_init(uint64_t priority_seed)
{
    mdb_root = NULL;
    priority_state = priority_seed;
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

/* The next treap priority: splitmix64 over the seeded state. */
static uint32_t next_priority(void)
{
    uint64_t x = (priority_state += UINT64_C(0x9e3779b97f4a7c15));
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return (uint32_t)((x ^ (x >> 31)) >> 32);
}

static genpaddr_t subtree_end(const struct cte *n)
{
    return n == NULL ? 0 : n->mdb.subtree_end;
}

static void update(struct cte *n)
{
    genpaddr_t end = cap_end(&n->cap);
    genpaddr_t left = subtree_end(n->mdb.left);
    genpaddr_t right = subtree_end(n->mdb.right);
    if (left > end) {
        end = left;
    }
    if (right > end) {
        end = right;
    }
    n->mdb.subtree_end = end;
}

static void rotate_right(struct cte **link)
{
    struct cte *n = *link;
    struct cte *l = n->mdb.left;
    n->mdb.left = l->mdb.right;
    l->mdb.right = n;
    update(n);
    update(l);
    *link = l;
}

static void rotate_left(struct cte **link)
{
    struct cte *n = *link;
    struct cte *r = n->mdb.right;
    n->mdb.right = r->mdb.left;
    r->mdb.left = n;
    update(n);
    update(r);
    *link = r;
}

static void insert_at(struct cte **link, struct cte *node, const struct mdb_key *key)
{
    struct cte *n = *link;
    if (n == NULL) {
        *link = node;
        return;
    }
    struct mdb_key nkey = key_of(n);
    if (key_cmp(key, &nkey) < 0) {
        insert_at(&n->mdb.left, node, key);
        if (n->mdb.left->mdb.priority > n->mdb.priority) {
            rotate_right(link);
            return;
        }
    } else {
        insert_at(&n->mdb.right, node, key);
        if (n->mdb.right->mdb.priority > n->mdb.priority) {
            rotate_left(link);
            return;
        }
    }
    update(n);
}

void mdb_insert(struct cte *cte)
{
    struct mdb_key key = key_of(cte);
    cte->mdb.left = NULL;
    cte->mdb.right = NULL;
    cte->mdb.priority = next_priority();
    cte->mdb.in_index = true;
    update(cte);
    insert_at(&mdb_root, cte, &key);
}

/* Rotates the node at *link down until it has at most one child, then unlinks it. */
static void unlink_at(struct cte **link)
{
    struct cte *n = *link;
    if (n->mdb.left == NULL) {
        *link = n->mdb.right;
    } else if (n->mdb.right == NULL) {
        *link = n->mdb.left;
    } else if (n->mdb.left->mdb.priority > n->mdb.right->mdb.priority) {
        rotate_right(link);
        unlink_at(&(*link)->mdb.right);
        update(*link);
    } else {
        rotate_left(link);
        unlink_at(&(*link)->mdb.left);
        update(*link);
    }
}

static void remove_at(struct cte **link, const struct mdb_key *key)
{
    struct cte *n = *link;
    struct mdb_key nkey = key_of(n);
    int cmp = key_cmp(key, &nkey);
    if (cmp == 0) {
        unlink_at(link);
        return;
    }
    remove_at(cmp < 0 ? &n->mdb.left : &n->mdb.right, key);
    update(n);
}

void mdb_remove(struct cte *cte)
{
    struct mdb_key key = key_of(cte);
    remove_at(&mdb_root, &key);
    cte->mdb.left = NULL;
    cte->mdb.right = NULL;
    cte->mdb.in_index = false;
}

/* The first entry whose key is at least key (strictly above it when strict). */
static struct cte *first_from(const struct mdb_key *key, bool strict)
{
    struct cte *best = NULL;
    struct cte *n = mdb_root;
    while (n != NULL) {
        struct mdb_key nkey = key_of(n);
        int cmp = key_cmp(&nkey, key);
        if (cmp > 0 || (cmp == 0 && !strict)) {
            best = n;
            n = n->mdb.left;
        } else {
            n = n->mdb.right;
        }
    }
    return best;
}

struct cte *mdb_find_copy(const struct capability *cap, const struct cte *except)
{
    struct mdb_key key = key_of_cap(cap, 0);
    struct cte *c = first_from(&key, false);
    while (c != NULL && cap_is_copy(&c->cap, cap)) {
        if (c != except) {
            return c;
        }
        key = key_of(c);
        c = first_from(&key, true);
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
    struct mdb_key key = key_of(prev);
    struct cte *c = first_from(&key, true);
    return c != NULL && cap_is_copy(&c->cap, &prev->cap) ? c : NULL;
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
    struct mdb_key key = key_of(prev);
    struct cte *n = first_from(&key, true);
    return n != NULL && n->cap.base < cap_end(ancestor) ? n : NULL;
}

struct overlap_query {
    struct mdb_key after; /* only entries past the ancestor's copies */
    genpaddr_t base;
    genpaddr_t end;
};

static struct cte *find_overlap(struct cte *n, const struct overlap_query *q)
{
    if (n == NULL || n->mdb.subtree_end <= q->base) {
        return NULL;
    }
    struct mdb_key nkey = key_of(n);
    bool past_ancestor = key_cmp(&nkey, &q->after) > 0;
    if (past_ancestor) {
        struct cte *found = find_overlap(n->mdb.left, q);
        if (found != NULL) {
            return found;
        }
        if (n->cap.base < q->end && cap_end(&n->cap) > q->base) {
            return n;
        }
    }
    if (n->cap.base >= q->end) {
        return NULL; /* everything to the right starts even later */
    }
    return find_overlap(n->mdb.right, q);
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
    return find_overlap(mdb_root, &q);
}

struct mapping_query {
    genpaddr_t table_base;
    cslot_t slot;
    genpaddr_t paddr;
};

static bool records_mapping(const struct cte *n, const struct mapping_query *q)
{
    const struct mapping_record *m = &n->mapping;
    return m->pte_count != 0 && m->table_base == q->table_base && q->slot >= m->slot &&
           q->slot < (cslot_t)m->slot + m->pte_count;
}

/* Visits the nodes whose object contains paddr, skipping subtrees that cannot. */
static struct cte *find_mapping_from(struct cte *n, const struct mapping_query *q)
{
    if (n == NULL || n->mdb.subtree_end <= q->paddr) {
        return NULL;
    }
    struct cte *found = find_mapping_from(n->mdb.left, q);
    if (found != NULL) {
        return found;
    }
    if (n->cap.base <= q->paddr && q->paddr < cap_end(&n->cap) && records_mapping(n, q)) {
        return n;
    }
    return n->cap.base > q->paddr ? NULL : find_mapping_from(n->mdb.right, q);
}

struct cte *mdb_find_mapping(genpaddr_t table_base, cslot_t slot, genpaddr_t paddr)
{
    struct mapping_query q = {.table_base = table_base, .slot = slot, .paddr = paddr};
    return find_mapping_from(mdb_root, &q);
}

static size_t count_from(const struct cte *n)
{
    return n == NULL ? 0 : 1 + count_from(n->mdb.left) + count_from(n->mdb.right);
}

size_t mdb_count(void)
{
    return count_from(mdb_root);
}

static size_t height_from(const struct cte *n)
{
    if (n == NULL) {
        return 0;
    }
    size_t left = height_from(n->mdb.left);
    size_t right = height_from(n->mdb.right);
    return 1 + (left > right ? left : right);
}

size_t mdb_height(void)
{
    return height_from(mdb_root);
}

struct invariant_walk {
    const struct cte *prev;
    bool ok;
};

static void check_from(const struct cte *n, struct invariant_walk *w)
{
    if (n == NULL || !w->ok) {
        return;
    }
    const struct cte *l = n->mdb.left;
    const struct cte *r = n->mdb.right;
    genpaddr_t end = cap_end(&n->cap);
    genpaddr_t want = end;
    want = subtree_end(l) > want ? subtree_end(l) : want;
    want = subtree_end(r) > want ? subtree_end(r) : want;
    if (!n->mdb.in_index || n->mdb.subtree_end != want || cte_is_empty(n) ||
        (l != NULL && l->mdb.priority > n->mdb.priority) ||
        (r != NULL && r->mdb.priority > n->mdb.priority)) {
        w->ok = false;
        return;
    }
    check_from(l, w);
    if (w->prev != NULL) {
        struct mdb_key a = key_of(w->prev);
        struct mdb_key b = key_of(n);
        if (key_cmp(&a, &b) >= 0) {
            w->ok = false;
        }
    }
    w->prev = n;
    check_from(r, w);
}

bool mdb_check_invariants(void)
{
    struct invariant_walk w = {.prev = NULL, .ok = true};
    check_from(mdb_root, &w);
    return w.ok;
}
