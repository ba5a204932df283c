/* A small reader for flattened device trees (the devicetree specification's blob format). */
#include <fdt.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_BYTES 40
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_DEPTH 16

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

struct fdt_header {
    uint32_t total, off_struct, off_strings, off_rsvmap, size_strings, size_struct, version,
        last_comp_version;
};

static struct fdt_header header_of(const void *blob)
{
    const uint8_t *b = blob;
    return (struct fdt_header){
        .total = be32(b + 4),
        .off_struct = be32(b + 8),
        .off_strings = be32(b + 12),
        .off_rsvmap = be32(b + 16),
        .version = be32(b + 20),
        .last_comp_version = be32(b + 24),
        .size_strings = be32(b + 32),
        .size_struct = be32(b + 36),
    };
}

size_t fdt_total_bytes(const void *blob)
{
    return header_of(blob).total;
}

/* One step through the structure block: what was found, and where the next token is. */
struct fdt_event {
    uint32_t token;
    int depth;            /* of the node the event belongs to */
    const char *name;     /* node or property name */
    const uint8_t *value; /* property value */
    uint32_t length;      /* property length */
};

struct fdt_walk {
    const uint8_t *blob;
    struct fdt_header h;
    uint32_t pos; /* offset into the structure block: a multiple of 4, never past its end */
    int depth;
};

/* The length of a NUL-terminated string at s with at most max bytes; max + 1 if unterminated. */
static uint32_t bounded_strlen(const uint8_t *s, uint32_t max)
{
    for (uint32_t n = 0; n < max; n++) {
        if (s[n] == '\0') {
            return n;
        }
    }
    return max + 1;
}

static uint32_t align4(uint32_t n)
{
    return (n + 3) & ~3u;
}

/*
 * What is left of the structure block after pos. The walk keeps pos inside
 * it (the block is whole tokens), but a subtraction that could wrap would
 * turn one slip into reads anywhere, so it is never written unguarded.
 */
static uint32_t bytes_left(const struct fdt_walk *w)
{
    return w->pos <= w->h.size_struct ? w->h.size_struct - w->pos : 0;
}

static const uint8_t *struct_block(const struct fdt_walk *w)
{
    return w->blob + w->h.off_struct;
}

/* A property name: an offset into the strings block, NUL-terminated inside it. */
static errval_t prop_name(const struct fdt_walk *w, uint32_t name_off, const char **name)
{
    if (name_off >= w->h.size_strings) {
        return SYS_ERR_FDT_BAD_STRING;
    }
    const uint8_t *s = w->blob + w->h.off_strings + name_off;
    uint32_t room = w->h.size_strings - name_off;
    if (bounded_strlen(s, room) >= room) {
        return SYS_ERR_FDT_BAD_STRING;
    }
    *name = (const char *)s;
    return SYS_ERR_OK;
}

static errval_t read_prop(struct fdt_walk *w, struct fdt_event *e)
{
    if (bytes_left(w) < 8) {
        return SYS_ERR_FDT_BAD_STRUCTURE;
    }
    uint32_t length = be32(struct_block(w) + w->pos);
    uint32_t name_off = be32(struct_block(w) + w->pos + 4);
    w->pos += 8;
    /* The block is whole words, so a length that fits still fits once padded. */
    if (length > bytes_left(w)) {
        return SYS_ERR_FDT_BAD_PROPERTY;
    }
    errval_t err = prop_name(w, name_off, &e->name);
    if (err_is_fail(err)) {
        return err;
    }
    e->value = struct_block(w) + w->pos;
    e->length = length;
    w->pos += align4(length);
    return SYS_ERR_OK;
}

static errval_t begin_node(struct fdt_walk *w, struct fdt_event *e)
{
    uint32_t left = bytes_left(w);
    uint32_t n = bounded_strlen(struct_block(w) + w->pos, left);
    if (n >= left) { /* no terminator inside the block, or no room for a name at all */
        return SYS_ERR_FDT_BAD_STRING;
    }
    if (++w->depth > FDT_MAX_DEPTH) {
        return SYS_ERR_FDT_BAD_STRUCTURE;
    }
    e->depth = w->depth;
    e->name = (const char *)struct_block(w) + w->pos;
    w->pos += align4(n + 1);
    return SYS_ERR_OK;
}

