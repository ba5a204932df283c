/* A test-only software page-table walker: the oracle for what the hardware would translate. */
#ifndef HOST_TEST_WALKER_H
#define HOST_TEST_WALKER_H
#include <caps/captypes.h>
#include <stdbool.h>
#include <stdint.h>
struct walk_result {
    bool present;         /* the address translates */
    genpaddr_t paddr;     /* the physical address it reaches */
    gensize_t page_bytes; /* size of the page or section that maps it */
    bool user;            /* user mode (x86 CPL3 / ARM PL0) may read */
    bool writable;        /* user mode may write (so implies user) */
    bool executable;      /* user mode may execute (so implies user: fetches need read access) */
    /* not normal cacheable memory (x86: PCD or PWT set at the leaf; ARM: Device,
     * Strongly-ordered or Normal non-cacheable) */
    bool nocache;
    /* the kernel may not execute it: ARM PXN in the L1 table entry or the section (x86-64: always
     * false, SMEP is a CR4 control rather than an entry bit) */
    bool pxn;
    int levels; /* how many table levels were read */
};
/* Translates vaddr through the tables rooted at the physical address root (PML4 / ARM L1). */
struct walk_result walk_translate(genpaddr_t root, uint64_t vaddr);
/* The root table's type for this format, and the size in bytes of the user half of the address
 * space (x86-64: 1<<47; ARMv7: 1<<31). */
enum objtype walk_root_type(void);
/* The format's page-table type smaller than a page (ARMv7: the 1 KiB L2), or ObjType_Null. */
enum objtype walk_small_table_type(void);
uint64_t walk_user_bytes(void);
#endif
