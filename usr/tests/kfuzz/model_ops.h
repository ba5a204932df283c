/* The model's invocation handlers, one file per family; model_syscall dispatches to them. */
#ifndef FUZZ_MODEL_OPS_H
#define FUZZ_MODEL_OPS_H

#include "model.h"

errval_t model_retype(struct model *m, const struct mcap *root, const uintptr_t *args);
errval_t model_copy(struct model *m, const struct mcap *root, const uintptr_t *args, bool mint);
/* As model_copy; *made_at is where the copy went. */
errval_t model_copy_at(struct model *m, const struct mcap *root, const uintptr_t *args, bool mint,
                       struct mloc *made_at);
/* RECLAIM: revoke, then delete; ret->value as IDENTIFY's before. */
errval_t model_reclaim(struct model *m, const struct mcap *root, struct mloc root_loc,
                       const uintptr_t *args, struct sysret *ret);
errval_t model_delete_or_revoke(struct model *m, const struct mcap *root, struct mloc root_loc,
                                const uintptr_t *args, bool revoke);

errval_t model_map(struct model *m, struct mcap *table, const uintptr_t *args);
errval_t model_map_copy(struct model *m, struct mcap *table, const uintptr_t *args);
errval_t model_unmap(struct model *m, struct mcap *table, const uintptr_t *args);
errval_t model_modify_flags(struct mcap *frame, const uintptr_t *args);
errval_t model_split_mapping(struct model *m, struct mcap *frame, const uintptr_t *args);

#endif
