/* The PAGER design: init pages selfpagechild through a badged fault endpoint; the child times. */
#include "pager_protocol.h"
#include "selfpagebench.h"
#include <init_cspace.h>
#include <libcap/dispatcher.h>
#include <libcap/syscalls.h>
#include <lmp.h>
#include <spawn/spawn.h>
#include <stdio.h>
#include <stdlib.h>

#define BADGE 0x5e1fu
#define FIRST_TOUCH (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE | DISPATCHER_FAULT_NOT_PRESENT)
#define WRITE_FAULT (DISPATCHER_FAULT_PAGE | DISPATCHER_FAULT_WRITE)

static struct spawninfo child; /* large: it holds the child's pmap */
static struct capref lazy_frames[PAGER_LAZY_PAGES];
static size_t lazy_count;
static uint64_t faults; /* fault messages of the series running now */
static uintptr_t minimum, median;

static const char *const series_name[] = {
    [SERIES_TRAP] = "pager TRAP",
    [SERIES_LAZY] = "pager lazy first touch",
};

static _Noreturn void failed(const char *what)
{
    printf("selfpagebench: FAILED %s\n", what);
    exit(1);
}

/* A store to the TRAP page makes it writable; a first touch in order maps a fresh frame. */
static bool serve(const struct pager_fault *f)
{
    genvaddr_t page = f->vaddr & ~(genvaddr_t)(PAGE - 1);
    if (f->badge != BADGE) {
        return false;
    }
    if (f->kind == WRITE_FAULT && page == PAGER_TRAP_VA) {
        return err_is_ok(pmap_modify_flags(&child.vspace, page, PAGE, VREGION_FLAGS_READ_WRITE));
    }
    if (f->kind != FIRST_TOUCH || page != PAGER_LAZY_VA + lazy_count * PAGE) {
        return false; /* the touches go in order, one fault each */
    }
    struct capref *frame = &lazy_frames[lazy_count];
    genpaddr_t base; /* the frame is this page's alone: mapped lent, as lazy.c does */
    if (!bench_fresh_frame(frame, &base) ||
        err_is_fail(
            pmap_map_lent(&child.vspace, page, *frame, base, PAGE, VREGION_FLAGS_READ_WRITE))) {
        return false;
    }
    lazy_count++;
    return true;
}

static void lazy_reset(void)
{
    if (lazy_count > 0) {
        bench_check(pmap_unmap(&child.vspace, PAGER_LAZY_VA, lazy_count * PAGE), "lazy unmap");
    }
    for (size_t p = 0; p < lazy_count; p++) {
        bench_check(frame_free(lazy_frames[p]), "lazy frame_free");
    }
    lazy_count = 0;
}

static void reply_ok(void)
{
    uintptr_t w[LMP_MSG_WORDS] = {PAGER_OK, 0, 0, 0};
    bench_check(lmp_send(child.child_ep, 0, NULL_CAP, w, LMP_MSG_WORDS), "reply");
}

/* A series' figures, once the fault messages init received are the ones it expects. */
static void result(const struct lmp_msg *m)
{
    enum pager_series s = m->words[1] == SERIES_LAZY ? SERIES_LAZY : SERIES_TRAP;
    if (m->words[0] == PAGER_RESULT) {
        minimum = m->words[2];
        median = m->words[3];
        return;
    }
    uint64_t expected = PAGER_REPEATS * (uint64_t)(s == SERIES_LAZY ? PAGER_LAZY_PAGES : 1);
    if (faults != expected) {
        printf("selfpagebench: FAILED %s: %llu fault messages, %llu expected\n", series_name[s],
               (unsigned long long)faults, (unsigned long long)expected);
        exit(1);
    }
    faults = 0;
    printf("selfpagebench: %-44s %llu %llu %llu\n", series_name[s], (unsigned long long)minimum,
           (unsigned long long)median, (unsigned long long)m->words[2]);
}

/* The child's requests and faults until it says it is done. */
static void serve_child(void)
{
    for (;;) {
        struct lmp_msg m;
        struct pager_fault f;
        if (pager_recv(&m, &f)) {
            faults++;
            bool ok = serve(&f);
            bench_check(spawn_pager_resume(&child, ok ? 0 : DISPATCHER_RESUME_DECLINE), "resume");
            if (!ok) {
                failed("pager: a fault it does not serve (the child ends)");
            }
            continue;
        }
        switch (m.words[0]) {
        case PAGER_PROTECT:
            bench_check(pmap_modify_flags(&child.vspace, PAGER_TRAP_VA, PAGE, VREGION_FLAGS_READ),
                        "protect");
            reply_ok();
            break;
        case PAGER_LAZY_RESET:
            lazy_reset();
            reply_ok();
            break;
        case PAGER_RESULT:
        case PAGER_MAX:
            result(&m);
            break;
        case PAGER_DONE:
            return;
        default:
            failed(m.words[0] == PAGER_FAILED ? "pager: a value the child read back was wrong"
                                              : "pager: a message it does not know");
        }
    }
}

/* The child from the boot image, its pin and TRAP pages mapped, paged by init. */
static void start_child(struct capref *pin, struct capref *trap)
{
    struct capref own = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_DISPATCHER};
    struct capref ep, badged;
    bench_check(endpoint_create(own, &ep), "endpoint_create");
    bench_check(spawn_load(&child, &bench_pmap, "selfpagechild", NULL), "spawn_load");
    bench_check(frame_alloc(pin, PAGE, NULL), "frame_alloc");
    bench_check(pmap_map(&child.vspace, PAGER_PIN_VA, *pin, 0, PAGE, VREGION_FLAGS_READ), "pin");
    bench_check(frame_alloc(trap, PAGE, NULL), "frame_alloc");
    bench_check(pmap_map(&child.vspace, PAGER_TRAP_VA, *trap, 0, PAGE, VREGION_FLAGS_READ_WRITE),
                "trap page");
    bench_check(spawn_start(&child, ep), "spawn_start");
    bench_check(endpoint_badge(ep, CAPRIGHTS_READ_WRITE, BADGE, &badged), "endpoint_badge");
    bench_check(spawn_set_pager(&child, badged), "spawn_set_pager");
}

void bench_pager(void)
{
    struct capref pin, trap;
    heap_init(&bench_pmap); /* libspawn's bookkeeping */
    start_child(&pin, &trap);
    struct lmp_msg m;
    lmp_recv(&m);
    if (m.words[0] != PAGER_READY) {
        failed("pager: the child did not start");
    }
    serve_child();
    enum dispatcher_state state = DISPATCHER_BLOCKED;
    uint64_t status = 1;
    for (int i = 0; i < 1000000 && state < DISPATCHER_EXITED; i++) {
        sys_yield();
        dispatcher_state(child.disp, &state, &status);
    }
    if (state != DISPATCHER_EXITED || status != 0) {
        failed("pager: the child did not exit with success");
    }
    lazy_reset();
    bench_check(spawn_free(&child), "spawn_free");
    bench_check(frame_free(pin), "frame_free");
    bench_check(frame_free(trap), "frame_free");
}
