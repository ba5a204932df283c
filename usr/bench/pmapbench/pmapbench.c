/* pmapbench: the cost of pmap operations as live mappings grow from a hundred to a million. */
#include <host_machine.h>
#include <math.h>
#include <pmap/pmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#define OPS 2000u      /* measured operations of each kind per size */
#define COUNT_OPS 200u /* under callgrind: exact, so fewer suffice */

/*
 * Where the live 4 KiB mappings go (one map call each), and where measured maps go, far from
 * them: on x86-64 at 4 GiB and 1 TiB; in ARMv7's 2 GiB of user space at 256 MiB and 1 GiB, which
 * holds fewer live pages and fewer large probes (sizes_fit, ops_fit).
 */
static genvaddr_t pop_base, probe_base, probe_end;

enum op { OP_MAP4K, OP_UNMAP4K, OP_MODIFY, OP_LOOKUP, OP_MAP_LARGE, OP_UNMAP_LARGE, OP_NUM };
static const char *const op_names[OP_NUM] = {"map_4k", "unmap_4k",  "modify_4k",
                                             "lookup", "map_large", "unmap_large"};

static const uint32_t sizes[] = {100, 1000, 10000, 100000, 1000000};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct pmap pmap;
static struct capref small_frame;
static struct capref large_frame;
static gensize_t large_bytes;
static uint32_t live;
static double ns[NSIZES][OP_NUM];
static double meta_per_page[NSIZES];
static size_t sizes_measured; /* the sizes that fit this address space (size_fits) */

