/* The kernel state digest of kstate.h: the derivation index walked in order, tables read whole. */
#include "kstate.h"
#include "fuzz.h"
#include <host_machine.h>
#include <mdb.h>
#include <mix.h>
#include <string.h>

static uint64_t fold_bytes(uint64_t state, const uint8_t *bytes, size_t size)
{
    for (size_t i = 0; i + sizeof(uint64_t) <= size; i += sizeof(uint64_t)) {
        uint64_t word;
        memcpy(&word, bytes + i, sizeof(word));
        state = mix64(state, word);
    }
    return state;
}

static uint64_t fold_cte(uint64_t state, const struct cte *c)
{
    const struct capability *cap = &c->cap;
    const struct mapping_record *m = &c->mapping;
    state = mix64(state, (uintptr_t)c);
    state = mix64(state, (uint64_t)cap->type << 32 | cap->rights);
    state = mix64(state, cap->base);
    state = mix64(state, cap->bytes);
    state = mix64(state, m->table_base);
    state = mix64(state, m->offset_bytes);
    return mix64(state, (uint64_t)m->slot << 32 | (uint64_t)m->pte_count << 16 | m->table_type);
}

uint64_t kstate_digest(void)
{
    uint64_t state = 0;
    for (const struct cte *c = mdb_first(); c != NULL; c = mdb_next(c)) {
        state = fold_cte(state, c);
        if (objtype_is_vnode(c->cap.type) && mdb_first_copy(&c->cap) == c) {
            state = fold_bytes(state, host_machine_phys_ptr(c->cap.base), c->cap.bytes);
        }
    }
    return state;
}

void kstate_check_answer(errval_t err, uint64_t before, bool changed_nothing, const char *what)
{
    fuzz_expect(err_no(err) < LIB_ERR_INVOKE_FAILED && err_pop(err) == SYS_ERR_OK,
                "%s: the kernel answered %#llx, not one kernel code", what,
                (unsigned long long)err);
    fuzz_expect(!(err_is_fail(err) || changed_nothing) || kstate_digest() == before,
                "%s answered %s but changed the kernel's state", what, err_getcode(err));
}
