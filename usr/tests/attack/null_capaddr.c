/* AT109: capability address 0 is the null capability: every use of it is refused, nothing changes.
 */
#include "attack.h"

static const char *the_null_address_names_nothing(void)
{
    struct capref dest;
    struct cap_identity id;
    ATTACK_OK(slot_alloc(&dest));
    capaddr_t some_cap = capaddr_make(ROOTCN_SLOT_SUPERCN, 0);
    ATTACK_EXPECT(invoke_cap_identify(0, &id), SYS_ERR_CAPADDR_NULL);
    ATTACK_EXPECT(invoke_cnode_mint(0, dest.cnode.address, dest.slot, some_cap, CAPRIGHTS_READ),
                  SYS_ERR_CAPADDR_NULL);
    ATTACK_EXPECT(invoke_cnode_copy(CAPADDR_ROOTCN, dest.cnode.address, dest.slot, 0),
                  SYS_ERR_CAPADDR_NULL);
    ATTACK_EXPECT(invoke_cnode_delete(CAPADDR_ROOTCN, 0), SYS_ERR_CAPADDR_NULL);
    ATTACK_EXPECT(invoke_cnode_revoke(CAPADDR_ROOTCN, 0), SYS_ERR_CAPADDR_NULL);
    ATTACK_OK(slot_free(dest));
    return attack_cspace_works();
}

int main(void)
{
    static const struct attack only = {
        "AT109", "capability address 0 names no slot: invoke, copy, delete, revoke are refused",
        the_null_address_names_nothing};
    return attack_main(&only);
}
