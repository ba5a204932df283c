/* Fault reports: one readable format for every architecture. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <caps/captypes.h>
#include <stdbool.h>
#include <stdint.h>

enum fault_access { FAULT_READ, FAULT_WRITE, FAULT_EXECUTE };

struct fault_register {
    const char *name;
    uint64_t value;
};

struct fault_info {
    const char *domain;
    const char *kind; /* "page fault", "general protection", ... */
    bool has_address; /* kind has a faulting address */
    uint64_t vaddr;
    uint64_t ip;
    enum fault_access access;
    bool user_mode;
    bool not_present; /* else a permission fault */
    genpaddr_t root;  /* the address space's root table */
    const struct fault_register *regs;
    int reg_count;
};

/* Prints the report: what, where, which entry at each page-table level, registers, hints. */
void fault_report(const struct fault_info *fault);

#endif
