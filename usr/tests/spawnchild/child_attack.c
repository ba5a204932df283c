/*
 * A hostile child: what it tries against its parent and a sibling through what it holds. Each
 * attack must be refused; the revokes at the end may succeed on the child's own copies, and the
 * parent then checks that none of its own capabilities, nor a sibling's, went with them; last,
 * the child swaps its root table's capability for a frame, which its parent's teardown must see
 * through.
 */
#include "spawnchild.h"
#include <domain_layout.h>
#include <init_cspace.h>
#include <libcap/invoke.h>

static capaddr_t own(uint32_t l1, cslot_t slot)
{
    return capaddr_make(l1, slot);
}

/*
 * Allowed, and for its parent to survive: the child's copy of its root table (the kernel keeps
 * its own while the child runs) swapped for a frame of two pages of the child's own RAM, which a
 * parent trusting that slot would give back as memory of its own.
 */
static void swap_root_table(void)
{
    struct capref vroot = {.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = PAGECN_SLOT_VROOT};
    struct capref frame;
    if (err_is_ok(frame_alloc(&frame, 2 * BASE_PAGE_BYTES, NULL)) && err_is_ok(cap_delete(vroot)) &&
        err_is_ok(cap_copy(vroot, frame))) {
        cap_destroy(frame);
    }
}

unsigned child_attack(struct capref parent, uint32_t sibling_l1, uintptr_t *first_not_refused)
{
    capaddr_t ep = get_cap_addr(parent);
    capaddr_t disp = own(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPATCHER);
    capaddr_t root = own(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_ROOTCN);
    uintptr_t w[LMP_MSG_WORDS] = {0};
    struct cap_identity id;
    errval_t attacks[] = {
        /* 1-4: the parent's Endpoint with odd flags, a capability the child lacks, too long */
        invoke_endpoint_send(ep, 0x80, 0, 1, w),
        invoke_endpoint_send(ep, LMP_SEND_CAP_COPY, own(ROOTCN_SLOT_SLOT_ALLOC0, 200), 1, w),
        invoke_endpoint_send(ep, LMP_SEND_CAP_COPY | LMP_SEND_CAP_MOVE, root, 1, w),
        invoke_endpoint_send(ep, 0, 0, LMP_MSG_WORDS + 1, w),
        /* 5-7: the parent's and a sibling's CNodes by the parent's names; past the child's root */
        invoke_cap_identify(own(sibling_l1, 0), &id),
        invoke_cap_identify(own(ROOTCN_SLOT_MODULECN, 0), &id),
        invoke_cap_identify(own(INIT_ROOTCN_SLOTS - 1, 0), &id),
        /* 8-10: its own Dispatcher set up again, an Endpoint retyped from the parent's one, the
           parent's Endpoint mapped as a page */
        invoke_dispatcher_setup(disp, root, own(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT),
                                own(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME),
                                DOMAIN_DISPATCHER_FRAME_VADDR, 0x1000, DOMAIN_STACK_TOP),
        invoke_cnode_retype(root, ep, 0, ObjType_Endpoint, DISPATCHER_BYTES, 1,
                            capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), L2_CNODE_SLOTS - 1),
        invoke_vnode_map(own(ROOTCN_SLOT_PAGECN, PAGECN_SLOT_VROOT), 0, ep, VREGION_FLAGS_READ, 0,
                         1),
    };
    unsigned refused = 0;
    *first_not_refused = 0;
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        if (err_is_fail(attacks[i])) {
            refused++;
        } else if (*first_not_refused == 0) {
            *first_not_refused = i + 1;
        }
    }
    /* What the child may revoke: copies of what the parent holds too. */
    capaddr_t revokes[] = {ep, root, disp, own(ROOTCN_SLOT_SUPERCN, 0),
                           own(ROOTCN_SLOT_TASKCN, TASKCN_SLOT_DISPFRAME)};
    for (size_t i = 0; i < sizeof(revokes) / sizeof(revokes[0]); i++) {
        invoke_cnode_revoke(root, revokes[i]);
    }
    for (uint32_t l1 = ROOTCN_SLOT_TASKCN; l1 <= ROOTCN_SLOT_PAGECN; l1++) {
        invoke_cnode_revoke(root, capaddr_l1_slot(l1));
    }
    swap_root_table(); /* last: the child's own pmap cannot map any more */
    return refused;
}
