/* The generator's step makers, one per family of commands; gen.c chooses among them. */
#ifndef FUZZ_GEN_STEPS_H
#define FUZZ_GEN_STEPS_H

#include "gen_args.h"

/* Each fills the argument words a (args[0] on) of its command. */
void gen_retype(struct gen_ctx *x, uintptr_t *a);
void gen_copy(struct gen_ctx *x, uintptr_t *a, bool mint);
void gen_delete(struct gen_ctx *x, uintptr_t *a);

/* These also choose the invoked capability, *invoked. */
void gen_map(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a);
void gen_unmap(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a);
void gen_modify_flags(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a);
/* The type of what a domain needs and the caller's CSpace lacks (a dispatcher, a root table);
   0 if it has both. */
uint64_t gen_domain_object_missing(struct gen_ctx *x);
/* ObjType_Endpoint if the caller's CSpace holds a dispatcher but no endpoint; else 0. */
uint64_t gen_endpoint_missing(struct gen_ctx *x);
/* SEND on an endpoint mostly: flags, capability, length and words. */
void gen_send(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *a);
/* And the command: SETUP, RUN or STOP. */
void gen_dispatcher(struct gen_ctx *x, uintptr_t *invoked, uintptr_t *cmd, uintptr_t *a);

#endif
