/* DEBUG_TRANSLATE: what the MMU translates at an address of the calling domain, read back. */
#ifndef KERNEL_TRANSLATE_H
#define KERNEL_TRANSLATE_H

#include <dispatch.h>
#include <invocations.h>

/*
 * Walks dcb's own root table (dcb->vroot, the one it runs on) towards
 * vaddr and reports the entry the walk ends at, in the words
 * include/invocations.h describes. vaddr is the domain's: any word at all.
 */
struct sysret debug_translate(const struct dcb *dcb, uintptr_t vaddr);

#endif
