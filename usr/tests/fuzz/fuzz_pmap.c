/*
 * Fuzz target pmap: a stream of pmap_map, pmap_unmap, pmap_modify_flags, pmap_lookup and
 * pmap_determine_addr on a self-paging pmap over a hosted machine, against a reference model
 * (pmap_model.c): each call succeeds exactly when the model says it may, and after each the
 * walker and pmap_lookup agree with the model over every range and the gaps between them. At
 * the end everything is unmapped and destroyed, and every slot, byte of RAM and capability
 * must be back.
 */
#include "../host/walker.h"
#include "fuzz.h"
#include "pmap_model.h"
#include <host_machine.h>
#include <mdb.h>
#include <stdio.h>

#define MAX_OPS 48
#define SAMPLES 8
#define WINDOW_LO (((genvaddr_t)1 << 30) - ((genvaddr_t)32 << 20))
#define WINDOW_BYTES ((gensize_t)64 << 20)
#define FRAMES 5
#define READ_ONLY_FRAME 4 /* a read-only copy of frame 0 */

struct frame {
    struct capref cap;
    genpaddr_t base;
    gensize_t bytes;
    caprights_t rights;
};

static struct pmap pmap;
static struct capref root;
static struct frame frames[FRAMES];
static struct model model;
static char console[16384];

static struct resources {
    size_t slots, ram_ranges, caps, shared_pages;
    gensize_t ram_bytes;
} baseline;

static gensize_t large_bytes(void)
{
    const struct pmap_layout *l = pmap_arch_layout();
    return l->span_bytes[l->levels - 2];
}

static void take_resources(struct resources *r)
{
    *r = (struct resources){.slots = slot_alloc_used(),
                            .ram_ranges = ram_free_ranges(),
                            .caps = mdb_count(),
                            .shared_pages = vnode_shared_pages(),
                            .ram_bytes = ram_free_bytes()};
}

static void expect_ok(errval_t err, const char *what)
{
    if (err_is_fail(err)) {
        char text[256];
        err_format(err, text, sizeof(text));
        fuzz_fail("%s: %s", what, text);
    }
}

static void make_frame(int i, gensize_t bytes, gensize_t align)
{
    struct frame *f = &frames[i];
    expect_ok(align > BASE_PAGE_BYTES ? frame_alloc_aligned(&f->cap, bytes, align)
                                      : frame_alloc(&f->cap, bytes, NULL),
              "frame_alloc");
    struct cap_identity id;
    expect_ok(cap_identify(f->cap, &id), "identify");
    *f = (struct frame){.cap = f->cap, .base = id.base, .bytes = id.bytes, .rights = id.rights};
}

