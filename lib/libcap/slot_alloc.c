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
    uint32_t next_l1; /* the next L1 slot to install a CNode in */
    uint32_t l1_end;
    size_t used;
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
    }
    sa.stack_depth = 0;
    sa.used = 0;
    sa.next_l1 = ROOTCN_SLOTS_USER;
    sa.l1_end = INIT_ROOTCN_SLOTS;
    adopt_cnode(ROOTCN_SLOT_SLOT_ALLOC0);
}

void slot_alloc_limit_l1(uint32_t l1_end)
{
    sa.l1_end = l1_end < INIT_ROOTCN_SLOTS ? l1_end : INIT_ROOTCN_SLOTS;
}

/* Installs a new L2 CNode, retyped straight from RAM into the root: no slot needed. */
static errval_t refill(void)
{
    if (sa.next_l1 >= sa.l1_end) {
        return LIB_ERR_SLOT_ALLOC_NO_SPACE;
    }
    struct ram_piece piece;
    errval_t err = ram_reserve(L2_CNODE_BYTES, BASE_PAGE_BYTES, &piece);
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_SLOT_ALLOC_REFILL);
    }
    struct capref dest = {.cnode = cnode_root(), .slot = sa.next_l1};
    err = cap_retype(dest, piece.src, piece.offset, ObjType_L2CNode, L2_CNODE_BYTES, 1);
    if (err_is_fail(err)) {
        ram_release(piece.base, piece.bytes); /* it came from the table: it fits back */
        return err_push(err, LIB_ERR_SLOT_ALLOC_REFILL);
    }
    adopt_cnode(sa.next_l1++);
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

errval_t slot_alloc(struct capref *ret)
{
    while (sa.stack_depth > 0 && sa.free_count[sa.stack[sa.stack_depth - 1]] == 0) {
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
    sa.used++;
    *ret = (struct capref){.cnode = cnode_at_l1(l1), .slot = take_free_slot(l1)};
    return SYS_ERR_OK;
}

errval_t slot_free(struct capref cap)
{
    uint32_t l1 = cap.cnode.l1_index;
    if (l1 >= INIT_ROOTCN_SLOTS || !sa.installed[l1] || cap.slot >= L2_CNODE_SLOTS) {
        return LIB_ERR_SLOT_FREE;
    }
    uint32_t bit = UINT32_C(1) << (cap.slot % 32);
    if (!(sa.used_bits[l1][cap.slot / 32] & bit)) {
        return LIB_ERR_SLOT_FREE;
    }
    sa.used_bits[l1][cap.slot / 32] &= ~bit;
    sa.free_count[l1]++;
    sa.used--;
    push_cnode(l1);
    return SYS_ERR_OK;
}

size_t slot_alloc_used(void)
{
    return sa.used;
}
