/* What every fuzz harness shares: the libFuzzer entry, a reader of operations from bytes, findings.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The entry libFuzzer calls with each input (and replay.c with each corpus
 * file). Returns 0; a finding aborts the process, as libFuzzer expects.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The bytes not yet decoded. Reading past the end yields zeros, so every
 * prefix of an input is itself a valid input: the fuzzer's truncations and
 * insertions keep meaning something.
 */
struct fuzz_input {
    const uint8_t *data;
    size_t left;
};

static inline struct fuzz_input fuzz_input_make(const uint8_t *data, size_t size)
{
    return (struct fuzz_input){.data = data, .left = size};
}

static inline bool fuzz_more(const struct fuzz_input *in)
{
    return in->left > 0;
}

uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);
uint64_t fuzz_u64(struct fuzz_input *in);

/* A value below n (n > 0), from as few bytes as n needs. */
uint64_t fuzz_below(struct fuzz_input *in, uint64_t n);

/* Reports a finding (what was expected and what happened) and aborts. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define fuzz_expect(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fuzz_fail(__VA_ARGS__);                                                                \
        }                                                                                          \
    } while (0)

#endif
