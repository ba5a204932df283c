/* The hosted CPU's user registers: what a switch between domains saves and loads on the host. */
#include <context.h>
#include <host_machine.h>
#include <paging.h>

#include "host_internal.h"

/* The registers the domain that runs now would have; tests read and set them. */
static struct dispatcher_save_area cpu;

struct dispatcher_save_area *host_machine_user_registers(void)
{
    return &cpu;
}

void context_save(struct dispatcher_save_area *area)
{
    *area = cpu;
}

/* As on x86-64, a pc or stack outside user space is refused before it is loaded. */
bool context_load(const struct dispatcher_save_area *area)
{
    if (!paging_user_vaddr(save_area_pc(area)) || !paging_user_vaddr(save_area_sp(area))) {
        return false;
    }
    cpu = *area;
    return true;
}

void context_switch_root(genpaddr_t root)
{
    host_set_loaded_root(root);
}
