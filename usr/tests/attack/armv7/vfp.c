/* AT440: a VFP instruction. No domain has VFP state the kernel would switch, so it must fault. */
#include <attack.h>
#include <stdio.h>

/*
 * If VFP worked, s0 would keep a value for the next domain to read: a channel between domains
 * nobody granted. Without cp10/cp11 access the instruction is undefined and the domain ends
 * with the standard report. (Encoded by hand: domains are built for the soft-float ABI.)
 */
int main(void)
{
    attack_expect_kernel_line("fault in domain init: undefined instruction");
    attack_expect_fault("AT440", "a VFP add: no domain has VFP state, so it must fault");
    __asm__ volatile(".word 0xee300a00" ::: "memory"); /* vadd.f32 s0, s0, s0 */
    printf("\n");
    return attack_survived("AT440", "vadd.f32 ran");
}
