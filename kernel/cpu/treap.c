/* The treap of treap.h: insert, remove, traversal and pruned search, all without recursion. */
#include <treap.h>

static bool refresh(const struct treap *t, struct treap_node *n)
{
    return t->update != NULL && t->update(n);
}

/* The link that points at n: its parent's child field, or the root. */
static struct treap_node **link_of(struct treap *t, struct treap_node *n)
{
    struct treap_node *p = n->parent;
    if (p == NULL) {
        return &t->root;
    }
    return p->left == n ? &p->left : &p->right;
}

/* Lifts n above its parent, keeping the order; both summaries are recomputed. */
static void rotate_up(struct treap *t, struct treap_node *n)
{
    struct treap_node *p = n->parent;
    struct treap_node **link = link_of(t, p);
    if (p->left == n) {
        p->left = n->right;
        if (n->right != NULL) {
            n->right->parent = p;
        }
        n->right = p;
    } else {
        p->right = n->left;
        if (n->left != NULL) {
            n->left->parent = p;
        }
        n->left = p;
    }
    n->parent = p->parent;
    p->parent = n;
    *link = n;
    refresh(t, p);
    refresh(t, n);
}

/* After a change below n on one path: a summary that stays the same leaves every one above it
   the same, so the climb stops there (an insert usually stops at its parent). */
static void refresh_to_root(const struct treap *t, struct treap_node *n)
{
    while (n != NULL && refresh(t, n)) {
        n = n->parent;
    }
}

void treap_insert(struct treap *t, struct treap_node *n)
{
    struct treap_node **link = &t->root;
    struct treap_node *parent = NULL;
    while (*link != NULL) {
        parent = *link;
        link = t->cmp(n, parent) < 0 ? &parent->left : &parent->right;
    }
    treap_insert_at(t, n, parent, link);
}

void treap_insert_at(struct treap *t, struct treap_node *n, struct treap_node *parent,
                     struct treap_node **link)
{
    n->left = n->right = NULL;
    refresh(t, n);
    *link = n;
    n->parent = parent;
    refresh_to_root(t, parent);
    uint32_t prio = t->priority(n);
    while (n->parent != NULL && t->priority(n->parent) < prio) {
        rotate_up(t, n);
    }
}

void treap_remove(struct treap *t, struct treap_node *n)
{
    /* Rotate the higher-priority child up until n has at most one child. */
    while (n->left != NULL && n->right != NULL) {
        bool left_wins = t->priority(n->left) > t->priority(n->right);
        rotate_up(t, left_wins ? n->left : n->right);
    }
    struct treap_node *child = n->left != NULL ? n->left : n->right;
    struct treap_node *parent = n->parent;
    *link_of(t, n) = child;
    if (child != NULL) {
        child->parent = parent;
    }
    refresh_to_root(t, parent);
    n->left = n->right = n->parent = NULL;
}

struct treap_node *treap_first(const struct treap *t)
{
    struct treap_node *n = t->root;
    while (n != NULL && n->left != NULL) {
        n = n->left;
    }
    return n;
}

struct treap_node *treap_next(const struct treap_node *n)
{
    if (n->right != NULL) {
        n = n->right;
        while (n->left != NULL) {
            n = n->left;
        }
        return (struct treap_node *)n;
    }
    while (n->parent != NULL && n->parent->right == n) {
        n = n->parent;
    }
    return n->parent;
}

/* Where a traversal stands at a node: just arrived, or back from its left or right subtree. */
enum walk_state { ARRIVED, LEFT_DONE, RIGHT_DONE };

struct treap_node *
treap_search(const struct treap *t, bool (*prune)(const struct treap_node *n, const void *arg),
             enum treap_visit (*visit)(const struct treap_node *n, const void *arg),
             const void *arg)
{
    const struct treap_node *n = t->root;
    enum walk_state state = ARRIVED;
    while (n != NULL) {
        if (state == ARRIVED && !prune(n, arg)) {
            if (n->left != NULL) {
                n = n->left;
                continue;
            }
            state = LEFT_DONE;
        }
        if (state == LEFT_DONE) {
            enum treap_visit v = visit(n, arg);
            if (v != TREAP_CONTINUE) {
                return v == TREAP_FOUND ? (struct treap_node *)n : NULL;
            }
            if (n->right != NULL) {
                n = n->right;
                state = ARRIVED;
                continue;
            }
        }
        /* This subtree is done (or pruned): back to the parent. */
        const struct treap_node *p = n->parent;
        state = p != NULL && p->left == n ? LEFT_DONE : RIGHT_DONE;
        n = p;
    }
    return NULL;
}

size_t treap_height(const struct treap *t)
{
    size_t height = 0;
    for (const struct treap_node *n = treap_first(t); n != NULL; n = treap_next(n)) {
        size_t depth = 0;
        for (const struct treap_node *a = n; a != NULL; a = a->parent) {
            depth++;
        }
        height = depth > height ? depth : height;
    }
    return height;
}

static bool links_hold(const struct treap *t, const struct treap_node *n)
{
    const struct treap_node *l = n->left;
    const struct treap_node *r = n->right;
    return (l == NULL || (l->parent == n && t->priority(l) <= t->priority(n))) &&
           (r == NULL || (r->parent == n && t->priority(r) <= t->priority(n)));
}

/* The walk in order climbs through n's parent link: it must name a node that has n as a child
   before the walk trusts it (a left child is visited before its parent's links are). */
static bool parent_holds(const struct treap *t, const struct treap_node *n)
{
    const struct treap_node *p = n->parent;
    return n == t->root || (p != NULL && (p->left == n || p->right == n));
}

bool treap_check(const struct treap *t)
{
    if (t->root != NULL && t->root->parent != NULL) {
        return false;
    }
    const struct treap_node *prev = NULL;
    for (const struct treap_node *n = treap_first(t); n != NULL; prev = n, n = treap_next(n)) {
        if (!parent_holds(t, n) || !links_hold(t, n) || (prev != NULL && t->cmp(prev, n) >= 0)) {
            return false;
        }
    }
    return true;
}
