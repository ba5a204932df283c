/* What the tests the kernel fuzzer prints (usr/tests/kfuzz) replay their steps with. */
#ifndef HOST_TEST_FUZZ_REPLAY_H
#define HOST_TEST_FUZZ_REPLAY_H

#include "fixture.h"

/* Makes the system call regs and asserts its error is exactly expect (line: the test's line). */
void fuzz_replay(enum err_code expect, const uintptr_t regs[SYSCALL_REGS], int line);
/* host_machine_load_root(addr), asserting its error. */
void fuzz_replay_load_root(enum err_code expect, capaddr_t addr, int line);
/* Asserts what identify says of addr. */
void fuzz_replay_identify(capaddr_t addr, enum objtype type, genpaddr_t base, gensize_t bytes,
                          caprights_t rights, int line);

/* Asserts identify's word of the type (value[4]: a dispatcher's state and exit status). */
void fuzz_replay_identify_word(capaddr_t addr, uintptr_t word, int line);

/* DEBUG_TRANSLATE of vaddr: OK, with value[0] (level, present, size) and value[1] (the page). */
void fuzz_replay_translate(uint64_t vaddr, uintptr_t where, uintptr_t page, int line);

/* A system call by its words, unused trailing words zero. */
#define FUZZ_SYSCALL(expect, ...)                                                                  \
    fuzz_replay((expect), (const uintptr_t[SYSCALL_REGS]){__VA_ARGS__}, __LINE__)
/* An invocation: the invoked address, the command, its arguments. */
#define FUZZ_INVOKE(expect, ...) FUZZ_SYSCALL((expect), SYSCALL_INVOKE, __VA_ARGS__)
#define FUZZ_LOAD_ROOT(expect, addr) fuzz_replay_load_root((expect), (addr), __LINE__)
#define FUZZ_CHECK_KERNEL() FUZZ_SYSCALL(SYS_ERR_OK, SYSCALL_DEBUG, DEBUG_CHECK_KERNEL)
#define FUZZ_IDENTIFY(addr, type, base, bytes, rights)                                             \
    fuzz_replay_identify((addr), (type), (base), (bytes), (rights), __LINE__)
#define FUZZ_IDENTIFY_WORD(addr, word) fuzz_replay_identify_word((addr), (word), __LINE__)
#define FUZZ_TRANSLATE(vaddr, where, page) fuzz_replay_translate((vaddr), (where), (page), __LINE__)
#define FUZZ_EMPTY(addr) FUZZ_INVOKE(SYS_ERR_CAP_NOT_FOUND, (addr), CMD_IDENTIFY)

/* The tests the fuzzer found, pasted in (test_fuzz_found.c). */
Suite *fuzz_found_suite(void);

#endif
