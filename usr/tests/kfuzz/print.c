/* Steps and failures in words, and a shrunk sequence as a Check test for usr/tests/host. */
#include "kfuzz.h"

#include <inttypes.h>
#include <string.h>

static const char *const command_names[CMD_NUM] = {
    [CMD_IDENTIFY] = "CMD_IDENTIFY",
    [CMD_CNODE_RETYPE] = "CMD_CNODE_RETYPE",
    [CMD_CNODE_COPY] = "CMD_CNODE_COPY",
    [CMD_CNODE_MINT] = "CMD_CNODE_MINT",
    [CMD_CNODE_DELETE] = "CMD_CNODE_DELETE",
    [CMD_CNODE_REVOKE] = "CMD_CNODE_REVOKE",
    [CMD_VNODE_MAP] = "CMD_VNODE_MAP",
    [CMD_VNODE_UNMAP] = "CMD_VNODE_UNMAP",
    [CMD_VNODE_DUMP] = "CMD_VNODE_DUMP",
    [CMD_FRAME_MODIFY_FLAGS] = "CMD_FRAME_MODIFY_FLAGS",
    [CMD_DISPATCHER_SETUP] = "CMD_DISPATCHER_SETUP",
    [CMD_DISPATCHER_RUN] = "CMD_DISPATCHER_RUN",
    [CMD_DISPATCHER_STOP] = "CMD_DISPATCHER_STOP",
    [CMD_ENDPOINT_SEND] = "CMD_ENDPOINT_SEND",
    [CMD_IDENTIFY_MAPPING] = "CMD_IDENTIFY_MAPPING",
    [CMD_FRAME_SPLIT_MAPPING] = "CMD_FRAME_SPLIT_MAPPING",
    [CMD_DISPATCHER_SET_FAULT_EP] = "CMD_DISPATCHER_SET_FAULT_EP",
    [CMD_DISPATCHER_RESUME] = "CMD_DISPATCHER_RESUME",
    [CMD_VNODE_MAP_COPY] = "CMD_VNODE_MAP_COPY",
    [CMD_CNODE_RECLAIM] = "CMD_CNODE_RECLAIM",
};

static const char *type_name(uint64_t type)
{
    return type < ObjType_Num ? objtype_name((enum objtype)type) : "(no type)";
}