static void check(errval_t err, const char *what)
{
    if (err_is_fail(err)) {
        char text[512];
        err_format(err, text, sizeof(text));
        fprintf(stderr, "pmapbench: %s: %s\n", what, text);
        exit(EXIT_FAILURE);
    }
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* The largest page size below the root that the layout offers (x86-64 1 GiB, ARMv7 1 MiB). */
static gensize_t largest_page(const struct pmap_layout *l)
{
    for (int level = 0; level < l->levels - 1; level++) {
        if (l->frame_level[level]) {
            return l->span_bytes[level];
        }
    }
    return BASE_PAGE_BYTES;
}

static void boot(void)
{
    struct host_machine_config config = HOST_MACHINE_DEFAULT_CONFIG;
    config.ram_bytes = 3ull << 30;
    config.random_seed = 0x5eed; /* a fixed kernel index shape: repeatable counts */
    config.no_kcheck = true;     /* measure the kernel and libpmap, not the checker */
    host_machine_boot(&config);
    check(libcap_init(), "libcap_init");
    struct capref root;
    check(vnode_create(&root, pmap_arch_layout()->table_type[0]), "root table");
    check(pmap_init(&pmap, root, NULL), "pmap_init");
    check(frame_alloc(&small_frame, BASE_PAGE_BYTES, NULL), "frame");
    /* The second-largest page: 2 MiB on x86-64 (1 GiB frames would cost 1 GiB of zeroing). */
    const struct pmap_layout *l = pmap_arch_layout();
    large_bytes = l->levels > 2 ? l->span_bytes[l->levels - 2] : largest_page(l);
    check(frame_alloc_aligned(&large_frame, large_bytes, large_bytes), "large frame");
    bool wide = l->user_end > ((genvaddr_t)1 << 41);
    pop_base = wide ? (genvaddr_t)1 << 32 : (genvaddr_t)256 << 20;
    probe_base = wide ? (genvaddr_t)1 << 40 : (genvaddr_t)1 << 30;
    probe_end = wide ? l->user_end : l->meta_base_default;
}

/* Does a population of live pages fit below the probes? */
static bool size_fits(uint32_t pages)
{
    return pop_base + (genvaddr_t)pages * BASE_PAGE_BYTES <= probe_base;
}

/* How many of ops probes fit: every large probe is live at once, two large pages apart. */
static unsigned ops_fit(unsigned ops)
{
    genvaddr_t room = (probe_end - probe_base) / (2 * large_bytes);
    return room > ops ? ops : (unsigned)room - 1;
}

static void grow_to(uint32_t target)
{
    for (; live < target; live++) {
        check(pmap_map(&pmap, pop_base + (genvaddr_t)live * BASE_PAGE_BYTES, small_frame, 0,
                       BASE_PAGE_BYTES, VREGION_FLAGS_READ_WRITE),
              "populate");
    }
}

static genvaddr_t random_live(void)
{
    return pop_base + (genvaddr_t)((uint32_t)rand() % live) * BASE_PAGE_BYTES;
}

static void run_op(enum op op, unsigned i)
{
    genvaddr_t probe = probe_base + (genvaddr_t)i * BASE_PAGE_BYTES;
    genvaddr_t large = probe_base + (genvaddr_t)(i + 1) * large_bytes * 2;
    struct pmap_mapping_info info;
    switch (op) {
    case OP_MAP4K:
        check(pmap_map(&pmap, probe, small_frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ), "map");
        break;
    case OP_UNMAP4K:
        check(pmap_unmap(&pmap, probe, BASE_PAGE_BYTES), "unmap");
        break;
    case OP_MODIFY:
        check(pmap_modify_flags(&pmap, random_live(), BASE_PAGE_BYTES,
                                i % 2 ? VREGION_FLAGS_READ_WRITE : VREGION_FLAGS_READ),
              "modify_flags");
        break;
    case OP_LOOKUP:
        check(pmap_lookup(&pmap, random_live(), &info), "lookup");
        break;
    case OP_MAP_LARGE:
        check(pmap_map(&pmap, large, large_frame, 0, large_bytes,
                       VREGION_FLAGS_READ | VREGION_FLAGS_LARGE),
              "map large");
        break;
    case OP_UNMAP_LARGE:
        check(pmap_unmap(&pmap, large, large_bytes), "unmap large");
        break;
    default:
        break;
    }
}

/* Times a batch of each operation; maps are undone by the unmaps that follow them. */
static void measure_time(size_t size_index, unsigned ops)
{
    for (enum op op = 0; op < OP_NUM; op++) {
        double start = now_ns();
        for (unsigned i = 0; i < ops; i++) {
            run_op(op, i);
        }
        ns[size_index][op] = (now_ns() - start) / ops;
    }
}

/* Under callgrind: collection on around one operation kind at a time (tools/callgrind-ops). */
static void measure_instructions(unsigned ops)
{
    for (enum op op = 0; op < OP_NUM; op++) {
        CALLGRIND_ZERO_STATS; /* nothing before (tools/callgrind-ops' toggles) may count */
        CALLGRIND_TOGGLE_COLLECT;
        for (unsigned i = 0; i < ops; i++) {
            run_op(op, i);
        }
        CALLGRIND_TOGGLE_COLLECT;
        char label[64];
        snprintf(label, sizeof(label), "op=%s live=%u ops=%u", op_names[op], live, ops);
        CALLGRIND_DUMP_STATS_AT(label);
    }
}

static void print_results(void)
{
    printf("\n%10s", "live");
    for (enum op op = 0; op < OP_NUM; op++) {
        printf(" | %11s", op_names[op]);
    }
    printf(" | meta B/page\n");
    for (size_t s = 0; s < sizes_measured; s++) {
        printf("%10u", sizes[s]);
        for (enum op op = 0; op < OP_NUM; op++) {
            printf(" | %8.0f ns", ns[s][op]);
        }
        printf(" | %11.1f\n", meta_per_page[s]);
    }
    printf("\n");
    for (enum op op = 0; op < OP_NUM; op++) {
        size_t last = sizes_measured - 1;
        printf("%s: %u/%u live mappings time ratio %.2f\n", op_names[op], sizes[last], sizes[0],
               ns[last][op] / ns[0][op]);
    }
}

int main(void)
{
    srand(1);
    boot();
    printf("pmapbench: pmap operations as live 4 KiB mappings grow (%s large pages: %llu KiB)\n"
           "map/unmap: a page (or large page) outside the population; modify/lookup: a random\n"
           "live page. %u ops per kind and size; ns per op; meta B/page: pmap metadata blocks\n"
           "(shadow tree nodes and runs) per live mapping.\n",
           RUNNING_ON_VALGRIND ? "instructions under callgrind," : "time,",
           (unsigned long long)(large_bytes >> 10), ops_fit(RUNNING_ON_VALGRIND ? COUNT_OPS : OPS));
    for (size_t s = 0; s < NSIZES; s++) {
        if (!size_fits(sizes[s])) {
            printf("pmapbench: %u live pages do not fit this address space: stopping at %u\n",
                   sizes[s], live);
            break;
        }
        double start = now_ns();
        grow_to(sizes[s]);
        struct pmap_stats stats;
        pmap_get_stats(&pmap, &stats);
        meta_per_page[s] = (double)stats.meta_bytes / live;
        printf("populated %u mappings (%.2f s), %zu tables, %zu metadata blocks\n", live,
               (now_ns() - start) / 1e9, stats.tables, stats.meta_blocks);
        fflush(stdout);
        if (RUNNING_ON_VALGRIND) {
            measure_instructions(ops_fit(COUNT_OPS));
        } else {
            measure_time(s, ops_fit(OPS));
        }
        sizes_measured = s + 1;
    }
    if (!RUNNING_ON_VALGRIND) {
        print_results();
    }
    check(pmap_destroy(&pmap), "pmap_destroy");
    host_machine_shutdown();
    return 0;
}
