/* Running a sequence: each step on the kernel and on the model, then the checker and identify. */
#include "kfuzz.h"
#include "view.h"

#include <host_machine.h>
#include <string.h>

static char console[64 * 1024]; /* the kernel's dumps and exit lines go here, not to stdout */

struct run {
    struct model m;
    struct view self; /* the CSpace of the domain that runs */
    const struct fuzz_options *opt;
    struct fuzz_counts *counts;
};

static struct sysret kernel_identify(uint64_t addr)
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_INVOKE, addr, CMD_IDENTIFY};
    return host_syscall(regs);
}

/* Does the slot at loc read back through identify as the model has it? */
static bool slot_agrees(struct run *r, struct mloc loc, uint32_t addr, struct failure *f)
{
    const struct mcap *c = model_at(&r->m, loc);
    struct sysret got = kernel_identify(addr);
    r->counts->identifies++;
    uintptr_t word = c != NULL ? model_type_word(&r->m, c) : 0;
    bool same = c == NULL ? got.error == SYS_ERR_CAP_NOT_FOUND
                          : got.error == SYS_ERR_OK && got.value[0] == c->type &&
                                got.value[1] == c->base && got.value[2] == c->bytes &&
                                got.value[3] == c->rights && got.value[4] == word;
    if (!same) {
        *f = (struct failure){.kind = FAIL_SLOT,
                              .expected = c == NULL ? SYS_ERR_CAP_NOT_FOUND : SYS_ERR_OK,
                              .got = got.error,
                              .addr = addr};
        memcpy(f->got_values, got.value, sizeof(f->got_values));
        if (c != NULL) {
            uintptr_t v[SYSRET_VALUES] = {c->type, (uintptr_t)c->base, (uintptr_t)c->bytes,
                                          c->rights, word};
            memcpy(f->values, v, sizeof(v));
        }
    }
    return same;
}

/* The slots the last step changed, as far as the caller's CSpace reaches them. */
static bool verify_touched(struct run *r, struct failure *f)
{
    if (r->m.touched_count == 0) {
        return true;
    }
    view_build(&r->self, &r->m, model_caller_root(&r->m));
    for (size_t i = 0; i < r->m.touched_count; i++) {
        uint32_t addr = view_addr_of(&r->self, model_caller_root(&r->m), r->m.touched[i]);
        if (addr != 0 && !slot_agrees(r, r->m.touched[i], addr, f)) {
            return false;
        }
    }
    return true;
}

/* Every slot of every L2 CNode in the caller's root, and the root's first and last slots. */
static bool verify_all(struct run *r, struct failure *f)
{
    const struct mcap *root = model_caller_root(&r->m);
    view_build(&r->self, &r->m, root);
    for (size_t j = 0; j < r->self.l2_count; j++) {
        bool first = true;
        for (size_t k = 0; k < j; k++) {
            first = first && r->self.l2_base[k] != r->self.l2_base[j];
        }
        for (cslot_t s = 0; first && s < L2_CNODE_SLOTS; s++) {
            uint32_t addr = capaddr_make(r->self.l2_index[j], s);
            if (addr != 0 && !slot_agrees(r, (struct mloc){r->self.l2_base[j], s}, addr, f)) {
                return false;
            }
        }
    }
    uint32_t slots = (uint32_t)(root->bytes / CTE_BYTES);
    for (uint32_t s = 0; s < slots; s = s == 63 ? slots - 1 : s + 1) {
        if (!slot_agrees(r, (struct mloc){root->base, s}, capaddr_l1_slot(s), f)) {
            return false;
        }
    }
    return true;
}

static bool kernel_check(struct run *r, struct failure *f)
{
    uintptr_t regs[SYSCALL_REGS] = {SYSCALL_DEBUG, DEBUG_CHECK_KERNEL};
    struct sysret got = host_syscall(regs);
    r->counts->checks++;
    if (got.error != SYS_ERR_OK) {
        *f = (struct failure){.kind = FAIL_CHECKER,
                              .expected = KCHECK_OK,
                              .got =
                                  got.error == SYS_ERR_KERNEL_INVARIANT ? got.value[0] : got.error};
        return false;
    }
    return true;
}