void fuzz_describe_step(const struct step *s, char *buf, size_t bytes)
{
    const uintptr_t *w = s->w, *a = &s->w[3];
    if (s->kind == STEP_LOAD_ROOT) {
        snprintf(buf, bytes, "load the root table at 0x%" PRIxPTR, w[1]);
    } else if (w[0] == SYSCALL_YIELD) {
        snprintf(buf, bytes, "yield");
    } else if (w[0] == SYSCALL_WAIT) {
        snprintf(buf, bytes, "wait for a message");
    } else if (w[0] == SYSCALL_EXIT) {
        snprintf(buf, bytes, "exit with status 0x%" PRIxPTR, w[1]);
    } else if (w[0] != SYSCALL_INVOKE) {
        snprintf(buf, bytes, "system call %" PRIuPTR " (0x%" PRIxPTR ")", w[0], w[1]);
    } else if (w[2] == CMD_CNODE_RETYPE) {
        snprintf(buf, bytes,
                 "retype through 0x%" PRIxPTR ": 0x%" PRIxPTR " at +0x%" PRIxPTR " into %" PRIuPTR
                 " x %s of 0x%" PRIxPTR " bytes, in CNode 0x%" PRIxPTR " from slot %" PRIuPTR,
                 w[1], a[0], a[1], a[4], type_name(a[2]), a[3], a[5], a[6]);
    } else if (w[2] == CMD_CNODE_COPY || w[2] == CMD_CNODE_MINT) {
        snprintf(buf, bytes,
                 "%s through 0x%" PRIxPTR ": 0x%" PRIxPTR " into CNode 0x%" PRIxPTR
                 " slot %" PRIuPTR " (rights 0x%" PRIxPTR ")",
                 w[2] == CMD_CNODE_COPY ? "copy" : "mint", w[1], a[2], a[0], a[1], a[3]);
    } else if (w[2] == CMD_CNODE_DELETE || w[2] == CMD_CNODE_REVOKE || w[2] == CMD_CNODE_RECLAIM) {
        snprintf(buf, bytes, "%s through 0x%" PRIxPTR ": 0x%" PRIxPTR,
                 w[2] == CMD_CNODE_DELETE   ? "delete"
                 : w[2] == CMD_CNODE_REVOKE ? "revoke"
                                            : "reclaim",
                 w[1], a[0]);
    } else if (w[2] == CMD_VNODE_MAP) {
        snprintf(buf, bytes,
                 "map 0x%" PRIxPTR " into table 0x%" PRIxPTR " at slot %" PRIuPTR " x %" PRIuPTR
                 ", flags 0x%" PRIxPTR ", offset 0x%" PRIxPTR,
                 a[1], w[1], a[0], a[4], a[2], a[3]);
    } else if (w[2] == CMD_VNODE_MAP_COPY) {
        snprintf(buf, bytes,
                 "map a copy of 0x%" PRIxPTR " (made through 0x%" PRIxPTR " in CNode 0x%" PRIxPTR
                 " slot %" PRIuPTR ") into table 0x%" PRIxPTR " at slot %" PRIuPTR " x %" PRIuPTR
                 ", flags 0x%" PRIxPTR ", offset 0x%" PRIxPTR,
                 a[1], a[5], a[6], a[7], w[1], a[0], a[4], a[2], a[3]);
    } else if (w[2] == CMD_VNODE_UNMAP) {
        snprintf(buf, bytes,
                 "unmap 0x%" PRIxPTR " from table 0x%" PRIxPTR " at slot %" PRIuPTR " x %" PRIuPTR,
                 a[0], w[1], a[1], a[2]);
    } else if (w[2] == CMD_FRAME_MODIFY_FLAGS) {
        snprintf(buf, bytes,
                 "modify_flags of 0x%" PRIxPTR ": pages %" PRIuPTR " + %" PRIuPTR
                 ", flags 0x%" PRIxPTR,
                 w[1], a[0], a[1], a[2]);
    } else if (w[2] == CMD_DISPATCHER_SETUP) {
        snprintf(buf, bytes,
                 "set up dispatcher 0x%" PRIxPTR ": CSpace 0x%" PRIxPTR ", root table 0x%" PRIxPTR
                 ", frame 0x%" PRIxPTR " at 0x%" PRIxPTR ", entry 0x%" PRIxPTR
                 ", stack 0x%" PRIxPTR,
                 w[1], a[0], a[1], a[2], a[3], a[4], a[5]);
    } else if (w[2] == CMD_ENDPOINT_SEND) {
        snprintf(buf, bytes,
                 "send on endpoint 0x%" PRIxPTR ": flags 0x%" PRIxPTR ", capability 0x%" PRIxPTR
                 ", %" PRIuPTR " words",
                 w[1], a[0], a[1], a[2]);
    } else if (w[2] == CMD_DISPATCHER_RUN || w[2] == CMD_DISPATCHER_STOP) {
        snprintf(buf, bytes, "%s dispatcher 0x%" PRIxPTR,
                 w[2] == CMD_DISPATCHER_RUN ? "run" : "stop", w[1]);
    } else {
        snprintf(buf, bytes, "command %s on 0x%" PRIxPTR,
                 w[2] < CMD_NUM ? command_names[w[2]] : "(unknown)", w[1]);
    }
}

static const char *const fail_names[] = {
    [FAIL_NONE] = "none",
    [FAIL_RESULT] = "the kernel's answer differs from the model's",
    [FAIL_VALUES] = "identify's values differ from the model's",
    [FAIL_TRANSLATE] = "DEBUG_TRANSLATE's walk ends unlike the model's",
    [FAIL_CHECKER] = "the kernel's invariant checker failed",
    [FAIL_SLOT] = "a slot reads back through identify unlike the model",
    [FAIL_CRASH] = "the process died",
    [FAIL_UNSOUND] = "a root loaded for init while another domain runs",
};

