/* What the booted ARMv7 kernel tells the page-table format code about the CPU it runs on. */
#ifndef ARMV7_PAGING_H
#define ARMV7_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether user entries carry PXN (privileged execute never). On by default:
 * the target (Cortex-A15) has it, and the host build models that CPU. The
 * boot code turns it off on a CPU without it, where the bits mean something
 * else (a 0b11 L1 entry would be a translation fault).
 */
void armv7_paging_set_pxn(bool available);
bool armv7_paging_pxn(void);

/* Does ID_MMFR0 (its VMSA support field, bits 3:0) say the CPU implements PXN? (>= 4) */
static inline bool armv7_mmfr0_has_pxn(uint32_t id_mmfr0)
{
    return (id_mmfr0 & 0xfu) >= 4;
}

#endif
