/* Replay helpers for the tests the kernel fuzzer prints: one call, its exact error, the line. */
#include "fuzz_replay.h"

void fuzz_replay(enum err_code expect, const uintptr_t regs[SYSCALL_REGS], int line)
{
    errval_t got = host_syscall(regs).error;
    ck_assert_msg(got == (errval_t)expect, "line %d: expected %s, got %s", line,
                  err_getcode(expect), err_getcode(got));
}

void fuzz_replay_load_root(enum err_code expect, capaddr_t addr, int line)
{
    errval_t got = host_machine_load_root(addr);
    ck_assert_msg(got == (errval_t)expect, "line %d: load root 0x%x: expected %s, got %s", line,
                  addr, err_getcode(expect), err_getcode(got));
}

void fuzz_replay_identify(capaddr_t addr, enum objtype type, genpaddr_t base, gensize_t bytes,
                          caprights_t rights, int line)
{
    struct cap_identity id = {0};
    errval_t err = invoke_cap_identify(addr, &id);
    ck_assert_msg(err == SYS_ERR_OK, "line %d: identify 0x%x: %s", line, addr, err_getcode(err));
    ck_assert_msg(id.type == type && id.base == base && id.bytes == bytes && id.rights == rights,
                  "line %d: 0x%x is %s 0x%llx+0x%llx rights 0x%x, expected %s 0x%llx+0x%llx "
                  "rights 0x%x",
                  line, addr, objtype_name(id.type), (unsigned long long)id.base,
                  (unsigned long long)id.bytes, id.rights, objtype_name(type),
                  (unsigned long long)base, (unsigned long long)bytes, rights);
}

void fuzz_replay_identify_word(capaddr_t addr, uintptr_t word, int line)
{
    struct cap_identity id = {0};
    errval_t err = invoke_cap_identify(addr, &id);
    ck_assert_msg(err == SYS_ERR_OK, "line %d: identify 0x%x: %s", line, addr, err_getcode(err));
    ck_assert_msg(id.type_word == word, "line %d: 0x%x says word 0x%llx, expected 0x%llx", line,
                  addr, (unsigned long long)id.type_word, (unsigned long long)word);
}

void fuzz_replay_translate(uint64_t vaddr, uintptr_t where, uintptr_t page, int line)
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, DEBUG_TRANSLATE, (uintptr_t)vaddr};
    struct sysret ret = host_syscall(regs);
    ck_assert_msg(ret.error == SYS_ERR_OK, "line %d: translate 0x%llx: %s", line,
                  (unsigned long long)vaddr, err_getcode(ret.error));
    ck_assert_msg(ret.value[0] == where && ret.value[1] == page,
                  "line %d: translate 0x%llx ends at 0x%llx (page 0x%llx), expected 0x%llx (page "
                  "0x%llx)",
                  line, (unsigned long long)vaddr, (unsigned long long)ret.value[0],
                  (unsigned long long)ret.value[1], (unsigned long long)where,
                  (unsigned long long)page);
}
