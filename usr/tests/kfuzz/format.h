/* The page-table format as the fuzzer's model knows it, written from the manuals, not the kernel.
 */
#ifndef FUZZ_FORMAT_H
#define FUZZ_FORMAT_H

#include <caps/capaddr.h>
#include <caps/captypes.h>
#include <stdbool.h>

/* What a capability of some type becomes in a table of some type. */
enum fmt_fit {
    FMT_FIT_NONE,  /* it cannot go there */
    FMT_FIT_TABLE, /* a next-level table, one entry */
    FMT_FIT_PAGE,  /* pages of fmt_span(table) each */
};

/* The table types of this format, root first; how many. */
extern const enum objtype fmt_tables[];
extern const int fmt_levels;

bool fmt_is_native_vnode(enum objtype type);
enum objtype fmt_root(void);
cslot_t fmt_entries(enum objtype table);
gensize_t fmt_span(enum objtype table);
bool fmt_reserved(enum objtype table, uint64_t slot);
enum fmt_fit fmt_fit(enum objtype table, enum objtype src);
genpaddr_t fmt_paddr_limit(void);

#endif
