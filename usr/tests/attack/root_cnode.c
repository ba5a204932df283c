/* AT110: init deletes and revokes the very root CNode copy it invokes; the kernel keeps its own. */
#include "attack.h"

static const char *the_invoked_root_cnode_survives(void)
{
    ATTACK_EXPECT(invoke_cnode_delete(CAPADDR_ROOTCN, CAPADDR_ROOTCN), SYS_ERR_DELETE_ROOT_CNODE);
    ATTACK_OK(invoke_cnode_revoke(CAPADDR_ROOTCN, CAPADDR_ROOTCN));
    struct cap_identity id;
    ATTACK_OK(invoke_cap_identify(CAPADDR_ROOTCN, &id));
    ATTACK_FAIL_IF(id.type != ObjType_L1CNode);
    return attack_cspace_works();
}

int main(void)
{
    static const struct attack only = {
        "AT110", "the root CNode copy being invoked can be neither deleted nor revoked away",
        the_invoked_root_cnode_survives};
    return attack_main(&only);
}
