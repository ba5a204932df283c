/* Builds the init domain's CSpace and hands it capabilities for memory. */
#include <cspace.h>
#include <mdb.h>
#include <phys_mem.h>
#include <startup.h>

void startup_init_cspace(struct dcb *init, genpaddr_t base)
{
    static const cslot_t l2_slots[INIT_L2_CNODES] = {
        ROOTCN_SLOT_TASKCN,      ROOTCN_SLOT_SUPERCN, ROOTCN_SLOT_PHYSADDRCN,
        ROOTCN_SLOT_SLOT_ALLOC0, ROOTCN_SLOT_PAGECN,  ROOTCN_SLOT_MODULECN,
    };
    gensize_t root_bytes = (gensize_t)INIT_ROOTCN_SLOTS * CTE_BYTES;

    __builtin_memset(phys_to_kernel_ptr(base), 0, INIT_CSPACE_BYTES);
    init->cspace = (struct cte){.cap = {.type = ObjType_Null}};
    caps_create_from_nothing(&init->cspace, ObjType_L1CNode, base, root_bytes);
    init->cspace.mdb.kernel_held = true;

    struct cte *l1 = cnode_slots(&init->cspace.cap);
    genpaddr_t next = base + root_bytes;
    for (int i = 0; i < INIT_L2_CNODES; i++, next += L2_CNODE_BYTES) {
        caps_create_from_nothing(&l1[l2_slots[i]], ObjType_L2CNode, next, L2_CNODE_BYTES);
    }

    struct cte *taskcn = cnode_slots(&l1[ROOTCN_SLOT_TASKCN].cap);
    caps_copy(&taskcn[TASKCN_SLOT_ROOTCN], &init->cspace, init->cspace.cap.rights);
}

errval_t startup_hand_memory(struct dcb *init, cslot_t l1_slot, enum objtype type, genpaddr_t base,
                             gensize_t bytes)
{
    struct cte *l2 = &cnode_slots(&init->cspace.cap)[l1_slot];
    struct cte *slots = cnode_slots(&l2->cap);
    for (cslot_t i = 0; i < L2_CNODE_SLOTS; i++) {
        if (cte_is_empty(&slots[i])) {
            caps_create_from_nothing(&slots[i], type, base, bytes);
            return SYS_ERR_OK;
        }
    }
    return SYS_ERR_SLOT_OUT_OF_RANGE;
}
