/* AT303: fault with the direction flag set, so the kernel fault path would copy backwards. */
#include "rflags.h"
#include <attack.h>

/*
 * An exception does not clear DF (or AC). A kernel that runs its fault report without cld
 * copies and clears memory backwards (its compiler emits rep movs for struct copies): the
 * report comes out garbled or the kernel faults itself. The report must be the usual one.
 */
int main(void)
{
    attack_expect_fault("AT303", "a write through a null pointer with DF and AC set: the report "
                                 "must be intact");
    volatile uintptr_t address = 0x8;
    __asm__ volatile("pushfq\n"
                     "orq %[ac], (%%rsp)\n"
                     "popfq\n"
                     "std\n"
                     "movl $1, (%[at])\n"
                     "cld\n"
                     :
                     : [at] "r"(address), [ac] "i"(ATTACK_RFLAGS_AC)
                     : "memory");
    return attack_survived("AT303", "the null write with DF and AC set");
}