/* What identify says: the capability's values, or the error. */
static void describe_identity(uint64_t err, const uintptr_t *v, char *buf, size_t bytes)
{
    if (err != SYS_ERR_OK) {
        snprintf(buf, bytes, "%s", err_getcode(err));
        return;
    }
    snprintf(buf, bytes, "%s 0x%" PRIxPTR "+0x%" PRIxPTR " rights 0x%" PRIxPTR " word 0x%" PRIxPTR,
             type_name(v[0]), v[1], v[2], v[3], v[4]);
}

void fuzz_describe_failure(const struct failure *f, char *buf, size_t bytes)
{
    switch (f->kind) {
    case FAIL_RESULT:
        snprintf(buf, bytes, "step %zu: %s: expected %s, got %s", f->step, fail_names[f->kind],
                 err_getcode(f->expected), err_getcode(f->got));
        break;
    case FAIL_CHECKER:
        snprintf(buf, bytes, "after step %zu: %s: invariant %" PRIu64 " broken", f->step,
                 fail_names[f->kind], f->got);
        break;
    case FAIL_VALUES:
    case FAIL_SLOT: {
        char want[96], got[96];
        describe_identity(f->expected, f->values, want, sizeof(want));
        describe_identity(f->got, f->got_values, got, sizeof(got));
        snprintf(buf, bytes, "after step %zu: %s: 0x%" PRIx64 " should be %s, is %s", f->step,
                 fail_names[f->kind], f->addr, want, got);
        break;
    }
    case FAIL_TRANSLATE:
        snprintf(buf, bytes,
                 "step %zu: %s: 0x%" PRIx64 " should end at 0x%" PRIxPTR " (page 0x%" PRIxPTR
                 "), ends at 0x%" PRIxPTR " (page 0x%" PRIxPTR ")",
                 f->step, fail_names[f->kind], f->addr, f->values[0], f->values[1],
                 f->got_values[0], f->got_values[1]);
        break;
    case FAIL_CRASH:
        snprintf(buf, bytes, "step %zu: %s (status or signal %" PRIu64 ")", f->step,
                 fail_names[f->kind], f->got);
        break;
    default:
        snprintf(buf, bytes, "step %zu: %s", f->step, fail_names[f->kind]);
        break;
    }
}

/* A word as C: a name where the ABI has one, else hexadecimal. */
static void print_word(FILE *out, uint64_t w, const char *name)
{
    if (name != NULL) {
        fprintf(out, ", %s", name);
    } else {
        fprintf(out, ", 0x%" PRIx64, w);
    }
}

/* Every word up to the last non-zero one, with the command and type named. */
static void print_words(FILE *out, const struct step *s, size_t first)
{
    size_t last = first;
    for (size_t i = first; i < SYSCALL_REGS; i++) {
        if (s->w[i] != 0) {
            last = i + 1;
        }
    }
    for (size_t i = first; i < last; i++) {
        const char *name = NULL;
        bool invoke = s->w[0] == SYSCALL_INVOKE;
        if (invoke && i == 2 && s->w[2] < CMD_NUM) {
            name = command_names[s->w[2]];
        }
        if (invoke && i == 5 && s->w[2] == CMD_CNODE_RETYPE && s->w[5] < ObjType_Num) {
            static char type[64];
            snprintf(type, sizeof(type), "ObjType_%s", objtype_name((enum objtype)s->w[5]));
            name = type;
        }
        print_word(out, s->w[i], name);
    }
}

static void print_step(FILE *out, const struct step *s, errval_t expect)
{
    char words[256];
    fuzz_describe_step(s, words, sizeof(words));
    fprintf(out, "    /* %s */\n", words);
    if (s->kind == STEP_LOAD_ROOT) {
        fprintf(out, "    FUZZ_LOAD_ROOT(%s, 0x%" PRIxPTR ");\n", err_getcode(expect), s->w[1]);
    } else if (s->w[0] == SYSCALL_INVOKE) {
        fprintf(out, "    FUZZ_INVOKE(%s, 0x%" PRIxPTR, err_getcode(expect), s->w[1]);
        print_words(out, s, 2);
        fprintf(out, ");\n");
    } else {
        fprintf(out, "    FUZZ_SYSCALL(%s, 0x%" PRIxPTR, err_getcode(expect), s->w[0]);
        print_words(out, s, 1);
        fprintf(out, ");\n");
    }
}

