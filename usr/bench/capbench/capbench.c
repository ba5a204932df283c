/* capbench: shows that retype, delete and revoke stay O(log n) as live capabilities grow to 1M. */
#include <host_machine.h>
#include <init_cspace.h>
#include <libcap/invoke.h>
#include <linux/perf_event.h>
#include <math.h>
#include <mdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

/*
 * Layout of the population RAM: chunks of CHUNK_CAPS pages, each retyped into
 * CHUNK_CAPS live 4 KiB RAM capabilities, each followed by a hole of
 * HOLE_PAGES free pages. Measured objects are made in holes picked across the
 * whole populated range. The population lives in L2 CNodes that are not
 * installed in the L1 CNode: their capabilities sit in directory CNodes at L1
 * slots DIR_L1_FIRST on. Measured objects go to the work CNode at WORK_L1.
 */
#define POP_MAX 1000000u
#define CHUNK_CAPS 32u
#define HOLE_PAGES 4u
#define STRIDE_PAGES (CHUNK_CAPS + HOLE_PAGES)
#define CHUNKS_MAX ((POP_MAX + CHUNK_CAPS - 1) / CHUNK_CAPS)
#define CHUNKS_PER_CNODE (L2_CNODE_SLOTS / CHUNK_CAPS)
#define POP_CNODES_MAX ((CHUNKS_MAX + CHUNKS_PER_CNODE - 1) / CHUNKS_PER_CNODE)
#define POP_BYTES ((gensize_t)CHUNKS_MAX * STRIDE_PAGES * BASE_PAGE_BYTES)
#define CNODE_POOL 4096u
#define CNODE_POOL_BYTES ((gensize_t)CNODE_POOL * L2_CNODE_BYTES)
#define KERNEL_SLACK_BYTES ((gensize_t)4 << 20)

#define DIR_L1_FIRST ROOTCN_SLOTS_USER
#define DIRS_MAX ((POP_CNODES_MAX + L2_CNODE_SLOTS - 1) / L2_CNODE_SLOTS)
#define WORK_L1 (INIT_ROOTCN_SLOTS - 1)
#define RAM_L1 ROOTCN_SLOT_SLOT_ALLOC0
#define POP_RAM capaddr_make(RAM_L1, 0)
#define CNODE_RAM capaddr_make(RAM_L1, 1)
#define WORK_CNODE capaddr_l1_slot(WORK_L1)

#define BATCH 16u
#define BATCHES 125u /* BATCH * BATCHES = 2000 repetitions of each operation per size */
#define DESCENDANTS 4u

_Static_assert(DIR_L1_FIRST + DIRS_MAX <= WORK_L1, "directory CNodes overlap the work CNode");
_Static_assert(POP_CNODES_MAX + DIRS_MAX + 1 <= CNODE_POOL, "CNode pool too small");
_Static_assert((1 + DESCENDANTS) * BATCH <= L2_CNODE_SLOTS, "work CNode too small");
_Static_assert(DESCENDANTS <= HOLE_PAGES, "revoke targets do not fit a hole");

static const uint32_t sizes[] = {1000, 10000, 100000, 1000000};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* OP_COLD is retype on index paths not in the cache; the others run on cached paths. */
enum op { OP_RETYPE, OP_DELETE, OP_REVOKE, OP_COLD, OP_NUM };
static const char *const op_names[OP_NUM] = {"retype", "delete", "revoke", "cold retype"};

struct sample {
    uint64_t ns;
    uint64_t instr;
};

struct cost {
    double ns;
    double instr;
};

/* Per-op costs of each batch of one operation at one size. */
struct series {
    double ns[BATCHES];
    double instr[BATCHES];
};

struct result {
    uint32_t live;
    size_t entries;
    uint32_t cnodes;
    struct cost op[OP_NUM];
};

static struct {
    int perf_fd;          /* -1 when instruction counters are unavailable */
    struct cost overhead; /* of an empty measured region */
    genpaddr_t pop_base;
    uint32_t cnodes_used;
    uint32_t pop_count;
    uint64_t rng;
} bench = {.perf_fd = -1, .rng = 0x9e3779b97f4a7c15};

