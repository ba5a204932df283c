/* Shared set-up for the host suites: a freshly booted hosted machine per test, and helpers. */
#ifndef HOST_TEST_FIXTURE_H
#define HOST_TEST_FIXTURE_H

#include <check.h>
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>

/* init's RAM capability, the empty L2 CNode for the test's own slots, and its slots. */
#define RAM_CAP capaddr_make(ROOTCN_SLOT_SUPERCN, 0)
#define PHYSADDR_CAP capaddr_make(ROOTCN_SLOT_PHYSADDRCN, 0)
#define WORK_CNODE capaddr_l1_slot(ROOTCN_SLOT_SLOT_ALLOC0)
#define WORK_SLOT(n) capaddr_make(ROOTCN_SLOT_SLOT_ALLOC0, (n))

/*
 * What the kernel printed since the fixture booted the machine (or since the
 * last host_console_capture): tests read it rather than letting it flood
 * their output.
 */
#define KERNEL_CONSOLE_BYTES (256 * 1024)
extern char kernel_console[KERNEL_CONSOLE_BYTES];

/* Boots the default machine; used as a checked fixture of each TCase. */
void fixture_boot(void);
void fixture_shutdown(void);

/* Adds a TCase with the boot fixture to suite s. */
TCase *fixture_tcase(Suite *s, const char *name);

/* Asserts that err is exactly the code expected, naming both on failure. */
#define ck_assert_err(err, expected)                                                               \
    do {                                                                                           \
        errval_t ck_err_ = (err);                                                                  \
        ck_assert_msg(err_no(ck_err_) == (expected), "expected %s, got %s", #expected,             \
                      err_getcode(ck_err_));                                                       \
    } while (0)

#define ck_assert_ok(err) ck_assert_err((err), SYS_ERR_OK)

/* Asserts that err is exactly codes[0] over codes[1] over ... (outermost first), nothing more. */
void assert_chain(errval_t err, const enum err_code *codes, size_t count, int line);

#define ck_assert_chain(err, ...)                                                                  \
    assert_chain((err), (const enum err_code[]){__VA_ARGS__},                                      \
                 sizeof((const enum err_code[]){__VA_ARGS__}) / sizeof(enum err_code), __LINE__)

/* Identifies the capability at addr, asserting that the slot holds one. */
struct cap_identity identify(capaddr_t addr);

/* Is the slot at addr empty? */
bool slot_is_empty(capaddr_t addr);

/* Retypes count objects from init's RAM at offset_bytes into WORK_SLOT(first) on. */
errval_t retype_from_ram(gensize_t offset_bytes, enum objtype type, gensize_t obj_bytes,
                         size_t count, cslot_t first);

/*
 * Does init's RAM capability have no live descendants? Probes by retyping
 * all of it but the last page into RAM (refused on any overlap), then
 * deletes the probe again.
 */
bool ram_has_no_descendants(void);

/* The suites, one per file. */
Suite *errors_suite(void);
Suite *format_suite(void);
Suite *cspace_suite(void);
Suite *retype_suite(void);
Suite *copy_delete_suite(void);
Suite *identify_suite(void);
Suite *mdb_suite(void);
Suite *trace_suite(void);
Suite *fdt_suite(void);
Suite *libcap_suite(void);
Suite *libcap_dispatcher_suite(void);
Suite *isolation_suite(void);
Suite *treap_suite(void);
Suite *error_order_suite(void);
Suite *mmu_view_suite(void);
Suite *syscalls_suite(void);
Suite *fault_suite(void);
Suite *spawn_suite(void);

#endif
