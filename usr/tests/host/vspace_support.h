/* What the vspace suites share: a vspace over the fixture's pmap, and simulated accesses. */
#ifndef HOST_TEST_VSPACE_SUPPORT_H
#define HOST_TEST_VSPACE_SUPPORT_H

#include "pmap_fixture.h"
#include <dispatcher.h>
#include <vspace/vspace.h>

#define VPAGE BASE_PAGE_BYTES
#define VS_RW VREGION_FLAGS_READ_WRITE
#define VS_R VREGION_FLAGS_READ
#define FAULT_READ (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_READ)
#define FAULT_WRITE (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE)
#define FAULT_EXEC (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_EXECUTE)

extern struct vspace test_vs;

/* The fixture: pmap_boot, then vspace_init over its pmap. */
void vspace_boot(void);
TCase *vspace_tcase(Suite *s, const char *name);

/*
 * One access as the CPU would make it: if the mapping refuses it (absent, or without the
 * right), a fault to vspace_handle_fault and, resolved, the access again, which must then be
 * allowed. Returns the handler's verdict; on success reads (into *value) or writes the word.
 */
errval_t vs_access(genvaddr_t vaddr, unsigned kind, uint32_t *value);

/* The word at vaddr through the current mapping (asserting there is one). */
uint32_t *vs_word(genvaddr_t vaddr);

/* Removes every region, then the fixture's leak check. */
void vspace_assert_no_leaks(void);

Suite *vspace_suite(void);
Suite *vspace_model_suite(void);
Suite *vspace_edges_suite(void);

#endif