/* One step on both; false with *f filled if they disagree. */
static bool run_step(struct run *r, const struct step *s, struct failure *f)
{
    struct sysret want, got;
    bool ran_as_other = !model_init_runs(&r->m);
    if (s->kind == STEP_LOAD_ROOT && ran_as_other) {
        *f = (struct failure){.kind = FAIL_UNSOUND}; /* a shrinking trial moved it */
        return false;
    }
    if (s->kind == STEP_LOAD_ROOT) {
        want.error = model_load_root(&r->m, (capaddr_t)s->w[1]);
        got.error = host_machine_load_root((capaddr_t)s->w[1]);
    } else {
        want = model_syscall(&r->m, s->w);
        got = host_syscall(s->w);
    }
    r->counts->steps++;
    r->counts->foreign_steps += ran_as_other;
    size_t row = s->kind == STEP_LOAD_ROOT                        ? CMD_NUM + 1
                 : s->w[0] == SYSCALL_INVOKE && s->w[2] < CMD_NUM ? s->w[2]
                                                                  : CMD_NUM;
    r->counts->outcome[row][err_no(got.error)]++;
    if (want.error != got.error) {
        *f = (struct failure){.kind = FAIL_RESULT, .expected = want.error, .got = got.error};
        return false;
    }
    bool identified = s->kind == STEP_SYSCALL && s->w[0] == SYSCALL_INVOKE &&
                      (s->w[2] == CMD_IDENTIFY || s->w[2] == CMD_CNODE_RECLAIM) &&
                      want.error == SYS_ERR_OK;
    bool translated = s->kind == STEP_SYSCALL && s->w[0] == SYSCALL_DEBUG &&
                      s->w[1] == DEBUG_TRANSLATE && want.error == SYS_ERR_OK;
    if (translated && (want.value[0] != got.value[0] || want.value[1] != got.value[1])) {
        *f = (struct failure){.kind = FAIL_TRANSLATE, .addr = s->w[2]};
        memcpy(f->values, want.value, sizeof(f->values));
        memcpy(f->got_values, got.value, sizeof(f->got_values));
        return false;
    }
    if (identified && memcmp(want.value, got.value, sizeof(want.value)) != 0) {
        *f = (struct failure){.kind = FAIL_VALUES, .addr = s->w[1]};
        memcpy(f->values, want.value, sizeof(f->values));
        memcpy(f->got_values, got.value, sizeof(f->got_values));
        return false;
    }
    return verify_touched(r, f);
}

static void boot(struct model *m)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.no_kcheck = true; /* the fuzzer runs the checker itself, as a system call */
    host_console_capture(console, sizeof(console));
    host_machine_boot(&config);
    model_boot(m, config.phys_base, host_machine_bootinfo_base(), host_machine_free_ram_base(),
               host_machine_free_ram_bytes(), host_machine_device_base(), config.device_bytes);
}

static void machine_off(void)
{
    host_machine_shutdown();
    host_console_capture(NULL, 0);
}

void fuzz_model_boot(struct model *m)
{
    boot(m);
    machine_off();
}

struct failure fuzz_run(struct step *steps, size_t count, bool generate, uint64_t seed,
                        const struct fuzz_options *opt, struct fuzz_counts *counts, size_t *done)
{
    struct run r = {.opt = opt, .counts = counts};
    struct failure f = {.kind = FAIL_NONE};
    struct gen g;
    gen_init(&g, seed);
    boot(&r.m);
    counts->sequences++;
    size_t i = 0;
    bool ok = true;
    for (; ok && i < count; i++) {
        if (generate) {
            gen_step(&g, &r.m, &steps[i]);
        }
        *done = i + 1; /* before the step: a crash in it still counts it */
        ok = run_step(&r, &steps[i], &f);
        bool last = i + 1 == count;
        if (ok && (last || (i + 1) % opt->check_every == 0)) {
            ok = kernel_check(&r, &f);
        }
        if (ok && (last || (i + 1) % opt->sweep_every == 0)) {
            ok = verify_all(&r, &f);
        }
    }
    f.step = i - 1;
    machine_off();
    model_free(&r.m);
    view_free(&r.self);
    return f;
}

bool fuzz_same_failure(const struct failure *a, const struct failure *b)
{
    if (a->kind != b->kind) {
        return false;
    }
    switch (a->kind) {
    case FAIL_RESULT:
    case FAIL_CHECKER:
        return a->expected == b->expected && a->got == b->got;
    default:
        return true;
    }
}

void fuzz_counts_add(struct fuzz_counts *a, const struct fuzz_counts *b)
{
    a->steps += b->steps;
    a->checks += b->checks;
    a->identifies += b->identifies;
    a->sequences += b->sequences;
    a->foreign_steps += b->foreign_steps;
    for (size_t i = 0; i < FUZZ_OUTCOME_ROWS; i++) {
        for (size_t e = 0; e < ERR_NUM_CODES; e++) {
            a->outcome[i][e] += b->outcome[i][e];
        }
    }
}
