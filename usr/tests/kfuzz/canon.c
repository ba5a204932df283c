/*
 * Renaming for the shrinker: each address a step uses is replaced by the
 * simplest name of the same slot through the caller's own CSpace (init's
 * unless a yield switched), and CNode commands through another root are sent
 * through the caller's root instead. The
 * steps that only built those other paths can then be dropped.
 */
#include "kfuzz.h"
#include "view.h"

struct canon {
    struct model m;
    struct view self;
    const struct mcap *root; /* the caller's CSpace root (the kernel's copy) */
};

/*
 * The simplest caller's address of the capability addr names through root; 0 if
 * none. With fold, of the oldest slot holding an equal capability (same
 * object, same rights): where only the object and rights count, not which
 * copy; the copies made since can then go.
 */
static uint32_t rename_cap(struct canon *c, const struct mcap *root, uint64_t addr, bool fold)
{
    struct mcap *cap;
    if (err_is_fail(model_lookup_cap(&c->m, root, addr, &cap))) {
        return 0;
    }
    uint32_t best = view_addr_of(&c->self, c->root, cap->loc);
    uint64_t oldest = cap->serial;
    for (size_t i = 0; fold && i < c->self.count; i++) {
        const struct mcap *other = &c->m.caps[c->self.e[i].cap];
        uint32_t name = c->self.e[i].addr;
        if (model_is_copy(other, cap) && other->rights == cap->rights &&
            (other->serial < oldest || (other->serial == oldest && name < best))) {
            best = name;
            oldest = other->serial;
        }
    }
    return best;
}

/* A writable copy of the caller's root in its CSpace: where re-rooted CNode commands go. */
static uint32_t own_root_addr(struct canon *c)
{
    uint32_t best = 0;
    for (size_t i = 0; i < c->self.count; i++) {
        const struct mcap *cap = &c->m.caps[c->self.e[i].cap];
        if (model_is_copy(cap, c->root) && (cap->rights & CAPRIGHTS_WRITE) &&
            (best == 0 || c->self.e[i].addr < best)) {
            best = c->self.e[i].addr;
        }
    }
    return best;
}

static void rename_word(struct canon *c, const struct mcap *root, uintptr_t *w, bool fold)
{
    uint32_t addr = rename_cap(c, root, *w, fold);
    if (addr != 0) {
        *w = addr;
    }
}

/* Retype, copy and mint through root R: through the caller's root when every name has one. */
static void rename_cnode_command(struct canon *c, struct step *s, const struct mcap *root)
{
    uintptr_t *a = &s->w[3];
    size_t words[2] = {0, 5}; /* retype: src, dest_cnode */
    if (s->w[2] != CMD_CNODE_RETYPE) {
        words[0] = 0; /* copy, mint: dest_cnode, src */
        words[1] = 2;
    }
    uint32_t to[2] = {rename_cap(c, root, a[words[0]], true),
                      rename_cap(c, root, a[words[1]], true)};
    uint32_t via = own_root_addr(c);
    if (to[0] == 0 || to[1] == 0 || via == 0 || !(root->rights & CAPRIGHTS_WRITE)) {
        return;
    }
    s->w[1] = via;
    a[words[0]] = to[0];
    a[words[1]] = to[1];
}

/*
 * Which copy matters where a mapping record or a slot is the point: the source
 * of map and unmap, the frame of modify_flags, the target and root of delete
 * and revoke. Everywhere else any equal copy will do (SETUP's three included).
 */
static void rename_step(struct canon *c, struct step *s)
{
    if (s->kind == STEP_LOAD_ROOT) {
        rename_word(c, c->root, &s->w[1], true);
        return;
    }
    if (s->w[0] != SYSCALL_INVOKE) {
        return;
    }
    struct mcap *invoked;
    bool found = err_is_ok(model_lookup_cap(&c->m, c->root, s->w[1], &invoked));
    struct mcap root = found ? *invoked : (struct mcap){0};
    uint64_t cmd = s->w[2];
    bool slot_counts = cmd == CMD_FRAME_MODIFY_FLAGS || cmd == CMD_CNODE_DELETE ||
                       cmd == CMD_CNODE_REVOKE || cmd == CMD_CNODE_RECLAIM ||
                       cmd == CMD_IDENTIFY_MAPPING || cmd == CMD_FRAME_SPLIT_MAPPING;
    rename_word(c, c->root, &s->w[1], !slot_counts);
    if (cmd == CMD_VNODE_MAP) {
        rename_word(c, c->root, &s->w[4], false);
    } else if (cmd == CMD_VNODE_UNMAP) {
        rename_word(c, c->root, &s->w[3], false);
    } else if (cmd == CMD_DISPATCHER_SETUP) {
        for (size_t i = 3; i < 6; i++) { /* the kernel's copies take object and rights only */
            rename_word(c, c->root, &s->w[i], true);
        }
    } else if (cmd == CMD_FRAME_SPLIT_MAPPING) {
        rename_word(c, c->root, &s->w[4], false);
    } else if (found && root.type == ObjType_L1CNode &&
               (cmd == CMD_CNODE_RETYPE || cmd == CMD_CNODE_COPY || cmd == CMD_CNODE_MINT)) {
        rename_cnode_command(c, s, &root);
    }
}

void fuzz_rename(struct step *steps, size_t count)
{
    struct canon c = {0};
    fuzz_model_boot(&c.m);
    for (size_t i = 0; i < count; i++) {
        c.root = model_caller_root(&c.m);
        view_build(&c.self, &c.m, c.root);
        rename_step(&c, &steps[i]);
        if (steps[i].kind == STEP_LOAD_ROOT) {
            model_load_root(&c.m, (capaddr_t)steps[i].w[1]);
        } else {
            model_syscall(&c.m, steps[i].w);
        }
    }
    view_free(&c.self);
    model_free(&c.m);
}
