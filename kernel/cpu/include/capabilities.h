/* Capabilities and capability table entries, and the operations the CPU driver performs on them. */
#ifndef KERNEL_CAPABILITIES_H
#define KERNEL_CAPABILITIES_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <errors/errno.h>
#include <stddef.h>
#include <treap.h>

/* What a capability grants: a typed object at [base, base + bytes) with rights. */
struct capability {
    uint8_t type; /* enum objtype */
    caprights_t rights;
    uint32_t badge; /* an Endpoint's: delivered with every message sent through it (0: none) */
    genpaddr_t base;
    gensize_t bytes;
};

/* A node of the derivation index (mdb.c): a treap ordered by mdb_key. */
struct mdbnode {
    struct treap_node node;
    genpaddr_t subtree_end; /* the largest object end in this subtree */
    uint32_t priority;
    bool in_index;
    bool kernel_held; /* a copy the kernel keeps in its own memory (a DCB), out of any CSpace */
};

/*
 * The mapping a capability copy installed (at most one per copy): entries
 * [slot, slot + pte_count) of the table at table_base, starting offset_bytes
 * into the object. pte_count == 0 means the copy is not mapped.
 */
struct mapping_record {
    genpaddr_t table_base;
    gensize_t offset_bytes;
    uint16_t slot;
    uint16_t pte_count;
    uint8_t table_type; /* enum objtype */
};

/*
 * A capability table entry: one slot of a CNode, stored in the CNode
 * object's own memory and padded to exactly CTE_BYTES, so that a CNode of
 * n slots is n * CTE_BYTES of the RAM it was retyped from.
 */
struct cte {
    union {
        struct {
            struct capability cap;
            struct mdbnode mdb;
            struct mapping_record mapping;
            struct treap_node mapping_node; /* in the mapping index while mapped (map_index.c) */
            struct {
                struct cte *next; /* the next dying CNode's first slot */
                cslot_t slots;    /* how many slots this dying CNode has */
            } cleanup;            /* used in slot 0 of a CNode whose last copy was deleted */
        };
        uint8_t bytes[CTE_BYTES];
    };
};

_Static_assert(sizeof(struct cte) == CTE_BYTES, "struct cte must fill its slot exactly");

static inline bool cte_is_empty(const struct cte *cte)
{
    return cte->cap.type == ObjType_Null;
}

static inline genpaddr_t cap_end(const struct capability *cap)
{
    return cap->base + cap->bytes;
}

/* Two capabilities are copies when they name the same object. */
static inline bool cap_is_copy(const struct capability *a, const struct capability *b)
{
    return a->type == b->type && a->base == b->base && a->bytes == b->bytes;
}

/* The slots of a CNode capability, and how many there are. */
struct cte *cnode_slots(const struct capability *cnode);
cslot_t cnode_slot_count(const struct capability *cnode);

/* Fills an empty slot with a capability to an object made from nothing (boot only). */
void caps_create_from_nothing(struct cte *dest, enum objtype type, genpaddr_t base,
                              gensize_t bytes);

/*
 * Retype: creates count objects of type, obj_bytes each, from src starting
 * offset_bytes into it, in dest_cnode's slots [dest_slot, dest_slot + count).
 * Every check happens before anything changes; see errno.def SYS_ERR_RETYPE_*.
 */
errval_t caps_retype(struct cte *src, gensize_t offset_bytes, uint64_t type, gensize_t obj_bytes,
                     uint64_t count, struct cte *dest_cnode, uint64_t dest_slot);

/*
 * Makes held, a cte in the kernel's own memory, a copy of src that no
 * delete or revoke from a domain can remove (the loaded root table, a
 * domain's CSpace root): the hardware or the kernel uses the object.
 */
void caps_hold(struct cte *held, const struct cte *src);

/* Copies src into the empty slot dest with rights (a subset of src's rights). */
errval_t caps_copy(struct cte *dest, const struct cte *src, uint64_t rights);

/* caps_copy, and a badge (0: src's) for a copy of an unbadged Endpoint: SYS_ERR_BADGE_NOT_ENDPOINT,
   _TOO_WIDE (over 32 bits) or SYS_ERR_ENDPOINT_BADGED (src has another one) first. */
errval_t caps_mint(struct cte *dest, const struct cte *src, uint64_t rights, uint64_t badge);

/* Empties the slot; the last copy of a CNode takes the CNode's contents with it. */
errval_t caps_delete(struct cte *cte);

/* Empties each non-empty slot of the array as caps_delete does (a DCB's held copies). */
void caps_delete_array(struct cte *slots, cslot_t count);

/*
 * Deletes every other copy and every descendant of the capability in cte,
 * except spare (may be NULL: the root CNode copy the revoke is invoked
 * through, which the domain needs to go on naming its CSpace) and those
 * the kernel holds (caps_hold): they and what they cover stay.
 */
errval_t caps_revoke(struct cte *cte, const struct cte *spare);

#endif