static void check(errval_t err, const char *what)
{
    if (err_is_ok(err)) {
        return;
    }
    char text[256];
    err_format(err, text, sizeof(text));
    fprintf(stderr, "capbench: %s failed: %s\n", what, text);
    exit(EXIT_FAILURE);
}

static uint64_t rng_next(void)
{
    bench.rng ^= bench.rng << 13;
    bench.rng ^= bench.rng >> 7;
    bench.rng ^= bench.rng << 17;
    return bench.rng;
}

/* User-mode instructions of this process: the hosted kernel runs in user mode too. */
static void perf_open(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    uint64_t count;
    if (fd >= 0 && read(fd, &count, sizeof(count)) != (ssize_t)sizeof(count)) {
        close(fd);
        fd = -1;
    }
    bench.perf_fd = fd;
}

static struct sample sample_now(void)
{
    struct sample s = {0, 0};
    if (bench.perf_fd >= 0 && read(bench.perf_fd, &s.instr, sizeof(s.instr)) < 0) {
        s.instr = 0;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s.ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return s;
}

static struct cost elapsed(struct sample start)
{
    struct sample end = sample_now();
    return (struct cost){.ns = (double)(end.ns - start.ns),
                         .instr = (double)(end.instr - start.instr)};
}

static void record(struct series *s, unsigned batch, struct sample start)
{
    struct cost c = elapsed(start);
    s->ns[batch] = (c.ns - bench.overhead.ns) / BATCH;
    s->instr[batch] = (c.instr - bench.overhead.instr) / BATCH;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *values)
{
    double sorted[BATCHES];
    memcpy(sorted, values, sizeof(sorted));
    qsort(sorted, BATCHES, sizeof(sorted[0]), cmp_double);
    return sorted[BATCHES / 2];
}

static double mean(const double *values)
{
    double sum = 0;
    for (unsigned i = 0; i < BATCHES; i++) {
        sum += values[i];
    }
    return sum / BATCHES;
}

/* The cost of an empty measured region, subtracted from every batch. */
static void calibrate(void)
{
    struct series s;
    for (unsigned b = 0; b < BATCHES; b++) {
        struct cost c = elapsed(sample_now());
        s.ns[b] = c.ns;
        s.instr[b] = c.instr;
    }
    bench.overhead = (struct cost){.ns = median(s.ns), .instr = median(s.instr)};
}

static void new_cnode(capaddr_t dest_cnode, cslot_t slot)
{
    if (bench.cnodes_used == CNODE_POOL) {
        fprintf(stderr, "capbench: CNode pool exhausted\n");
        exit(EXIT_FAILURE);
    }
    gensize_t offset = (gensize_t)bench.cnodes_used++ * L2_CNODE_BYTES;
    check(invoke_cnode_retype(CAPADDR_ROOTCN, CNODE_RAM, offset, ObjType_L2CNode, L2_CNODE_BYTES, 1,
                              dest_cnode, slot),
          "retype L2CNode");
}

/* Boots a machine with room for the population and splits init's RAM into two pools. */
static void boot(void)
{
    struct host_machine_config config = {
        .phys_base = 0x40000000,
        .ram_bytes = POP_BYTES + CNODE_POOL_BYTES + KERNEL_SLACK_BYTES,
        .device_bytes = 0,
        .random_seed = 0x5eed, /* a fixed tree shape: repeatable instruction counts */
        .no_kcheck = true,     /* measure the kernel, not its checker */
    };
    host_machine_boot(&config);
    capaddr_t init_ram = capaddr_make(ROOTCN_SLOT_SUPERCN, 0);
    capaddr_t ram_cnode = capaddr_l1_slot(RAM_L1);
    check(invoke_cnode_retype(CAPADDR_ROOTCN, init_ram, 0, ObjType_RAM, POP_BYTES, 1, ram_cnode,
                              capaddr_l2_slot(POP_RAM)),
          "retype population RAM");
    check(invoke_cnode_retype(CAPADDR_ROOTCN, init_ram, POP_BYTES, ObjType_RAM, CNODE_POOL_BYTES, 1,
                              ram_cnode, capaddr_l2_slot(CNODE_RAM)),
          "retype CNode RAM");
    new_cnode(CAPADDR_ROOTCN, WORK_L1);
    struct cap_identity id;
    check(invoke_cap_identify(POP_RAM, &id), "identify population RAM");
    bench.pop_base = id.base;
}

/* The CNode holding population chunk `chunk`, created with its directory when first needed. */
static capaddr_t chunk_cnode(uint32_t chunk, bool first_use)
{
    uint32_t cnode = chunk / CHUNKS_PER_CNODE;
    uint32_t dir_l1 = DIR_L1_FIRST + cnode / L2_CNODE_SLOTS;
    cslot_t dir_slot = cnode % L2_CNODE_SLOTS;
    if (first_use && chunk % CHUNKS_PER_CNODE == 0) {
        if (dir_slot == 0) {
            new_cnode(CAPADDR_ROOTCN, dir_l1);
        }
        new_cnode(capaddr_l1_slot(dir_l1), dir_slot);
    }
    return capaddr_make(dir_l1, dir_slot);
}

/* Adds 4 KiB RAM capabilities, up to a chunk per retype, until target are live. */
static void grow_to(uint32_t target)
{
    while (bench.pop_count < target) {
        uint32_t chunk = bench.pop_count / CHUNK_CAPS;
        uint32_t filled = bench.pop_count % CHUNK_CAPS;
        uint32_t count = CHUNK_CAPS - filled;
        if (count > target - bench.pop_count) {
            count = target - bench.pop_count;
        }
        capaddr_t dest = chunk_cnode(chunk, filled == 0);
        gensize_t offset = ((gensize_t)chunk * STRIDE_PAGES + filled) * BASE_PAGE_BYTES;
        cslot_t slot = (chunk % CHUNKS_PER_CNODE) * CHUNK_CAPS + filled;
        check(invoke_cnode_retype(CAPADDR_ROOTCN, POP_RAM, offset, ObjType_RAM, BASE_PAGE_BYTES,
                                  count, dest, slot),
              "retype population");
        bench.pop_count += count;
    }
}

static gensize_t hole_offset(uint32_t hole)
{
    return ((gensize_t)hole * STRIDE_PAGES + CHUNK_CAPS) * BASE_PAGE_BYTES;
}

/*
 * BATCH distinct holes evenly spread over the populated range from a random
 * start. Their pages are touched first so that the host's page faults on
 * fresh simulated memory do not land in the measured time.
 */
static void pick_holes(uint32_t holes[BATCH])
{
    uint32_t n = (bench.pop_count + CHUNK_CAPS - 1) / CHUNK_CAPS;
    uint32_t start = (uint32_t)(rng_next() % n);
    uint32_t step = n / BATCH;
    if (step == 0) {
        fprintf(stderr, "capbench: too few live caps for a batch of %u holes\n", BATCH);
        exit(EXIT_FAILURE);
    }
    for (unsigned j = 0; j < BATCH; j++) {
        holes[j] = (start + j * step) % n;
        for (unsigned p = 0; p < HOLE_PAGES; p++) {
            genpaddr_t paddr = bench.pop_base + hole_offset(holes[j]) + p * BASE_PAGE_BYTES;
            *(volatile uint8_t *)host_machine_phys_ptr(paddr) = 0;
        }
    }
}

static void retype_frames(const uint32_t holes[BATCH])
{
    for (unsigned j = 0; j < BATCH; j++) {
        check(invoke_cnode_retype(CAPADDR_ROOTCN, POP_RAM, hole_offset(holes[j]), ObjType_Frame,
                                  BASE_PAGE_BYTES, 1, WORK_CNODE, j),
              "retype Frame");
    }
}

static void delete_batch(void)
{
    for (unsigned j = 0; j < BATCH; j++) {
        check(invoke_cnode_delete(CAPADDR_ROOTCN, capaddr_make(WORK_L1, j)), "delete");
    }
}

/* A RAM capability over each hole, with DESCENDANTS frames retyped from it. */
static void make_revoke_targets(const uint32_t holes[BATCH])
{
    for (unsigned j = 0; j < BATCH; j++) {
        check(invoke_cnode_retype(CAPADDR_ROOTCN, POP_RAM, hole_offset(holes[j]), ObjType_RAM,
                                  HOLE_PAGES * BASE_PAGE_BYTES, 1, WORK_CNODE, j),
              "retype revoke target");
        check(invoke_cnode_retype(CAPADDR_ROOTCN, capaddr_make(WORK_L1, j), 0, ObjType_Frame,
                                  BASE_PAGE_BYTES, DESCENDANTS, WORK_CNODE,
                                  BATCH + j * DESCENDANTS),
              "retype descendants");
    }
}

static void revoke_batch(void)
{
    for (unsigned j = 0; j < BATCH; j++) {
        check(invoke_cnode_revoke(CAPADDR_ROOTCN, capaddr_make(WORK_L1, j)), "revoke");
    }
}

static void measure_batch(struct series s[OP_NUM], unsigned batch)
{
    uint32_t holes[BATCH];
    pick_holes(holes);
    struct sample start = sample_now();
    retype_frames(holes);
    record(&s[OP_COLD], batch, start);
    delete_batch();

    start = sample_now();
    retype_frames(holes);
    record(&s[OP_RETYPE], batch, start);

    start = sample_now();
    delete_batch();
    record(&s[OP_DELETE], batch, start);

    make_revoke_targets(holes);
    start = sample_now();
    revoke_batch();
    record(&s[OP_REVOKE], batch, start);
    delete_batch();
}

/*
 * Under callgrind (tools/callgrind-ops) instructions are counted exactly:
 * collection is switched on around one operation's calls only, and each
 * (operation, size) pair is dumped under a label the tool reads back.
 */
#define COUNT_BATCHES 4u

static void count_region_end(enum op op, uint32_t live)
{
    char label[64];
    snprintf(label, sizeof(label), "op=%s live=%u ops=%u", op_names[op], live,
             COUNT_BATCHES * BATCH);
    CALLGRIND_DUMP_STATS_AT(label);
}

static void count_ops(uint32_t live)
{
    uint32_t holes[BATCH];
    for (unsigned b = 0; b < COUNT_BATCHES; b++) {
        pick_holes(holes);
        CALLGRIND_TOGGLE_COLLECT;
        retype_frames(holes);
        CALLGRIND_TOGGLE_COLLECT;
        delete_batch();
    }
    count_region_end(OP_RETYPE, live);
    for (unsigned b = 0; b < COUNT_BATCHES; b++) {
        pick_holes(holes);
        retype_frames(holes);
        CALLGRIND_TOGGLE_COLLECT;
        delete_batch();
        CALLGRIND_TOGGLE_COLLECT;
    }
    count_region_end(OP_DELETE, live);
    for (unsigned b = 0; b < COUNT_BATCHES; b++) {
        pick_holes(holes);
        make_revoke_targets(holes);
        CALLGRIND_TOGGLE_COLLECT;
        revoke_batch();
        CALLGRIND_TOGGLE_COLLECT;
        delete_batch();
    }
    count_region_end(OP_REVOKE, live);
}

static void measure(uint32_t live, struct result *r)
{
    struct sample start = sample_now();
    grow_to(live);
    printf("populated %u live caps (%.2f s), measuring\n", live, elapsed(start).ns / 1e9);
    fflush(stdout);
    if (RUNNING_ON_VALGRIND) {
        count_ops(live);
        return;
    }
    /* The first pass warms up the CPU and the code after populating; the second counts. */
    static struct series s[OP_NUM];
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned b = 0; b < BATCHES; b++) {
            measure_batch(s, b);
        }
    }
    r->live = live;
    r->entries = mdb_count();
    r->cnodes = bench.cnodes_used;
    for (int op = 0; op < OP_NUM; op++) {
        r->op[op] = (struct cost){.ns = median(s[op].ns), .instr = mean(s[op].instr)};
    }
}

