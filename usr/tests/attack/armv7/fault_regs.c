/* AT430: a fault with the domain's sp 4 bytes off: its report must show every register whole. */
#include <attack.h>

void fault_with_known_registers(uint32_t vaddr);

int main(void)
{
    attack_expect_fault("AT430", "read 0x8 with sp 4 bytes off and r4=0x4b4b4b4b .. r11=0xb2b2b2b2"
                                 " (the report shows them whole)");
    fault_with_known_registers(8);
    return attack_survived("AT430", "the read of 0x8 did not fault");
}