/* The last line: what the failure says a user must see. */
static void print_final(FILE *out, const struct step *last, const struct failure *f)
{
    if (f->kind == FAIL_CHECKER) {
        fprintf(out, "    FUZZ_CHECK_KERNEL();\n");
    } else if (f->kind == FAIL_TRANSLATE) {
        fprintf(out, "    FUZZ_TRANSLATE(0x%" PRIx64 ", 0x%" PRIxPTR ", 0x%" PRIxPTR ");\n",
                f->addr, f->values[0], f->values[1]);
    } else if (f->kind == FAIL_VALUES || (f->kind == FAIL_SLOT && f->expected == SYS_ERR_OK)) {
        uint64_t addr = f->kind == FAIL_VALUES ? last->w[1] : f->addr;
        if (f->values[4] != f->got_values[4] &&
            memcmp(f->values, f->got_values, 4 * sizeof(uintptr_t)) == 0) {
            fprintf(out, "    FUZZ_IDENTIFY_WORD(0x%" PRIx64 ", 0x%" PRIxPTR ");\n", addr,
                    f->values[4]);
            return;
        }
        fprintf(out,
                "    FUZZ_IDENTIFY(0x%" PRIx64 ", ObjType_%s, 0x%" PRIxPTR ", 0x%" PRIxPTR
                ", 0x%" PRIxPTR ");\n",
                addr, type_name(f->values[0]), f->values[1], f->values[2], f->values[3]);
    } else if (f->kind == FAIL_SLOT) {
        fprintf(out, "    FUZZ_EMPTY(0x%" PRIx64 ");\n", f->addr);
    }
}

void fuzz_print_test(FILE *out, uint64_t seed, size_t original, const struct step *steps,
                     size_t count, const struct failure *f)
{
    char what[256];
    fuzz_describe_failure(f, what, sizeof(what));
    fprintf(out,
            "/*\n * Found by the kernel fuzzer (usr/tests/kfuzz), seed 0x%" PRIx64
            ", page tables of %s;\n * shrunk from %zu to %zu steps. It saw: %s.\n"
            " * For a suite of usr/tests/host (#include \"fuzz_replay.h\"); add it with "
            "tcase_add_test.\n */\n",
            seed, type_name(fmt_root()), original, count, what);
    fprintf(out, "START_TEST(test_fuzz_seed_%" PRIx64 ")\n{\n", seed);
    struct model m = {0};
    fuzz_model_boot(&m);
    for (size_t i = 0; i < count; i++) {
        errval_t expect = steps[i].kind == STEP_LOAD_ROOT
                              ? model_load_root(&m, (capaddr_t)steps[i].w[1])
                              : model_syscall(&m, steps[i].w).error;
        bool values_last = i + 1 == count && (f->kind == FAIL_VALUES || f->kind == FAIL_TRANSLATE);
        if (!values_last) {
            print_step(out, &steps[i], expect);
        }
    }
    print_final(out, count > 0 ? &steps[count - 1] : NULL, f);
    fprintf(out, "}\nEND_TEST\n");
    model_free(&m);
}

void fuzz_print_outcomes(FILE *out, const struct fuzz_counts *n)
{
    fprintf(out, "  steps made by a domain other than init: %" PRIu64 " of %" PRIu64 "\n",
            n->foreign_steps, n->steps);
    for (size_t i = 0; i < FUZZ_OUTCOME_ROWS; i++) {
        const char *row = i < CMD_NUM ? command_names[i] : i == CMD_NUM ? "other" : "load_root";
        uint64_t total = 0;
        for (size_t e = 0; e < ERR_NUM_CODES; e++) {
            total += n->outcome[i][e];
        }
        fprintf(out, "  %-24s %10" PRIu64 ":", row, total);
        for (size_t e = 0; e < ERR_NUM_CODES; e++) {
            if (n->outcome[i][e] != 0) {
                fprintf(out, " %s %" PRIu64, err_getcode(e) + 8, n->outcome[i][e]);
            }
        }
        fprintf(out, "\n");
    }
}
