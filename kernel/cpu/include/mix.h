/* Mixing 64-bit words: the kernel's one bit mixer, for treap priorities and boot seeds. */
#ifndef KERNEL_MIX_H
#define KERNEL_MIX_H

#include <stdint.h>

/* Folds input into state with splitmix64's step and finaliser: every input bit reaches every
   output bit. */
static inline uint64_t mix64(uint64_t state, uint64_t input)
{
    uint64_t z = state + input + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

#endif
