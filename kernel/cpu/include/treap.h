/* An intrusive treap with parent links: every operation iterative, so no input deepens the stack.
 */
#ifndef KERNEL_TREAP_H
#define KERNEL_TREAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct treap_node {
    struct treap_node *left;
    struct treap_node *right;
    struct treap_node *parent;
};

/*
 * A tree and how to order, weigh and summarise its nodes. cmp orders two
 * distinct nodes (never 0 for distinct nodes); priority is drawn at random
 * for each node by its owner before insert and never changes while the node
 * is in the tree (a max-heap on it keeps the expected height logarithmic);
 * update, if not NULL, recomputes a node's summary of its subtree from its
 * children's after they changed, and says whether it changed: the climb
 * after an insert or remove stops at the first summary that did not.
 */
struct treap {
    struct treap_node *root;
    int (*cmp)(const struct treap_node *a, const struct treap_node *b);
    uint32_t (*priority)(const struct treap_node *n);
    bool (*update)(struct treap_node *n); /* true if n's summary changed */
};

void treap_insert(struct treap *t, struct treap_node *n);

/*
 * treap_insert after the caller's own descent: link is the empty child link
 * of parent (or the root link, parent NULL) where n belongs in cmp's order.
 * An owner that inserts often descends with its key in hand instead of
 * calling cmp at every level (the derivation and mapping indexes do).
 */
void treap_insert_at(struct treap *t, struct treap_node *n, struct treap_node *parent,
                     struct treap_node **link);
void treap_remove(struct treap *t, struct treap_node *n);

/* In-order traversal: the first node, and the one after n; NULL at the end. */
struct treap_node *treap_first(const struct treap *t);
struct treap_node *treap_next(const struct treap_node *n);

/* What a search decides at a node: skip its subtree, or look at it (VISIT), and then go on or stop.
 */
enum treap_visit {
    TREAP_CONTINUE, /* not this one; go on in order */
    TREAP_FOUND,    /* this one: the search returns it */
    TREAP_STOP,     /* nothing from here on in order can match */
};

/*
 * Visits nodes in order, skipping every subtree for which prune holds,
 * until visit says FOUND (returns that node) or STOP, or the end (NULL).
 * Uses no stack beyond its own frame.
 */
struct treap_node *
treap_search(const struct treap *t, bool (*prune)(const struct treap_node *n, const void *arg),
             enum treap_visit (*visit)(const struct treap_node *n, const void *arg),
             const void *arg);

/* For tests and the checker: the height, and whether links, order and heap order hold. */
size_t treap_height(const struct treap *t);
bool treap_check(const struct treap *t);

#endif
