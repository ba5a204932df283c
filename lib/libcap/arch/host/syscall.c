/* The hosted trap: the same words a hardware system call carries, passed to the hosted kernel. */
#include <host_machine.h>
#include <libcap/syscalls.h>

struct sysret syscall_raw(const uintptr_t regs[SYSCALL_REGS])
{
    return host_syscall(regs);
}
