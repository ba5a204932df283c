/* The slot allocator: a bitmap per L2 CNode and a stack of CNodes that have free slots. */
#include <libcap/caps.h>
#include <libcap/ram_alloc.h>
#include <libcap/slot_alloc.h>

#define WORDS_PER_CNODE ((int)(L2_CNODE_SLOTS / 32))

static struct {
    uint32_t used_bits[INIT_ROOTCN_SLOTS][WORDS_PER_CNODE]; /* 1: handed out */
    uint16_t free_count[INIT_ROOTCN_SLOTS];
    bool installed[INIT_ROOTCN_SLOTS];
    bool on_stack[INIT_ROOTCN_SLOTS];
    uint32_t stack[INIT_ROOTCN_SLOTS]; /* L1 indexes of CNodes with free slots */
    uint32_t stack_depth;
    uint32_t empty[INIT_ROOTCN_SLOTS]; /* CNodes that were entirely free when last freed into */
    bool on_empty[INIT_ROOTCN_SLOTS];  /* listed in empty: each CNode at most once */
    uint32_t empty_count;
    uint32_t retired[INIT_ROOTCN_SLOTS]; /* L1 slots whose CNode was given back */
    uint32_t retired_count;
    bool lent[INIT_ROOTCN_SLOTS]; /* L1 slots slot_alloc_l1 handed out */
    size_t lent_count;
    struct slot_redirect *redirect; /* where slot_alloc goes instead, if set */
    uint32_t next_l1;               /* the next never-used L1 slot */
    uint32_t l1_end;
    size_t used;
    size_t free_slots;
} sa;

static void push_cnode(uint32_t l1)
{
    if (!sa.on_stack[l1]) {
        sa.on_stack[l1] = true;
        sa.stack[sa.stack_depth++] = l1;
    }
}

static void adopt_cnode(uint32_t l1)
{
    sa.installed[l1] = true;
    sa.free_count[l1] = L2_CNODE_SLOTS;
    sa.free_slots += L2_CNODE_SLOTS;
    for (int w = 0; w < WORDS_PER_CNODE; w++) {
        sa.used_bits[l1][w] = 0;
    }
    push_cnode(l1);
}

void slot_alloc_init(void)
{
    for (uint32_t i = 0; i < INIT_ROOTCN_SLOTS; i++) {
        sa.installed[i] = false;
        sa.on_stack[i] = false;
        sa.on_empty[i] = false;
        sa.lent[i] = false;
    }
    sa.lent_count = 0;
    sa.redirect = NULL;
    sa.stack_depth = 0;
    sa.empty_count = 0;
    sa.retired_count = 0;
    sa.used = 0;
    sa.free_slots = 0;
    sa.next_l1 = ROOTCN_SLOTS_USER;
    sa.l1_end = INIT_ROOTCN_SLOTS;
    /* A spawned domain's root CNode may be smaller than init's: new CNodes must fit into it. */
    struct capref root = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_ROOTCN};
    struct cap_identity id;
    if (err_is_ok(cap_identify(root, &id)) && id.type == ObjType_L1CNode) {
        slot_alloc_limit_l1((uint32_t)(id.bytes / CTE_BYTES));
    }
    adopt_cnode(ROOTCN_SLOT_SLOT_ALLOC0);
}

void slot_alloc_limit_l1(uint32_t l1_end)
{
    sa.l1_end = l1_end < INIT_ROOTCN_SLOTS ? l1_end : INIT_ROOTCN_SLOTS;
}

/* An L1 slot for a new CNode: one given back earlier, or the next never used. */
static bool free_l1(uint32_t *ret)
{
    for (uint32_t i = sa.retired_count; i > 0; i--) {
        if (sa.retired[i - 1] < sa.l1_end) {
            *ret = sa.retired[i - 1];
            sa.retired[i - 1] = sa.retired[--sa.retired_count];
            return true;
        }
    }
    if (sa.next_l1 < sa.l1_end) {
        *ret = sa.next_l1++;
        return true;
    }
    return false;
}

