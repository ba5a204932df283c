/* Delete and revoke: a mapped copy is unmapped, a dying CNode takes its contents along. */
#include <capabilities.h>
#include <dispatch.h>
#include <mdb.h>
#include <paging.h>

/*
 * Deleting the last copy of a CNode must also delete the capabilities stored
 * in it, and those may include last copies of further CNodes. Instead of
 * recursing (a chain of CNodes would overflow the kernel stack), dying CNodes
 * are queued through a field of their own slot 0 and emptied one by one. A
 * domain that ends queues the kernel's three copies of its DCB the same way:
 * its CSpace may hold further dispatchers and CNodes.
 */
struct cleanup_queue {
    struct cte *head;
};

static void enqueue(struct cleanup_queue *queue, struct cte *first, cslot_t slots)
{
    first->cleanup.next = queue->head;
    first->cleanup.slots = slots;
    queue->head = first;
}

static void empty_slot(struct cte *cte, struct cleanup_queue *queue)
{
    struct capability cap = cte->cap;
    /* Only tables, CNodes and dispatchers do more when their last copy goes: a frame's delete
       (every unmap of a pmap's run) spares the search for other copies. */
    bool last_copy = (objtype_is_vnode(cap.type) || objtype_is_cnode(cap.type) ||
                      cap.type == ObjType_Dispatcher) &&
                     !mdb_has_copies(cte);

    if (cte->mapping.pte_count != 0) {
        paging_unmap_record(cte);
    }
    mdb_remove(cte);
    cte->cap = (struct capability){.type = ObjType_Null};

    if (last_copy && objtype_is_vnode(cap.type)) {
        paging_table_dying(&cap);
    }
    if (last_copy && objtype_is_cnode(cap.type)) {
        enqueue(queue, cnode_slots(&cap), cnode_slot_count(&cap));
    }
    if (last_copy && cap.type == ObjType_Dispatcher) {
        struct cte *held;
        dispatcher_dying(dcb_of(&cap), &held);
        if (held != NULL) {
            enqueue(queue, held, DCB_HELD_COPIES);
        }
    }
}

static void empty_dying_cnodes(struct cleanup_queue *queue)
{
    while (queue->head != NULL) {
        struct cte *slots = queue->head;
        cslot_t count = slots->cleanup.slots;
        queue->head = slots->cleanup.next;
        slots->cleanup.next = NULL;
        slots->cleanup.slots = 0;
        for (cslot_t i = 0; i < count; i++) {
            if (!cte_is_empty(&slots[i])) {
                empty_slot(&slots[i], queue);
            }
        }
    }
}

errval_t caps_delete(struct cte *cte)
{
    if (cte_is_empty(cte)) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    struct cleanup_queue queue = {.head = NULL};
    empty_slot(cte, &queue);
    empty_dying_cnodes(&queue);
    return SYS_ERR_OK;
}

void caps_delete_array(struct cte *slots, cslot_t count)
{
    struct cleanup_queue queue = {.head = NULL};
    enqueue(&queue, slots, count);
    empty_dying_cnodes(&queue);
}

/* May revoke delete c? Not the target itself, not what it spares, not the kernel's copies. */
static bool revocable(const struct cte *c, const struct cte *target, const struct cte *spare)
{
    return c != target && c != spare && !c->mdb.kernel_held;
}

/* The first copy of cap that revoke may delete; NULL if none. */
static struct cte *revocable_copy(const struct capability *cap, const struct cte *target,
                                  const struct cte *spare)
{
    for (struct cte *c = mdb_first_copy(cap); c != NULL; c = mdb_next_copy(c)) {
        if (revocable(c, target, spare)) {
            return c;
        }
    }
    return NULL;
}

/* The first descendant of cap that revoke may delete; NULL if none. */
static struct cte *revocable_descendant(const struct capability *cap, const struct cte *target,
                                        const struct cte *spare)
{
    struct cte *d = mdb_first_descendant(cap);
    while (d != NULL && !revocable(d, target, spare)) {
        d = mdb_next_descendant(cap, d);
    }
    return d;
}

errval_t caps_revoke(struct cte *cte, const struct cte *spare)
{
    if (cte_is_empty(cte)) {
        return SYS_ERR_CAP_NOT_FOUND;
    }
    /* Work from a copy of the capability: cte itself may sit in a CNode that dies. */
    struct capability cap = cte->cap;
    struct cte *victim;
    while ((victim = revocable_copy(&cap, cte, spare)) != NULL) {
        caps_delete(victim);
    }
    while ((victim = revocable_descendant(&cap, cte, spare)) != NULL) {
        caps_delete(victim);
    }
    return SYS_ERR_OK;
}
