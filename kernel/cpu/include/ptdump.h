/* The page-table dump: the hardware tables of an address space, indented, ranges collapsed. */
#ifndef KERNEL_PTDUMP_H
#define KERNEL_PTDUMP_H

#include <caps/captypes.h>

/*
 * Prints every present entry below the table of type at base: index, raw
 * entry, physical address and decoded flags, one level per indent, with
 * runs of consecutive pages that differ only in address collapsed into one
 * line. The root's kernel half is summarised. Callable from gdb too.
 */
void ptdump(enum objtype type, genpaddr_t base);

#endif