/* Installs a new L2 CNode, retyped straight from RAM into the root: no slot needed. */
static errval_t refill(void)
{
    uint32_t l1;
    if (!free_l1(&l1)) {
        return LIB_ERR_SLOT_ALLOC_NO_SPACE;
    }
    struct ram_piece piece;
    errval_t err = ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece);
    if (err_is_fail(err)) {
        sa.retired[sa.retired_count++] = l1; /* free for the next try */
        return err_push(err, LIB_ERR_SLOT_ALLOC_REFILL);
    }
    struct capref dest = {.cnode = cnode_root(), .slot = l1};
    err = cap_retype(dest, piece.src, piece.offset, ObjType_L2CNode, L2_CNODE_BYTES, 1);
    if (err_is_fail(err)) {
        ram_release(piece.base, piece.bytes); /* it came from the table: it fits back */
        sa.retired[sa.retired_count++] = l1;
        return err_push(err, LIB_ERR_SLOT_ALLOC_REFILL);
    }
    adopt_cnode(l1);
    return SYS_ERR_OK;
}

static cslot_t take_free_slot(uint32_t l1)
{
    for (int w = 0; w < WORDS_PER_CNODE; w++) {
        if (sa.used_bits[l1][w] != UINT32_MAX) {
            int bit = __builtin_ctz(~sa.used_bits[l1][w]);
            sa.used_bits[l1][w] |= UINT32_C(1) << bit;
            return (cslot_t)(w * 32 + bit);
        }
    }
    return 0; /* unreachable: free_count said there was one */
}

errval_t slot_alloc_l1(uint32_t *ret)
{
    if (!free_l1(ret)) {
        return LIB_ERR_SLOT_ALLOC_NO_SPACE;
    }
    sa.lent[*ret] = true;
    sa.lent_count++;
    return SYS_ERR_OK;
}

errval_t slot_free_l1(uint32_t l1)
{
    if (l1 >= INIT_ROOTCN_SLOTS || !sa.lent[l1]) {
        return LIB_ERR_SLOT_FREE;
    }
    sa.lent[l1] = false;
    sa.lent_count--;
    sa.retired[sa.retired_count++] = l1;
    return SYS_ERR_OK;
}

size_t slot_alloc_l1_lent(void)
{
    return sa.lent_count;
}

struct slot_redirect *slot_alloc_redirect(struct slot_redirect *r)
{
    struct slot_redirect *previous = sa.redirect;
    sa.redirect = r;
    return previous;
}

static errval_t redirected_alloc(struct slot_redirect *r, struct capref *ret)
{
    for (cslot_t slot = 0; slot < L2_CNODE_SLOTS; slot++) {
        uint32_t bit = UINT32_C(1) << (slot % 32);
        if (!(r->used[slot / 32] & bit)) {
            r->used[slot / 32] |= bit;
            *ret = (struct capref){.cnode = cnode_at_l1(r->l1), .slot = slot};
            return SYS_ERR_OK;
        }
    }
    return err_push(LIB_ERR_SLOT_REDIRECT_FULL, LIB_ERR_SLOT_ALLOC);
}

static errval_t redirected_free(struct slot_redirect *r, struct capref cap)
{
    uint32_t bit = UINT32_C(1) << (cap.slot % 32);
    if (cap.slot >= L2_CNODE_SLOTS || !(r->used[cap.slot / 32] & bit)) {
        return LIB_ERR_SLOT_FREE;
    }
    r->used[cap.slot / 32] &= ~bit;
    return SYS_ERR_OK;
}

errval_t slot_alloc(struct capref *ret)
{
    if (sa.redirect != NULL) {
        return redirected_alloc(sa.redirect, ret);
    }
    while (sa.stack_depth > 0 && (sa.free_count[sa.stack[sa.stack_depth - 1]] == 0 ||
                                  !sa.installed[sa.stack[sa.stack_depth - 1]])) {
        sa.on_stack[sa.stack[--sa.stack_depth]] = false;
    }
    if (sa.stack_depth == 0) {
        errval_t err = refill();
        if (err_is_fail(err)) {
            return err_push(err, LIB_ERR_SLOT_ALLOC);
        }
    }
    uint32_t l1 = sa.stack[sa.stack_depth - 1];
    sa.free_count[l1]--;
    sa.free_slots--;
    sa.used++;
    *ret = (struct capref){.cnode = cnode_at_l1(l1), .slot = take_free_slot(l1)};
    return SYS_ERR_OK;
}