static void print_intro(void)
{
    printf("capbench: cost per operation as the number of live capabilities grows\n"
           "The derivation index is a treap (ordered by base, end, rank, type, slot; random\n"
           "priorities), so its expected depth is O(log n): costs should grow with log n.\n"
           "retype: one 4 KiB Frame out of a RAM cap with n descendants; delete: that Frame;\n"
           "revoke: a RAM cap with %u Frame descendants (cost per revoke). %u ops per size,\n"
           "in batches of %u spread over the populated range; ns/op is the median batch,\n"
           "instr/op the mean. These three run on cached index paths; cold retype is the\n"
           "same retype the first time its path is walked (memory-bound). indexed: all\n"
           "entries of the index, the CNodes and the benchmark's own capabilities included.\n",
           DESCENDANTS, BATCH * BATCHES, BATCH);
    if (bench.perf_fd >= 0) {
        printf("instructions: user-mode, perf_event_open (the hosted kernel runs in user mode)\n");
    } else {
        printf("instructions: n/a here (perf counters unavailable); exact counts follow from\n"
               "callgrind (tools/callgrind-ops)\n");
    }
    fflush(stdout);
}

static void print_header(void)
{
    printf("\n%19s", "");
    for (int op = 0; op < OP_NUM; op++) {
        printf(op == OP_COLD ? " | %s" : " | %-16s", op_names[op]);
    }
    printf("\n%9s %9s", "live caps", "indexed");
    for (int op = 0; op < OP_NUM; op++) {
        printf(op == OP_COLD ? " | %6s\n" : " | %6s %9s", "ns/op", "instr/op");
    }
}

