/* hello: retype a frame out of init's RAM and look at it. */
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <stdio.h>

int main(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    host_machine_boot(&config);
    capaddr_t ram = capaddr_make(ROOTCN_SLOT_SUPERCN, 0);
    errval_t err = invoke_cnode_retype(CAPADDR_ROOTCN, ram, 0, ObjType_Frame, 4096, 1,
                                       capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0), 0);
    struct cap_identity id = {0};
    if (err_is_ok(err)) {
        err = invoke_cap_identify(capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, 0), &id);
    }
    char text[128];
    err_format(err, text, sizeof(text));
    printf("%s: frame at 0x%llx\n", text, (unsigned long long)id.base);
    host_machine_shutdown();
    return err_is_ok(err) ? 0 : 1;
}