/* Reads the next token into e; FDT_END ends the walk. */
static errval_t next_event(struct fdt_walk *w, struct fdt_event *e)
{
    do {
        if (bytes_left(w) < 4) {
            return SYS_ERR_FDT_BAD_STRUCTURE;
        }
        e->token = be32(struct_block(w) + w->pos);
        w->pos += 4;
    } while (e->token == FDT_NOP);
    e->depth = w->depth;
    switch (e->token) {
    case FDT_BEGIN_NODE:
        return begin_node(w, e);
    case FDT_END_NODE:
        return w->depth-- > 0 ? SYS_ERR_OK : SYS_ERR_FDT_BAD_STRUCTURE;
    case FDT_PROP:
        return w->depth > 0 ? read_prop(w, e) : SYS_ERR_FDT_BAD_STRUCTURE;
    case FDT_END:
        return w->depth == 0 ? SYS_ERR_OK : SYS_ERR_FDT_BAD_STRUCTURE;
    default:
        return SYS_ERR_FDT_BAD_STRUCTURE;
    }
}

/* Does [off, off + size) lie inside [FDT_HEADER_BYTES, total)? (Written so nothing can wrap.) */
static bool block_inside(uint32_t off, uint32_t size, uint32_t total)
{
    return off >= FDT_HEADER_BYTES && off <= total && size <= total - off;
}

static bool blocks_overlap(uint32_t a, uint32_t a_size, uint32_t b, uint32_t b_size)
{
    return a_size != 0 && b_size != 0 && a < b + b_size && b < a + a_size;
}

/*
 * The memory reservation map: 16-byte (address, size) entries ended by a
 * zero entry, 8-byte aligned, inside the blob. Nothing reads it yet, but a
 * map that runs into the other blocks means the header lies. *bytes gets
 * its length with the terminator.
 */
static errval_t check_rsvmap(const uint8_t *b, const struct fdt_header *h, uint32_t *bytes)
{
    if (h->off_rsvmap % 8 != 0 || !block_inside(h->off_rsvmap, 0, h->total)) {
        return SYS_ERR_FDT_BAD_OFFSETS;
    }
    for (uint32_t at = h->off_rsvmap; h->total - at >= 16; at += 16) {
        bool zero = true;
        for (int i = 0; i < 16; i++) {
            zero = zero && b[at + i] == 0;
        }
        if (zero) {
            *bytes = at + 16 - h->off_rsvmap;
            return SYS_ERR_OK;
        }
    }
    return SYS_ERR_FDT_BAD_OFFSETS;
}

static errval_t check_blocks(const uint8_t *b, const struct fdt_header *h)
{
    if (h->off_struct % 4 != 0 || !block_inside(h->off_struct, h->size_struct, h->total) ||
        !block_inside(h->off_strings, h->size_strings, h->total)) {
        return SYS_ERR_FDT_BAD_OFFSETS;
    }
    uint32_t rsv_bytes;
    errval_t err = check_rsvmap(b, h, &rsv_bytes);
    if (err_is_fail(err)) {
        return err;
    }
    if (blocks_overlap(h->off_struct, h->size_struct, h->off_strings, h->size_strings) ||
        blocks_overlap(h->off_rsvmap, rsv_bytes, h->off_struct, h->size_struct) ||
        blocks_overlap(h->off_rsvmap, rsv_bytes, h->off_strings, h->size_strings)) {
        return SYS_ERR_FDT_BAD_OFFSETS;
    }
    /* Whole tokens only: the walk's padding then can never step past the block's end. */
    return h->size_struct % 4 == 0 ? SYS_ERR_OK : SYS_ERR_FDT_BAD_STRUCTURE;
}

