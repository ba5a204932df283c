/* A domain handling its own faults (doc/selfpaging.md): lazy memory, and a write it allows. */
#include "children.h"
#include <disp.h>

#define PAGE BASE_PAGE_BYTES
#define LAZY_PAGES 16

static _Alignas(16) uint8_t exception_stack[16384];

/* ---- lazy allocation: the first touch of a page maps a fresh frame there ------------------- */

static genvaddr_t lazy_base;
static struct capref lazy_frames[LAZY_PAGES];
static size_t lazy_count;

static bool map_on_first_touch(const struct disp_fault *f)
{
    bool ours = f->vaddr >= lazy_base && f->vaddr - lazy_base < LAZY_PAGES * PAGE;
    if (DISPATCHER_FAULT_CLASS(f->kind) != DISPATCHER_FAULT_PAGE ||
        !(f->kind & DISPATCHER_FAULT_NOT_PRESENT) || !ours || lazy_count == LAZY_PAGES) {
        return false;
    }
    struct capref *frame = &lazy_frames[lazy_count];
    errval_t err = frame_alloc(frame, PAGE, NULL);
    genvaddr_t page = f->vaddr & ~(genvaddr_t)(PAGE - 1);
    if (err_is_ok(err)) {
        err = pmap_map(&self_pmap, page, *frame, 0, PAGE, VREGION_FLAGS_READ_WRITE);
    }
    if (err_is_fail(err)) {
        return false;
    }
    lazy_count++;
    return true;
}

static const char *first_touches_map_pages_one_fault_each(void)
{
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, LAZY_PAGES * PAGE, PAGE, &lazy_base));
    lazy_count = 0;
    volatile struct dispatcher_shared *s = disp_frame();
    dispatcher_word_t faults = s->faults;
    disp_set_exception_handler(map_on_first_touch, exception_stack, sizeof(exception_stack));
    for (size_t i = 0; i < LAZY_PAGES; i++) { /* each page twice: one fault only */
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(lazy_base + i * PAGE + 100);
        *word = 0xa11ce000u + (uint32_t)i;
        word[1] = *word + 1;
    }
    disp_set_exception_handler(NULL, NULL, 0);
    FAIL_IF(lazy_count != LAZY_PAGES || s->faults - faults != LAZY_PAGES);
    for (size_t i = 0; i < LAZY_PAGES; i++) {
        volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(lazy_base + i * PAGE + 100);
        FAIL_IF(word[0] != 0xa11ce000u + (uint32_t)i || word[1] != word[0] + 1);
        struct debug_translation t;
        RUN(hw_translate(lazy_base + i * PAGE, &t));
        FAIL_IF(!t.present || t.flags != VREGION_FLAGS_READ_WRITE);
    }
    for (size_t i = 0; i < LAZY_PAGES; i++) {
        FAIL_IF_ERR(pmap_unmap(&self_pmap, lazy_base + i * PAGE, PAGE));
        FAIL_IF_ERR(frame_free(lazy_frames[i]));
    }
    return NULL;
}

/* ---- a write to a read-only page: the facts, then the handler makes it writable ----------- */

static genvaddr_t ro_page;
static struct disp_fault seen;
static size_t seen_count;

static bool allow_the_write(const struct disp_fault *f)
{
    seen = *f;
    seen_count++;
    return err_is_ok(pmap_modify_flags(&self_pmap, ro_page, PAGE, VREGION_FLAGS_READ_WRITE));
}

static const char *a_write_to_a_read_only_page_is_told_exactly_and_resumed(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, PAGE, NULL));
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, PAGE, PAGE, &ro_page));
    FAIL_IF_ERR(pmap_map(&self_pmap, ro_page, frame, 0, PAGE, VREGION_FLAGS_READ));
    volatile uint8_t *byte = (volatile uint8_t *)(uintptr_t)(ro_page + 0x123);
    FAIL_IF(*byte != 0); /* reads are allowed: no fault */
    seen_count = 0;
    disp_set_exception_handler(allow_the_write, exception_stack, sizeof(exception_stack));
    *byte = 0x5a;
    disp_set_exception_handler(NULL, NULL, 0);
    FAIL_IF(seen_count != 1 || *byte != 0x5a);
    FAIL_IF(seen.vaddr != ro_page + 0x123 || seen.ip == 0);
    FAIL_IF(seen.kind != (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE)); /* a permission fault */
    FAIL_IF_ERR(pmap_unmap(&self_pmap, ro_page, PAGE));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