/* Takes the lowest count slots of a 32-slot word of l1 that has them free; false if none has. */
static bool take_free_run(uint32_t l1, size_t count, cslot_t *ret)
{
    uint32_t run = count == 32 ? UINT32_MAX : (UINT32_C(1) << count) - 1;
    for (int w = 0; w < WORDS_PER_CNODE; w++) {
        if ((sa.used_bits[l1][w] & run) == 0) {
            sa.used_bits[l1][w] |= run;
            *ret = (cslot_t)(w * 32);
            return true;
        }
    }
    return false;
}

errval_t slot_alloc_run(size_t count, struct capref *first)
{
    if (count == 0 || count > 32 || sa.redirect != NULL) {
        return err_push(LIB_ERR_SLOT_RUN, LIB_ERR_SLOT_ALLOC);
    }
    if (count == 1) {
        return slot_alloc(first); /* any free slot: runs start at a word, a slot need not */
    }
    /* The CNodes with free slots, newest first; a fresh one when none has the run. */
    for (uint32_t i = sa.stack_depth;; i--) {
        if (i == 0) {
            errval_t err = refill();
            if (err_is_fail(err)) {
                return err_push(err, LIB_ERR_SLOT_ALLOC);
            }
            i = sa.stack_depth;
        }
        uint32_t l1 = sa.stack[i - 1];
        cslot_t slot;
        if (sa.installed[l1] && sa.free_count[l1] >= count && take_free_run(l1, count, &slot)) {
            sa.free_count[l1] = (uint16_t)(sa.free_count[l1] - count);
            sa.free_slots -= count;
            sa.used += count;
            *first = (struct capref){.cnode = cnode_at_l1(l1), .slot = slot};
            return SYS_ERR_OK;
        }
    }
}

/* Gives an empty CNode's memory back and remembers its L1 slot for reuse. */
static bool retire_cnode(uint32_t l1)
{
    struct capref cnode = {.cnode = cnode_root(), .slot = l1};
    struct cap_identity id;
    if (err_is_fail(cap_identify(cnode, &id)) || err_is_fail(cap_delete(cnode))) {
        return false; /* keep it: still usable */
    }
    ram_release(id.base, id.bytes); /* it came from the table: it fits back */
    sa.installed[l1] = false;
    sa.free_slots -= L2_CNODE_SLOTS;
    sa.retired[sa.retired_count++] = l1;
    return true;
}

/*
 * Retires entirely free CNodes (never init's SLOT_ALLOC0, which did not come
 * from the RAM allocator) while other free slots remain, so that the next
 * alloc needs no refill and alternating alloc and free does not churn.
 */
static void retire_spare_cnodes(void)
{
    while (sa.empty_count > 0 && sa.free_slots > L2_CNODE_SLOTS) {
        uint32_t l1 = sa.empty[--sa.empty_count];
        sa.on_empty[l1] = false;
        if (sa.installed[l1] && sa.free_count[l1] == L2_CNODE_SLOTS && !retire_cnode(l1)) {
            return;
        }
    }
}

errval_t slot_free(struct capref cap)
{
    uint32_t l1 = cap.cnode.l1_index;
    if (sa.redirect != NULL && l1 == sa.redirect->l1) {
        return redirected_free(sa.redirect, cap);
    }
    if (l1 >= INIT_ROOTCN_SLOTS || !sa.installed[l1] || cap.slot >= L2_CNODE_SLOTS) {
        return LIB_ERR_SLOT_FREE;
    }
    uint32_t bit = UINT32_C(1) << (cap.slot % 32);
    if (!(sa.used_bits[l1][cap.slot / 32] & bit)) {
        return LIB_ERR_SLOT_FREE;
    }
    sa.used_bits[l1][cap.slot / 32] &= ~bit;
    sa.free_count[l1]++;
    sa.free_slots++;
    sa.used--;
    push_cnode(l1);
    if (sa.free_count[l1] == L2_CNODE_SLOTS && l1 != ROOTCN_SLOT_SLOT_ALLOC0 && !sa.on_empty[l1]) {
        sa.on_empty[l1] = true;
        sa.empty[sa.empty_count++] = l1;
    }
    retire_spare_cnodes();
    return SYS_ERR_OK;
}

size_t slot_alloc_used(void)
{
    return sa.used;
}

size_t slot_alloc_cnodes(void)
{
    size_t n = 0;
    for (uint32_t i = 0; i < INIT_ROOTCN_SLOTS; i++) {
        n += sa.installed[i];
    }
    return n;
}
