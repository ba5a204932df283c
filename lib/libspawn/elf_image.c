/* Checks a domain's ELF image (either class, as this machine's domains are) before loading it. */
#include <domain_layout.h>
#include <elf.h>
#include <spawn/elf_image.h>
#include <string.h>

genvaddr_t spawn_image_min(void)
{
    return BASE_PAGE_BYTES;
}

genvaddr_t spawn_image_end(void)
{
    return DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES;
}

/* The header fields a loader needs, whichever the class. */
struct header {
    uint16_t type, machine, phentsize, phnum;
    uint64_t entry, phoff;
};

static struct header read_header(const uint8_t *image)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_ehdr e;
        memcpy(&e, image, sizeof(e)); /* the file need not be aligned for our structs */
        return (struct header){e.e_type,  e.e_machine, e.e_phentsize,
                               e.e_phnum, e.e_entry,   e.e_phoff};
    }
    struct elf32_ehdr e;
    memcpy(&e, image, sizeof(e));
    return (struct header){e.e_type, e.e_machine, e.e_phentsize, e.e_phnum, e.e_entry, e.e_phoff};
}

static size_t header_bytes(void)
{
    return DOMAIN_ELF_CLASS == ELFCLASS64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);
}

static size_t phdr_bytes(void)
{
    return DOMAIN_ELF_CLASS == ELFCLASS64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
}

/* Program header i (inside the file: checked by the caller) as type and segment. */
static uint32_t read_phdr(const uint8_t *at, struct spawn_segment *seg)
{
    uint32_t type, flags;
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_phdr ph;
        memcpy(&ph, at, sizeof(ph));
        type = ph.p_type;
        flags = ph.p_flags;
        *seg = (struct spawn_segment){ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, 0};
    } else {
        struct elf32_phdr ph;
        memcpy(&ph, at, sizeof(ph));
        type = ph.p_type;
        flags = ph.p_flags;
        *seg = (struct spawn_segment){ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, 0};
    }
    seg->flags = VREGION_FLAGS_READ | ((flags & PF_W) ? VREGION_FLAGS_WRITE : 0) |
                 ((flags & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
    return type;
}

static errval_t check_ident(const uint8_t *image, size_t bytes)
{
    if (bytes < 16) {
        return LIB_ERR_SPAWN_ELF_TRUNCATED;
    }
    if (image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F') {
        return LIB_ERR_SPAWN_ELF_MAGIC;
    }
    if (image[EI_CLASS] != DOMAIN_ELF_CLASS) {
        return LIB_ERR_SPAWN_ELF_CLASS;
    }
    if (image[EI_DATA] != ELFDATA2LSB || image[EI_VERSION] != EV_CURRENT) {
        return LIB_ERR_SPAWN_ELF_ENCODING;
    }
    return bytes < header_bytes() ? LIB_ERR_SPAWN_ELF_TRUNCATED : SYS_ERR_OK;
}

static errval_t check_header(const struct header *h, size_t bytes)
{
    if (h->type != ET_EXEC) {
        return LIB_ERR_SPAWN_ELF_TYPE;
    }
    if (h->machine != DOMAIN_ELF_MACHINE) {
        return LIB_ERR_SPAWN_ELF_MACHINE;
    }
    if (h->phentsize != phdr_bytes() || h->phnum == 0 || h->phnum > SPAWN_PHDRS_MAX ||
        h->phoff > bytes || (uint64_t)h->phnum * h->phentsize > bytes - h->phoff) {
        return LIB_ERR_SPAWN_ELF_PHDRS;
    }
    return SYS_ERR_OK;
}

static errval_t check_segment(const struct spawn_segment *s, size_t bytes)
{
    if (s->filesz > s->memsz || s->offset > bytes || s->filesz > bytes - s->offset) {
        return LIB_ERR_SPAWN_ELF_SEGMENT_FILE;
    }
    if (s->vaddr < spawn_image_min() || s->vaddr > spawn_image_end() ||
        s->memsz > spawn_image_end() - s->vaddr) {
        return LIB_ERR_SPAWN_ELF_SEGMENT_RANGE;
    }
    return SYS_ERR_OK;
}

/* Do two segments share a page? Each is mapped with frames of its own, at its own rights. */
static bool share_a_page(const struct spawn_segment *a, const struct spawn_segment *b)
{
    genvaddr_t mask = ~(genvaddr_t)(BASE_PAGE_BYTES - 1);
    genvaddr_t a_start = a->vaddr & mask,
               a_end = (a->vaddr + a->memsz + BASE_PAGE_BYTES - 1) & mask;
    genvaddr_t b_start = b->vaddr & mask,
               b_end = (b->vaddr + b->memsz + BASE_PAGE_BYTES - 1) & mask;
    return a_start < b_end && b_start < a_end;
}

static errval_t check_entry(const struct spawn_elf *elf)
{
    for (int i = 0; i < elf->count; i++) {
        const struct spawn_segment *s = &elf->segment[i];
        if ((s->flags & VREGION_FLAGS_EXECUTE) && elf->entry >= s->vaddr &&
            elf->entry - s->vaddr < s->memsz) {
            return SYS_ERR_OK;
        }
    }
    return LIB_ERR_SPAWN_ELF_ENTRY;
}

errval_t spawn_elf_check(const void *image, size_t bytes, struct spawn_elf *ret)
{
    const uint8_t *b = image;
    errval_t err = check_ident(b, bytes);
    if (err_is_fail(err)) {
        return err;
    }
    struct header h = read_header(b);
    err = check_header(&h, bytes);
    if (err_is_fail(err)) {
        return err;
    }
    ret->entry = h.entry;
    ret->count = 0;
    for (uint16_t i = 0; i < h.phnum; i++) {
        struct spawn_segment s;
        if (read_phdr(b + h.phoff + (size_t)i * h.phentsize, &s) != PT_LOAD || s.memsz == 0) {
            continue;
        }
        err = check_segment(&s, bytes);
        if (err_is_fail(err)) {
            return err;
        }
        for (int j = 0; j < ret->count; j++) {
            if (share_a_page(&s, &ret->segment[j])) {
                return LIB_ERR_SPAWN_ELF_SEGMENT_OVERLAP;
            }
        }
        if (ret->count == SPAWN_SEGMENTS_MAX) {
            return LIB_ERR_SPAWN_ELF_PHDRS;
        }
        ret->segment[ret->count++] = s;
    }
    return ret->count == 0 ? LIB_ERR_SPAWN_ELF_NO_SEGMENTS : check_entry(ret);
}