/* ---- a downgrade of a translation the TLB holds: the next write still faults -------------- */

#define DOWNGRADES 8

static genvaddr_t downgraded_page;
static size_t downgrade_faults;

static bool allow_the_downgraded_write(const struct disp_fault *f)
{
    downgrade_faults++;
    return f->kind == (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE) &&
           (f->vaddr & ~(genvaddr_t)(PAGE - 1)) == downgraded_page &&
           err_is_ok(
               pmap_modify_flags(&self_pmap, downgraded_page, PAGE, VREGION_FLAGS_READ_WRITE));
}

/* pmap_modify_flags tells the kernel where the page lies, and the kernel flushes there rather
   than search for the address: only a booted TLB shows whether that flush hit. */
static const char *a_downgrade_drops_the_translation_the_tlb_holds(void)
{
    struct capref frame;
    FAIL_IF_ERR(frame_alloc(&frame, PAGE, NULL));
    FAIL_IF_ERR(pmap_determine_addr(&self_pmap, PAGE, PAGE, &downgraded_page));
    FAIL_IF_ERR(pmap_map(&self_pmap, downgraded_page, frame, 0, PAGE, VREGION_FLAGS_READ_WRITE));
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(downgraded_page + 0x40);
    downgrade_faults = 0;
    disp_set_exception_handler(allow_the_downgraded_write, exception_stack,
                               sizeof(exception_stack));
    for (uint32_t i = 0; i < DOWNGRADES; i++) {
        *word = i; /* writable: the TLB now holds the page with write */
        FAIL_IF_ERR(pmap_modify_flags(&self_pmap, downgraded_page, PAGE, VREGION_FLAGS_READ));
        *word = i + 100; /* a stale writable entry would let this through without a fault */
    }
    disp_set_exception_handler(NULL, NULL, 0);
    FAIL_IF(downgrade_faults != DOWNGRADES || *word != DOWNGRADES - 1 + 100);
    FAIL_IF_ERR(pmap_unmap(&self_pmap, downgraded_page, PAGE));
    FAIL_IF_ERR(frame_free(frame));
    return NULL;
}

/* ---- faults a handler cannot take end the domain with the standard report ----------------- */

static const char *child_reads_and_ends(uintptr_t how)
{
    struct counts before;
    RUN(warm_up(&before));
    RUN(kid_start(&kids[0]));
    FAIL_IF(send_command(&kids[0], CHILD_HANDLED_READ, 8, how, 0, NULL_CAP) == 0);
    RUN(wait_ended(&kids[0], DISPATCHER_FAULTED, NULL));
    FAIL_IF_ERR(spawn_free(&kids[0]));
    RUN(counts_back(&before));
    return NULL;
}

static const char *a_declined_fault_ends_the_domain_with_its_report(void)
{
    return child_reads_and_ends(CHILD_HANDLER_DECLINES);
}

static const char *a_fault_inside_the_handler_ends_the_domain(void)
{
    return child_reads_and_ends(CHILD_HANDLER_FAULTS);
}

const struct booted_test captest_selfpaging[] = {
    {"CT1001", "first touches of reserved pages map them from the domain's own handler",
     first_touches_map_pages_one_fault_each},
    {"CT1002", "a write to a read-only page: exact address, write, permission; resumed",
     a_write_to_a_read_only_page_is_told_exactly_and_resumed},
    {"CT1003", "a fault the handler declines ends the domain with the kernel's report",
     a_declined_fault_ends_the_domain_with_its_report},
    {"CT1004", "a fault inside the handler (disabled) ends the domain, not the kernel",
     a_fault_inside_the_handler_ends_the_domain},
    {"CT1014", "a downgrade of a page the TLB holds writable: each next write faults",
     a_downgrade_drops_the_translation_the_tlb_holds},
    {NULL, NULL, NULL},
};