static errval_t check_header(const uint8_t *b, size_t bytes, struct fdt_header *h)
{
    if (bytes < FDT_HEADER_BYTES) {
        return SYS_ERR_FDT_TRUNCATED;
    }
    if (be32(b) != FDT_MAGIC) {
        return SYS_ERR_FDT_BAD_MAGIC;
    }
    *h = header_of(b);
    if (h->total > bytes || h->total < FDT_HEADER_BYTES) {
        return SYS_ERR_FDT_TRUNCATED;
    }
    /* Version 17 added size_dt_struct; a later last-compatible version may change the format. */
    if (h->version < 17 || h->last_comp_version > 17) {
        return SYS_ERR_FDT_BAD_VERSION;
    }
    return check_blocks(b, h);
}

static errval_t walk_begin(const void *blob, struct fdt_walk *w)
{
    *w = (struct fdt_walk){.blob = blob, .h = header_of(blob)};
    return SYS_ERR_OK;
}

errval_t fdt_check(const void *blob, size_t bytes)
{
    struct fdt_header h;
    errval_t err = check_header(blob, bytes, &h);
    if (err_is_fail(err)) {
        return err;
    }
    struct fdt_walk w;
    walk_begin(blob, &w);
    struct fdt_event e;
    bool seen_root = false;
    do {
        err = next_event(&w, &e);
        if (err_is_fail(err)) {
            return err;
        }
        if (e.token == FDT_BEGIN_NODE && e.depth == 1) {
            if (seen_root) {
                return SYS_ERR_FDT_BAD_STRUCTURE; /* one root only */
            }
            seen_root = true;
        }
    } while (e.token != FDT_END);
    return seen_root ? SYS_ERR_OK : SYS_ERR_FDT_BAD_STRUCTURE;
}

/* What a node says about itself, gathered from its properties. */
struct node_info {
    bool is_memory;
    const uint8_t *compatible;
    uint32_t compatible_length;
    const uint8_t *reg;
    uint32_t reg_length;
    uint32_t address_cells; /* for its children */
    uint32_t size_cells;
};

static bool str_equal(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void note_property(struct node_info *n, const struct fdt_event *e)
{
    if (str_equal(e->name, "device_type") && e->length == 7 &&
        str_equal((const char *)e->value, "memory")) {
        n->is_memory = true;
    } else if (str_equal(e->name, "compatible")) {
        n->compatible = e->value;
        n->compatible_length = e->length;
    } else if (str_equal(e->name, "reg")) {
        n->reg = e->value;
        n->reg_length = e->length;
    } else if (str_equal(e->name, "#address-cells") && e->length == 4) {
        n->address_cells = be32(e->value);
    } else if (str_equal(e->name, "#size-cells") && e->length == 4) {
        n->size_cells = be32(e->value);
    }
}

/* Does the NUL-separated list contain name? */
static bool list_contains(const uint8_t *list, uint32_t length, const char *name)
{
    for (uint32_t pos = 0; pos < length;) {
        const char *entry = (const char *)list + pos;
        uint32_t n = bounded_strlen(list + pos, length - pos);
        if (n <= length - pos - 1 && str_equal(entry, name)) {
            return true;
        }
        pos += n + 1;
    }
    return false;
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    return cells == 2 ? ((uint64_t)be32(p) << 32) | be32(p + 4) : be32(p);
}

/* Reads up to max ranges from a reg property with the parent's cells. */
static errval_t read_reg(const struct node_info *node, const struct node_info *parent,
                         struct fdt_range *ranges, int max, int *count)
{
    uint32_t ac = parent->address_cells;
    uint32_t sc = parent->size_cells;
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || node->reg == NULL ||
        node->reg_length % (4 * (ac + sc)) != 0) {
        return SYS_ERR_FDT_BAD_PROPERTY;
    }
    for (uint32_t pos = 0; pos < node->reg_length && *count < max; pos += 4 * (ac + sc)) {
        ranges[*count].base = read_cells(node->reg + pos, ac);
        ranges[*count].bytes = read_cells(node->reg + pos + 4 * ac, sc);
        (*count)++;
    }
    return SYS_ERR_OK;
}

