/* libcap start-up: the allocators learn what the domain was given at boot. */
#include <libcap/libcap.h>

errval_t libcap_init(void)
{
    errval_t err = ram_alloc_init();
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_RAM_ALLOC);
    }
    vnode_alloc_init();
    slot_alloc_init();
    return SYS_ERR_OK;
}
