/* The reference model of pmap_model.h: an array kept sorted, split where operations begin or end.
 */
#include "pmap_model.h"
#include "fuzz.h"
#include <string.h>

void model_reset(struct model *m)
{
    m->count = 0;
}

/* The first range that ends above vaddr. */
static size_t index_of(const struct model *m, genvaddr_t vaddr)
{
    size_t i = 0;
    while (i < m->count && m->r[i].vaddr + m->r[i].bytes <= vaddr) {
        i++;
    }
    return i;
}

const struct model_range *model_find(const struct model *m, genvaddr_t vaddr)
{
    size_t i = index_of(m, vaddr);
    return i < m->count && m->r[i].vaddr <= vaddr ? &m->r[i] : NULL;
}

bool model_overlaps(const struct model *m, genvaddr_t vaddr, gensize_t bytes)
{
    size_t i = index_of(m, vaddr);
    return i < m->count && m->r[i].vaddr < vaddr + bytes;
}

static void insert_at(struct model *m, size_t i, const struct model_range *r)
{
    fuzz_expect(m->count < MODEL_RANGES, "the model is full");
    memmove(&m->r[i + 1], &m->r[i], (m->count - i) * sizeof(m->r[0]));
    m->r[i] = *r;
    m->count++;
}

void model_add(struct model *m, const struct model_range *r)
{
    insert_at(m, index_of(m, r->vaddr), r);
}

/* Splits the range holding vaddr so that one begins there. */
static void split_at(struct model *m, genvaddr_t vaddr)
{
    size_t i = index_of(m, vaddr);
    if (i == m->count || m->r[i].vaddr >= vaddr) {
        return;
    }
    struct model_range right = m->r[i];
    gensize_t left_bytes = vaddr - right.vaddr;
    right.vaddr = vaddr;
    right.bytes -= left_bytes;
    right.offset += left_bytes;
    m->r[i].bytes = left_bytes;
    insert_at(m, i + 1, &right);
}

/* The ranges inside [vaddr, vaddr + bytes), after splitting at its borders: [*first, *last). */
static void isolate(struct model *m, genvaddr_t vaddr, gensize_t bytes, size_t *first, size_t *last)
{
    split_at(m, vaddr);
    split_at(m, vaddr + bytes);
    *first = index_of(m, vaddr);
    *last = index_of(m, vaddr + bytes);
}

void model_remove(struct model *m, genvaddr_t vaddr, gensize_t bytes)
{
    size_t first, last;
    isolate(m, vaddr, bytes, &first, &last);
    memmove(&m->r[first], &m->r[last], (m->count - last) * sizeof(m->r[0]));
    m->count -= last - first;
}

void model_modify(struct model *m, genvaddr_t vaddr, gensize_t bytes, vregion_flags_t flags)
{
    size_t first, last;
    isolate(m, vaddr, bytes, &first, &last);
    for (size_t i = first; i < last; i++) {
        m->r[i].flags = (flags & ~VREGION_FLAGS_LARGE) | (m->r[i].flags & VREGION_FLAGS_LARGE);
    }
}
