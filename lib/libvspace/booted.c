/* Booted domains: vspace behind librt's fault upcall, the stack's guard, and malloc's memory. */
#include "vspace_internal.h"
#include <disp.h>
#include <domain_layout.h>
#include <stdio.h>
#include <stdlib.h>

static struct vspace *installed;

static const char *access_name(unsigned kind)
{
    switch (DISPATCHER_FAULT_ACCESS(kind)) {
    case DISPATCHER_FAULT_WRITE:
        return "write";
    case DISPATCHER_FAULT_EXECUTE:
        return "execute";
    default:
        return "read";
    }
}

/* Says why, before the kernel's standard report of the same fault ends the domain. */
static void report(const struct disp_fault *f, errval_t err)
{
    char why[160];
    err_format(err, why, sizeof(why));
    const struct vspace_region *r = vspace_region_of(installed, f->vaddr);
    if (err_no(err) == LIB_ERR_VSPACE_STACK_OVERFLOW && r != NULL) {
        printf("vspace: stack overflow: %s at 0x%lx (ip 0x%lx), the guard page below the stack "
               "at 0x%lx\n",
               access_name(f->kind), (unsigned long)f->vaddr, (unsigned long)f->ip,
               (unsigned long)(r->base + r->bytes));
        return;
    }
    printf("vspace: %s at 0x%lx (ip 0x%lx) not resolved: %s\n", access_name(f->kind),
           (unsigned long)f->vaddr, (unsigned long)f->ip, why);
}

static bool on_fault(const struct disp_fault *f)
{
    if (DISPATCHER_FAULT_CLASS(f->kind) != DISPATCHER_FAULT_PAGE) {
        return false; /* not a page fault: the kernel reports it */
    }
    errval_t err = vspace_handle_fault(installed, f->vaddr, f->kind);
    if (err_is_ok(err)) {
        return true;
    }
    report(f, err);
    if (installed->on_unresolved != NULL) {
        installed->on_unresolved(installed, f->vaddr, f->kind, err);
    }
    return false;
}

errval_t vspace_install(struct vspace *vs, gensize_t exception_stack_bytes)
{
    genvaddr_t top;
    errval_t err = vspace_map_stack(vs, exception_stack_bytes, VSPACE_PINNED, &top);
    if (err_is_ok(err)) {
        err = vspace_adopt_stack(vs, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES, DOMAIN_STACK_TOP);
        if (err_is_fail(err)) {
            vspace_unmap(vs, top - exception_stack_bytes);
            vspace_unmap(vs, top - exception_stack_bytes - BASE_PAGE_BYTES);
        }
    }
    if (err_is_fail(err)) {
        return err_push(err, LIB_ERR_VSPACE_INSTALL);
    }
    installed = vs;
    disp_set_exception_handler(on_fault, (void *)(uintptr_t)(top - exception_stack_bytes),
                               exception_stack_bytes);
    return SYS_ERR_OK;
}

void vspace_uninstall(struct vspace *vs)
{
    if (installed == vs) {
        disp_set_exception_handler(NULL, NULL, 0);
        installed = NULL;
    }
}

/* malloc's memory: carved from a reserve of anonymous memory, filled as malloc touches it. */
#define HEAP_RESERVE_BYTES (64ull * 1024 * 1024)

static struct vspace *heap_vspace;
static genvaddr_t heap_next, heap_end;

static void *morecore_from_vspace(size_t bytes)
{
    gensize_t rounded = (bytes + BASE_PAGE_BYTES - 1) & ~(gensize_t)(BASE_PAGE_BYTES - 1);
    if (heap_end - heap_next < rounded) {
        gensize_t reserve = rounded > HEAP_RESERVE_BYTES ? rounded : HEAP_RESERVE_BYTES;
        genvaddr_t base;
        if (err_is_fail(vspace_map_anon(heap_vspace, reserve, VREGION_FLAGS_READ_WRITE, &base))) {
            return NULL;
        }
        heap_next = base;
        heap_end = base + reserve;
    }
    void *p = (void *)(uintptr_t)heap_next;
    heap_next += rounded;
    return p;
}

errval_t vspace_heap_init(struct vspace *vs)
{
    heap_vspace = vs;
    heap_next = heap_end = 0;
    heap_set_morecore(morecore_from_vspace);
    return SYS_ERR_OK;
}
