/*
 * The child `make run` starts twice from the boot image: it receives a frame from its parent over
 * its Endpoint, maps it read-only, shows what it reads, and answers (usr/demo/demo.c).
 */
#include <init_cspace.h>
#include <libcap/libcap.h>
#include <lmp.h>
#include <pmap/pmap.h>
#include <stdio.h>

static struct pmap pmap;
static struct capref parent = {.cnode = {.address = 0}, .slot = 0};

static void answer(uintptr_t word)
{
    uintptr_t w[LMP_MSG_WORDS] = {word};
    lmp_send(parent, 0, NULL_CAP, w, 1);
}

static void report(unsigned n, const char *what, errval_t err)
{
    char text[240] = "ok";
    if (err_is_fail(err)) {
        err_format(err, text, sizeof(text));
    }
    printf("demochild %u: %-30s %s\n", n, what, text);
}

int main(void)
{
    parent = (struct capref){.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_PARENT};
    errval_t err = libcap_init();
    if (err_is_ok(err)) {
        err = pmap_init_self(&pmap);
    }
    struct capref shared;
    if (err_is_ok(err)) {
        err = slot_alloc(&shared);
    }
    if (err_is_fail(err)) {
        return 1;
    }
    lmp_set_recv_slot(shared);
    answer(1); /* ready */
    struct lmp_msg m;
    lmp_recv(&m); /* the frame, and which child this is */
    unsigned n = (unsigned)m.words[0];
    struct cap_identity id;
    genvaddr_t va = 0;
    err = m.has_cap ? cap_identify(shared, &id) : LIB_ERR_CAP_IDENTIFY;
    if (err_is_ok(err)) {
        err = pmap_determine_addr(&pmap, id.bytes, BASE_PAGE_BYTES, &va);
    }
    report(n, "pmap_map it read-write",
           err_is_ok(err) ? pmap_map(&pmap, va, shared, 0, id.bytes, VREGION_FLAGS_READ_WRITE)
                          : err);
    err = err_is_ok(err) ? pmap_map(&pmap, va, shared, 0, id.bytes, VREGION_FLAGS_READ) : err;
    report(n, "pmap_map it read-only", err);
    if (err_is_ok(err)) {
        printf("demochild %u: reads \"%s\"\n", n, (const char *)(uintptr_t)va);
    }
    answer(2);
    lmp_recv(&m); /* the parent wrote again */
    if (err_is_ok(err)) {
        printf("demochild %u: reads \"%s\"\n", n, (const char *)(uintptr_t)va);
    }
    answer(3);
    return err_is_ok(err) ? (int)n + 10 : 1;
}