static void boot(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    host_console_capture(console, sizeof(console));
    host_machine_boot(&config);
    expect_ok(libcap_init(), "libcap_init");
    take_resources(&baseline);
    expect_ok(vnode_create(&root, pmap_arch_layout()->table_type[0]), "vnode_create");
    expect_ok(pmap_init(&pmap, root, NULL), "pmap_init");
    make_frame(0, 16 * BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    make_frame(1, 4 * BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    make_frame(2, large_bytes(), large_bytes());
    make_frame(3, 2 * large_bytes(), large_bytes());
    struct frame *ro = &frames[READ_ONLY_FRAME];
    expect_ok(slot_alloc(&ro->cap), "slot_alloc");
    expect_ok(cap_mint(ro->cap, frames[0].cap, CAPRIGHTS_READ), "mint");
    *ro = (struct frame){
        .cap = ro->cap, .base = frames[0].base, .bytes = frames[0].bytes, .rights = CAPRIGHTS_READ};
    model_reset(&model);
}

/* ---- The oracle: the walker and pmap_lookup against the model ---- */

static void check_page(const struct model_range *r, genvaddr_t va)
{
    struct walk_result w = walk_translate(pmap.root_base, va);
    const struct frame *f = &frames[r->frame];
    genpaddr_t want = f->base + r->offset + (va - r->vaddr);
    fuzz_expect(w.present && w.paddr == want, "%#llx: present %d paddr %#llx, want %#llx",
                (unsigned long long)va, w.present, (unsigned long long)w.paddr,
                (unsigned long long)want);
    fuzz_expect(w.user && w.writable == !!(r->flags & VREGION_FLAGS_WRITE) &&
                    w.executable == !!(r->flags & VREGION_FLAGS_EXECUTE) &&
                    w.nocache == !!(r->flags & VREGION_FLAGS_NOCACHE),
                "%#llx: writable %d executable %d nocache %d, flags %#x", (unsigned long long)va,
                w.writable, w.executable, w.nocache, r->flags);
    genvaddr_t block = va & ~(w.page_bytes - 1);
    fuzz_expect(w.page_bytes == BASE_PAGE_BYTES ||
                    ((r->flags & VREGION_FLAGS_LARGE) && block >= r->vaddr &&
                     block + w.page_bytes <= r->vaddr + r->bytes),
                "%#llx: a %#llx-byte page where [%#llx, +%#llx) flags %#x cannot have one",
                (unsigned long long)va, (unsigned long long)w.page_bytes,
                (unsigned long long)r->vaddr, (unsigned long long)r->bytes, r->flags);
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(&pmap, va, &info);
    fuzz_expect(err_is_ok(err) && info.vaddr <= va && va - info.vaddr < info.bytes &&
                    info.vaddr >= r->vaddr && info.vaddr + info.bytes <= r->vaddr + r->bytes &&
                    capref_equal(info.frame, f->cap) &&
                    info.offset_bytes == r->offset + (info.vaddr - r->vaddr) &&
                    info.flags == ((r->flags & ~VREGION_FLAGS_LARGE) |
                                   (w.page_bytes > BASE_PAGE_BYTES ? VREGION_FLAGS_LARGE : 0)) &&
                    info.page_bytes == w.page_bytes,
                "lookup %#llx: %s, run [%#llx, +%#llx) offset %#llx flags %#x",
                (unsigned long long)va, err_getcode(err), (unsigned long long)info.vaddr,
                (unsigned long long)info.bytes, (unsigned long long)info.offset_bytes, info.flags);
}

static void check_absent(genvaddr_t va)
{
    struct walk_result w = walk_translate(pmap.root_base, va);
    fuzz_expect(!w.present, "%#llx is not mapped, yet translates to %#llx", (unsigned long long)va,
                (unsigned long long)w.paddr);
    struct pmap_mapping_info info;
    errval_t err = pmap_lookup(&pmap, va, &info);
    fuzz_expect(err_no(err) == LIB_ERR_PMAP_NOT_MAPPED, "lookup %#llx: %s, want NOT_MAPPED",
                (unsigned long long)va, err_getcode(err));
}

static void check_gap(genvaddr_t lo, genvaddr_t hi)
{
    if (lo < hi) {
        check_absent(lo);
        check_absent(hi - BASE_PAGE_BYTES);
        check_absent(lo + (hi - lo) / BASE_PAGE_BYTES / 2 * BASE_PAGE_BYTES);
    }
}

static void check_model(void)
{
    genvaddr_t cur = WINDOW_LO;
    for (size_t i = 0; i < model.count; i++) {
        const struct model_range *r = &model.r[i];
        uint64_t pages = r->bytes / BASE_PAGE_BYTES;
        for (uint64_t s = 0; s < SAMPLES && s < pages; s++) {
            uint64_t p = pages <= SAMPLES ? s : s * (pages - 1) / (SAMPLES - 1);
            check_page(r, r->vaddr + p * BASE_PAGE_BYTES);
        }
        check_gap(cur, r->vaddr);
        cur = r->vaddr + r->bytes;
    }
    check_gap(cur, WINDOW_LO + WINDOW_BYTES);
}

/* ---- Operations, each predicted by the model ---- */

static genvaddr_t decode_vaddr(struct fuzz_input *in)
{
    if (fuzz_u8(in) < 0x80) {
        return WINDOW_LO + fuzz_below(in, WINDOW_BYTES / large_bytes()) * large_bytes();
    }
    return WINDOW_LO + fuzz_below(in, WINDOW_BYTES / BASE_PAGE_BYTES) * BASE_PAGE_BYTES;
}

static gensize_t decode_bytes(struct fuzz_input *in)
{
    switch (fuzz_u8(in) % 4) {
    case 0:
        return (1 + fuzz_below(in, 16)) * BASE_PAGE_BYTES;
    case 1:
        return large_bytes();
    case 2:
        return 2 * large_bytes();
    default:
        return (1 + fuzz_below(in, 512)) * BASE_PAGE_BYTES;
    }
}

static vregion_flags_t decode_flags(struct fuzz_input *in)
{
    const vregion_flags_t common[] = {
        VREGION_FLAGS_READ, VREGION_FLAGS_READ_WRITE, VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
        VREGION_FLAGS_MASK, VREGION_FLAGS_READ | VREGION_FLAGS_NOCACHE};
    uint8_t pick = fuzz_u8(in);
    if (pick >= 0xf0) {
        return fuzz_u16(in) & 0x1ff;
    }
    return common[pick % 5] | ((pick & 0x10) ? VREGION_FLAGS_LARGE : 0);
}

static bool flags_valid(vregion_flags_t flags)
{
    flags &= ~VREGION_FLAGS_LARGE;
    return (flags & ~VREGION_FLAGS_MASK) == 0 && (flags & VREGION_FLAGS_READ);
}

static bool rights_allow(const struct frame *f, vregion_flags_t flags)
{
    return (!(flags & VREGION_FLAGS_WRITE) || (f->rights & CAPRIGHTS_WRITE)) &&
           (!(flags & VREGION_FLAGS_EXECUTE) || (f->rights & CAPRIGHTS_EXECUTE));
}

static void expect_outcome(errval_t err, bool want_ok, const char *what, genvaddr_t va,
                           gensize_t bytes)
{
    char text[256];
    err_format(err, text, sizeof(text));
    fuzz_expect(err_is_ok(err) == want_ok, "%s [%#llx, +%#llx): %s, the model says %s", what,
                (unsigned long long)va, (unsigned long long)bytes, text,
                want_ok ? "it may" : "it may not");
}

static void op_map(struct fuzz_input *in)
{
    int fi = (int)fuzz_below(in, FRAMES);
    const struct frame *f = &frames[fi];
    genvaddr_t va = decode_vaddr(in);
    gensize_t offset = fuzz_below(in, f->bytes / BASE_PAGE_BYTES + 1) * BASE_PAGE_BYTES;
    gensize_t bytes = fuzz_u8(in) & 1 ? decode_bytes(in) : f->bytes - offset;
    vregion_flags_t flags = decode_flags(in);
    bool ok = bytes > 0 && offset + bytes <= f->bytes && flags_valid(flags) &&
              rights_allow(f, flags) && !model_overlaps(&model, va, bytes);
    errval_t err = pmap_map(&pmap, va, f->cap, offset, bytes, flags);
    expect_outcome(err, ok, "map", va, bytes);
    if (ok) {
        model_add(&model,
                  &(struct model_range){
                      .vaddr = va, .bytes = bytes, .frame = fi, .offset = offset, .flags = flags});
    }
}

static void op_unmap(struct fuzz_input *in)
{
    genvaddr_t va = decode_vaddr(in);
    gensize_t bytes = decode_bytes(in);
    expect_outcome(pmap_unmap(&pmap, va, bytes), true, "unmap", va, bytes);
    model_remove(&model, va, bytes);
}

static void op_modify(struct fuzz_input *in)
{
    genvaddr_t va = decode_vaddr(in);
    gensize_t bytes = decode_bytes(in);
    vregion_flags_t flags = decode_flags(in);
    bool ok = flags_valid(flags);
    for (size_t i = 0; i < model.count; i++) {
        const struct model_range *r = &model.r[i];
        if (r->vaddr < va + bytes && va < r->vaddr + r->bytes) {
            ok = ok && rights_allow(&frames[r->frame], flags);
        }
    }
    expect_outcome(pmap_modify_flags(&pmap, va, bytes, flags), ok, "modify_flags", va, bytes);
    if (ok) {
        model_modify(&model, va, bytes, flags);
    }
}

static void op_lookup(struct fuzz_input *in)
{
    genvaddr_t va = decode_vaddr(in);
    const struct model_range *r = model_find(&model, va);
    if (r != NULL) {
        check_page(r, va);
    } else {
        check_absent(va);
    }
}

/* A range determine_addr hands out is aligned, in user space and free. */
static void op_determine(struct fuzz_input *in)
{
    gensize_t bytes = decode_bytes(in);
    gensize_t align = fuzz_u8(in) & 1 ? large_bytes() : 0;
    genvaddr_t va;
    errval_t err = pmap_determine_addr(&pmap, bytes, align, &va);
    expect_outcome(err, true, "determine_addr", 0, bytes);
    fuzz_expect(va % (align ? align : BASE_PAGE_BYTES) == 0 && va >= pmap.vaddr_min &&
                    va + bytes <= pmap_arch_layout()->user_end &&
                    !model_overlaps(&model, va, bytes) &&
                    (va + bytes <= pmap.meta_base || va >= pmap.meta_limit),
                "determine_addr gave [%#llx, +%#llx), align %#llx", (unsigned long long)va,
                (unsigned long long)bytes, (unsigned long long)align);
    check_absent(va);
}

/* Unmaps and destroys everything: every resource taken since libcap_init is back. */
static void check_teardown(void)
{
    gensize_t all = WINDOW_BYTES + 4 * large_bytes();
    expect_outcome(pmap_unmap(&pmap, WINDOW_LO, all), true, "unmap all", WINDOW_LO, all);
    model_remove(&model, WINDOW_LO, all);
    fuzz_expect(model.count == 0, "ranges outside the window");
    check_model();
    expect_ok(pmap_destroy(&pmap), "pmap_destroy");
    expect_ok(vnode_destroy(root), "vnode_destroy");
    expect_ok(cap_destroy(frames[READ_ONLY_FRAME].cap), "cap_destroy");
    for (int i = 0; i < READ_ONLY_FRAME; i++) {
        expect_ok(frame_free(frames[i].cap), "frame_free");
    }
    struct resources now;
    take_resources(&now);
    fuzz_expect(now.slots == baseline.slots && now.ram_ranges == baseline.ram_ranges &&
                    now.caps == baseline.caps && now.shared_pages == baseline.shared_pages &&
                    now.ram_bytes == baseline.ram_bytes,
                "leaked: slots %zu/%zu, RAM %#llx/%#llx in %zu/%zu ranges, caps %zu/%zu", now.slots,
                baseline.slots, (unsigned long long)now.ram_bytes,
                (unsigned long long)baseline.ram_bytes, now.ram_ranges, baseline.ram_ranges,
                now.caps, baseline.caps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = fuzz_input_make(data, size);
    boot();
    for (int n = 0; n < MAX_OPS && fuzz_more(&in); n++) {
        switch (fuzz_u8(&in) % 8) {
        case 0:
        case 1:
        case 2:
            op_map(&in);
            break;
        case 3:
            op_unmap(&in);
            break;
        case 4:
        case 5:
            op_modify(&in);
            break;
        case 6:
            op_lookup(&in);
            break;
        default:
            op_determine(&in);
            break;
        }
        check_model();
    }
    check_teardown();
    host_machine_shutdown();
    host_console_capture(NULL, 0);
    return 0;
}