static void print_row(const struct result *r)
{
    printf("%9u %9zu", r->live, r->entries);
    for (int op = 0; op < OP_NUM; op++) {
        printf(" | %6.0f", r->op[op].ns);
        if (op == OP_COLD) {
            continue;
        }
        if (bench.perf_fd >= 0) {
            printf(" %9.0f", r->op[op].instr);
        } else {
            printf(" %9s", "n/a");
        }
    }
    printf("\n");
}

/* 1000 -> "1K", 1000000 -> "1M". */
static const char *short_count(uint32_t n, char buf[16])
{
    if (n % 1000000 == 0) {
        snprintf(buf, 16, "%uM", n / 1000000);
    } else if (n % 1000 == 0) {
        snprintf(buf, 16, "%uK", n / 1000);
    } else {
        snprintf(buf, 16, "%u", n);
    }
    return buf;
}

static void print_ratios(const struct result *first, const struct result *last)
{
    char lo[16];
    char hi[16];
    double log_ratio = log2((double)last->live) / log2((double)first->live);
    double linear_ratio = (double)last->live / first->live;
    printf("\n");
    for (int op = 0; op < OP_NUM; op++) {
        printf("%s: %s/%s ", op_names[op], short_count(last->live, hi),
               short_count(first->live, lo));
        if (bench.perf_fd >= 0 && op != OP_COLD) {
            printf("instruction ratio %.2f, ", last->op[op].instr / first->op[op].instr);
        }
        printf("time ratio %.2f (log2 ratio would be %.1f; linear would be %.0f)\n",
               last->op[op].ns / first->op[op].ns, log_ratio, linear_ratio);
    }
    printf("cold retype does the same work as retype, but its time also follows the memory\n"
           "hierarchy: the index nodes are the capability slots (%zu bytes each), spread over\n"
           "the CNodes' memory (%.1f MiB at %s caps, %.0f MiB at %s), so the paths it walks\n"
           "move from cache to DRAM as the index grows.\n",
           sizeof(struct cte), first->cnodes * (double)L2_CNODE_BYTES / (1 << 20), lo,
           last->cnodes * (double)L2_CNODE_BYTES / (1 << 20), hi);
}

int main(void)
{
    perf_open();
    calibrate();
    boot();
    print_intro();
    static struct result results[NSIZES];
    for (size_t i = 0; i < NSIZES; i++) {
        measure(sizes[i], &results[i]);
    }
    if (!RUNNING_ON_VALGRIND) {
        print_header();
        for (size_t i = 0; i < NSIZES; i++) {
            print_row(&results[i]);
        }
        print_ratios(&results[0], &results[NSIZES - 1]);
    }
    host_machine_shutdown();
    return 0;
}