/* What a search wants: memory nodes, or the first node compatible with a name. */
struct fdt_query {
    const char *compatible; /* NULL: memory */
    struct fdt_range *ranges;
    int max;
    int count;
};

static errval_t node_done(struct fdt_query *q, const struct node_info *node,
                          const struct node_info *parent, bool *stop)
{
    bool wanted = q->compatible == NULL
                      ? node->is_memory
                      : list_contains(node->compatible, node->compatible_length, q->compatible);
    if (!wanted) {
        return SYS_ERR_OK;
    }
    *stop = q->compatible != NULL;
    return read_reg(node, parent, q->ranges, q->max, &q->count);
}

static errval_t search(const void *blob, struct fdt_query *q)
{
    struct node_info stack[FDT_MAX_DEPTH + 1];
    struct fdt_walk w;
    walk_begin(blob, &w);
    struct fdt_event e;
    stack[0] = (struct node_info){.address_cells = 2, .size_cells = 1};
    for (;;) {
        errval_t err = next_event(&w, &e);
        bool stop = false;
        if (err_is_fail(err) || e.token == FDT_END) {
            return err;
        }
        if (e.token == FDT_BEGIN_NODE) {
            stack[e.depth] = (struct node_info){.address_cells = 2, .size_cells = 1};
        } else if (e.token == FDT_PROP) {
            note_property(&stack[e.depth], &e);
        } else if (e.token == FDT_END_NODE && e.depth > 1) {
            err = node_done(q, &stack[e.depth], &stack[e.depth - 1], &stop);
        }
        if (err_is_fail(err) || stop) {
            return err;
        }
    }
}

errval_t fdt_memory(const void *blob, struct fdt_range *ranges, int max, int *count)
{
    struct fdt_query q = {.compatible = NULL, .ranges = ranges, .max = max, .count = 0};
    errval_t err = search(blob, &q);
    *count = q.count;
    if (err_is_ok(err) && q.count == 0) {
        err = SYS_ERR_FDT_NOT_FOUND;
    }
    return err;
}

errval_t fdt_device_ranges(const void *blob, const char *compatible, struct fdt_range *ranges,
                           int max, int *count)
{
    struct fdt_query q = {.compatible = compatible, .ranges = ranges, .max = max, .count = 0};
    errval_t err = search(blob, &q);
    *count = q.count;
    if (err_is_ok(err) && q.count == 0) {
        err = SYS_ERR_FDT_NOT_FOUND;
    }
    return err;
}

errval_t fdt_device(const void *blob, const char *compatible, struct fdt_range *ret)
{
    int count;
    return fdt_device_ranges(blob, compatible, ret, 1, &count);
}

/* Is a node's name "chosen", with or without a unit address? */
static bool is_chosen(const char *name)
{
    const char *want = "chosen";
    while (*want != '\0' && *name == *want) {
        name++;
        want++;
    }
    return *want == '\0' && (*name == '\0' || *name == '@');
}

errval_t fdt_chosen(const void *blob, const char *property, const uint8_t **value, uint32_t *length)
{
    struct fdt_walk w;
    walk_begin(blob, &w);
    struct fdt_event e;
    int chosen_depth = 0; /* the depth of the chosen node while inside it, else 0 */
    for (;;) {
        errval_t err = next_event(&w, &e);
        if (err_is_fail(err)) {
            return err;
        }
        if (e.token == FDT_END) {
            return SYS_ERR_FDT_NOT_FOUND;
        }
        if (e.token == FDT_BEGIN_NODE && e.depth == 2 && is_chosen(e.name)) {
            chosen_depth = 2;
        } else if (e.token == FDT_END_NODE && e.depth == chosen_depth) {
            chosen_depth = 0;
        } else if (e.token == FDT_PROP && chosen_depth != 0 && e.depth == chosen_depth &&
                   str_equal(e.name, property)) {
            *value = e.value;
            *length = e.length;
            return SYS_ERR_OK;
        }
    }
}
