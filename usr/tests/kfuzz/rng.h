/* The fuzzer's random numbers: splitmix64, so a seed names one sequence on every machine. */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [0, n); 0 for n == 0, so that an empty range never stops a run. */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
    uint64_t r = rng_next(state);
    return n != 0 ? r % n : 0;
}

/* True with probability percent / 100. */
static inline int rng_chance(uint64_t *state, unsigned percent)
{
    return rng_below(state, 100) < percent;
}

#endif
