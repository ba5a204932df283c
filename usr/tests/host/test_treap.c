/* The generic treap under the kernel's indexes: order, heap, and no recursion however deep. */
#include "fixture.h"
#include <stdlib.h>
#include <treap.h>

struct item {
    struct treap_node node;
    uint64_t key;
    uint32_t priority;
};

static struct item *item_of(const struct treap_node *n)
{
    return (struct item *)((uintptr_t)n - offsetof(struct item, node));
}

static int item_cmp(const struct treap_node *a, const struct treap_node *b)
{
    uint64_t ka = item_of(a)->key;
    uint64_t kb = item_of(b)->key;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

static uint32_t item_priority(const struct treap_node *n)
{
    return item_of(n)->priority;
}

static bool never_prune(const struct treap_node *n, const void *arg)
{
    (void)n;
    (void)arg;
    return false;
}

/* Finds the item with key *arg in order: the search must reach the bottom of the tree. */
static enum treap_visit find_key(const struct treap_node *n, const void *arg)
{
    uint64_t want = *(const uint64_t *)arg;
    return item_of(n)->key == want ? TREAP_FOUND : TREAP_CONTINUE;
}

/*
 * A spine as deep as the tree is large: keys and priorities rising together
 * make every insert the new root, with all else down its left. A guessed
 * seed could do this to the kernel's index; with recursion 200,000 levels
 * would overflow the stack, here they only cost time.
 */
#define SPINE 200000

START_TEST(a_spine_of_two_hundred_thousand_costs_no_stack)
{
    struct item *items = calloc(SPINE, sizeof(*items));
    ck_assert_ptr_nonnull(items);
    struct treap t = {.root = NULL, .cmp = item_cmp, .priority = item_priority, .update = NULL};
    for (uint32_t i = 0; i < SPINE; i++) {
        items[i] = (struct item){.key = i, .priority = i + 1};
        treap_insert(&t, &items[i].node);
    }
    ck_assert(treap_check(&t));
    ck_assert_ptr_eq(t.root, &items[SPINE - 1].node);
    ck_assert_ptr_eq(treap_first(&t), &items[0].node); /* at the bottom of the spine */
    uint64_t key = 0;
    ck_assert_ptr_eq(treap_search(&t, never_prune, find_key, &key), &items[0].node);
    /* Remove from the bottom: each removal walks the whole spine up to fix the root. */
    for (uint32_t i = 0; i < 100; i++) {
        treap_remove(&t, &items[i].node);
    }
    ck_assert(treap_check(&t));
    ck_assert_ptr_eq(treap_first(&t), &items[100].node);
    free(items);
}
END_TEST

/* Random priorities: order and heap hold through inserts and removes in any order. */
START_TEST(random_inserts_and_removes_keep_order_and_heap)
{
    enum { N = 5000 };
    static struct item items[N];
    struct treap t = {.root = NULL, .cmp = item_cmp, .priority = item_priority, .update = NULL};
    srand(7);
    for (int i = 0; i < N; i++) {
        items[i] = (struct item){.key = (uint64_t)i * 7919 % N, .priority = (uint32_t)rand()};
        treap_insert(&t, &items[i].node);
    }
    ck_assert(treap_check(&t));
    ck_assert_uint_lt(treap_height(&t), 64);
    for (int i = 0; i < N; i += 2) {
        treap_remove(&t, &items[i].node);
    }
    ck_assert(treap_check(&t));
    size_t count = 0;
    uint64_t prev = 0;
    for (const struct treap_node *n = treap_first(&t); n != NULL; n = treap_next(n), count++) {
        ck_assert(count == 0 || item_of(n)->key > prev);
        prev = item_of(n)->key;
    }
    ck_assert_uint_eq(count, N / 2);
}
END_TEST

/* The checker's first question: the root of a treap has no parent. */
START_TEST(a_root_with_a_parent_is_not_a_treap)
{
    static struct item items[3];
    struct treap t = {.root = NULL, .cmp = item_cmp, .priority = item_priority, .update = NULL};
    for (int i = 0; i < 3; i++) {
        items[i] = (struct item){.key = (uint64_t)i, .priority = (uint32_t)(10 - i)};
        treap_insert(&t, &items[i].node);
    }
    ck_assert(treap_check(&t));
    struct treap_node *child = t.root->right != NULL ? t.root->right : t.root->left;
    t.root->parent = child;
    ck_assert(!treap_check(&t));
    t.root->parent = NULL;
    ck_assert(treap_check(&t));
}
END_TEST

/*
 * Its other questions: keys in order, no child above its parent, each child (left or right)
 * naming its parent. The walk in order climbs through parent links: a left child's wrong link
 * must be seen before the walk climbs through it, which would skip the parent that has the child.
 */
START_TEST(broken_order_heap_or_links_are_not_a_treap)
{
    static struct item items[3];
    struct treap t = {.root = NULL, .cmp = item_cmp, .priority = item_priority, .update = NULL};
    const uint32_t priorities[3] = {5, 10, 6}; /* key 1 at the root, 0 left of it, 2 right */
    for (int i = 0; i < 3; i++) {
        items[i] = (struct item){.key = (uint64_t)i, .priority = priorities[i]};
        treap_insert(&t, &items[i].node);
    }
    ck_assert_ptr_eq(t.root, &items[1].node);
    ck_assert(treap_check(&t));
    items[2].key = 1; /* the same key as the root: out of order */
    ck_assert(!treap_check(&t));
    items[2].key = 2;
    for (int child = 0; child <= 2; child += 2) {
        items[child].priority = 11; /* above the root */
        ck_assert_msg(!treap_check(&t), "priority of child %d", child);
        items[child].priority = priorities[child];
        items[child].node.parent = &items[2 - child].node; /* names its sibling */
        ck_assert_msg(!treap_check(&t), "parent of child %d", child);
        items[child].node.parent = &items[1].node;
    }
    ck_assert(treap_check(&t));
}
END_TEST

Suite *treap_suite(void)
{
    Suite *s = suite_create("treap");
    TCase *tc = tcase_create("shape");
    tcase_add_test(tc, a_spine_of_two_hundred_thousand_costs_no_stack);
    tcase_add_test(tc, random_inserts_and_removes_keep_order_and_heap);
    tcase_add_test(tc, a_root_with_a_parent_is_not_a_treap);
    tcase_add_test(tc, broken_order_heap_or_links_are_not_a_treap);
    suite_add_tcase(s, tc);
    return s;
}
