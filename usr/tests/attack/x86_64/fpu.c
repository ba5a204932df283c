/* AT309: an x87 instruction. No domain has FPU state the kernel would switch, so it must fault. */
#include <attack.h>
#include <stdio.h>

/*
 * If the FPU worked, a value loaded here would stay in st(0) for the next domain to read: a
 * channel between domains nobody granted. With CR0.EM set the load raises #NM and the domain
 * ends with the standard report.
 */
int main(void)
{
    attack_expect_kernel_line("fault in domain init: no FPU");
    attack_expect_fault("AT309", "an x87 load: no domain has FPU state, so it must fault");
    __asm__ volatile("fld1" ::: "memory");
    printf("\n");
    return attack_survived("AT309", "fld1 ran");
}
