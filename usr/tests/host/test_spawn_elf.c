/* libspawn's ELF check: an image of this machine's class, and each malformation's named refusal. */
#include "spawn_check.h"
#include <domain_layout.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define PAGE BASE_PAGE_BYTES

uint8_t elf_file_byte(int seg, uint64_t i)
{
    return (uint8_t)(3 + seg * 41 + i * 13);
}

static size_t ehdr_bytes(void)
{
    return DOMAIN_ELF_CLASS == ELFCLASS64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);
}

static size_t phdr_bytes(void)
{
    return DOMAIN_ELF_CLASS == ELFCLASS64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
}

static void write_ehdr(struct test_elf *e, uint64_t entry, int phnum, uint64_t phoff)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_ehdr h = {.e_type = ET_EXEC,
                               .e_machine = DOMAIN_ELF_MACHINE,
                               .e_version = EV_CURRENT,
                               .e_entry = entry,
                               .e_phoff = phoff,
                               .e_ehsize = sizeof(h),
                               .e_phentsize = sizeof(struct elf64_phdr),
                               .e_phnum = (uint16_t)phnum};
        memcpy(e->bytes, &h, sizeof(h));
    } else {
        struct elf32_ehdr h = {.e_type = ET_EXEC,
                               .e_machine = DOMAIN_ELF_MACHINE,
                               .e_version = EV_CURRENT,
                               .e_entry = (uint32_t)entry,
                               .e_phoff = (uint32_t)phoff,
                               .e_ehsize = sizeof(h),
                               .e_phentsize = sizeof(struct elf32_phdr),
                               .e_phnum = (uint16_t)phnum};
        memcpy(e->bytes, &h, sizeof(h));
    }
    memcpy(e->bytes,
           "\x7f"
           "ELF",
           4);
    e->bytes[EI_CLASS] = DOMAIN_ELF_CLASS;
    e->bytes[EI_DATA] = ELFDATA2LSB;
    e->bytes[EI_VERSION] = EV_CURRENT;
}

static void write_phdr(struct test_elf *e, uint64_t at, const struct test_seg *s, uint64_t offset)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        struct elf64_phdr ph = {s->type,  s->flags,  offset,   s->vaddr,
                                s->vaddr, s->filesz, s->memsz, PAGE};
        memcpy(e->bytes + at, &ph, sizeof(ph));
    } else {
        struct elf32_phdr ph = {s->type,
                                (uint32_t)offset,
                                (uint32_t)s->vaddr,
                                (uint32_t)s->vaddr,
                                (uint32_t)s->filesz,
                                (uint32_t)s->memsz,
                                s->flags,
                                PAGE};
        memcpy(e->bytes + at, &ph, sizeof(ph));
    }
}

uint64_t elf_phdr_at(int i)
{
    return ehdr_bytes() + (uint64_t)i * phdr_bytes();
}

void build_elf(struct test_elf *e, const struct test_seg *segs, int n, uint64_t entry)
{
    memset(e->bytes, 0, sizeof(e->bytes));
    write_ehdr(e, entry, n, ehdr_bytes());
    uint64_t offset = elf_phdr_at(n);
    for (int i = 0; i < n; i++) {
        e->offset[i] = offset;
        write_phdr(e, elf_phdr_at(i), &segs[i], offset);
        ck_assert_uint_le(offset + segs[i].filesz, sizeof(e->bytes));
        for (uint64_t b = 0; b < segs[i].filesz; b++) {
            e->bytes[offset + b] = elf_file_byte(i, b);
        }
        offset += segs[i].filesz;
    }
    e->len = (size_t)offset;
}

/* Text, data with bss, a note that is not loaded, read-only data across a leaf-table border. */
const struct test_seg good_segs[GOOD_SEGS] = {
    {PT_LOAD, DOMAIN_IMAGE_BASE, 0x1800, 0x1800, PF_R | PF_X},
    {PT_LOAD, DOMAIN_IMAGE_BASE + 0x3100, 0x200, 0x2000, PF_R | PF_W},
    {4 /* PT_NOTE */, DOMAIN_IMAGE_BASE + 0x100000, 0x10, 0x10, PF_R},
    {PT_LOAD, DOMAIN_IMAGE_BASE + 0x200000 - 0x1800, 0x2000, 0x3000, PF_R},
};

static struct test_elf elf;

static errval_t check(size_t len, struct spawn_elf *ret)
{
    uint8_t *copy = malloc(len > 0 ? len : 1); /* exactly len: a read past it is seen */
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, elf.bytes, len);
    errval_t err = spawn_elf_check(copy, len, ret);
    free(copy);
    return err;
}

START_TEST(a_good_image_lists_its_loadable_segments_with_their_rights)
{
    build_elf(&elf, good_segs, GOOD_SEGS, GOOD_ENTRY);
    struct spawn_elf out;
    ck_assert_ok(check(elf.len, &out));
    ck_assert_uint_eq(out.entry, GOOD_ENTRY);
    ck_assert_int_eq(out.count, 3);
    const int from[] = {0, 1, 3};
    const vregion_flags_t flags[] = {VREGION_FLAGS_READ | VREGION_FLAGS_EXECUTE,
                                     VREGION_FLAGS_READ_WRITE, VREGION_FLAGS_READ};
    for (int i = 0; i < 3; i++) {
        const struct test_seg *s = &good_segs[from[i]];
        ck_assert_uint_eq(out.segment[i].vaddr, s->vaddr);
        ck_assert_uint_eq(out.segment[i].memsz, s->memsz);
        ck_assert_uint_eq(out.segment[i].filesz, s->filesz);
        ck_assert_uint_eq(out.segment[i].offset, elf.offset[from[i]]);
        ck_assert_uint_eq(out.segment[i].flags, flags[i]);
    }
}
END_TEST

/* Every cut of a good image is refused, reading nothing past the cut. */
START_TEST(every_prefix_of_an_image_is_refused)
{
    build_elf(&elf, good_segs, GOOD_SEGS, GOOD_ENTRY);
    struct spawn_elf out;
    for (size_t len = 0; len < elf.len; len++) {
        errval_t err = check(len, &out);
        ck_assert_msg(err_no(err) == LIB_ERR_SPAWN_ELF_TRUNCATED ||
                          err_no(err) == LIB_ERR_SPAWN_ELF_PHDRS ||
                          err_no(err) == LIB_ERR_SPAWN_ELF_SEGMENT_FILE,
                      "cut at %zu: %s", len, err_getcode(err));
    }
}
END_TEST

/* A header field (by its offset in either class) and the value to write there. */
static void poke(uint64_t at, uint64_t value, size_t bytes)
{
    memcpy(elf.bytes + at, &value, bytes); /* little-endian host, as the images are */
}

static bool is64(void)
{
    return DOMAIN_ELF_CLASS == ELFCLASS64;
}

/* Offsets of the header's and the first program header's fields, per class. */
#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24
#define E_PHOFF (is64() ? 32 : 28)
#define E_PHENTSIZE (is64() ? 54 : 42)
#define E_PHNUM (is64() ? 56 : 44)
#define WORD (is64() ? 8 : 4)
#define P_OFFSET(i) (elf_phdr_at(i) + (is64() ? 8 : 4))
#define P_VADDR(i) (elf_phdr_at(i) + (is64() ? 16 : 8))
#define P_FILESZ(i) (elf_phdr_at(i) + (is64() ? 32 : 16))
#define P_MEMSZ(i) (elf_phdr_at(i) + (is64() ? 40 : 20))

enum fault {
    EMPTY_FILE,
    IDENT_ONLY,
    BAD_MAGIC,
    OTHER_CLASS,
    MSB_FIRST,
    BAD_VERSION,
    SHARED_OBJECT,
    OTHER_MACHINE,
    BAD_PHENTSIZE,
    NO_PHDRS,
    TOO_MANY_PHDRS,
    PHOFF_PAST_END,
    PHOFF_WRAPS,
    FILESZ_OVER_MEMSZ,
    OFFSET_PAST_END,
    OFFSET_WRAPS,
    AT_NULL_PAGE,
    INTO_THE_STACK,
    VADDR_WRAPS,
    SHARED_PAGE,
    NOTHING_LOADABLE,
    ENTRY_IN_DATA,
    ENTRY_OUTSIDE,
    TOO_MANY_SEGMENTS,
};

static const struct {
    enum fault fault;
    enum err_code want;
} faults[] = {
    {EMPTY_FILE, LIB_ERR_SPAWN_ELF_TRUNCATED},
    {IDENT_ONLY, LIB_ERR_SPAWN_ELF_TRUNCATED},
    {BAD_MAGIC, LIB_ERR_SPAWN_ELF_MAGIC},
    {OTHER_CLASS, LIB_ERR_SPAWN_ELF_CLASS},
    {MSB_FIRST, LIB_ERR_SPAWN_ELF_ENCODING},
    {BAD_VERSION, LIB_ERR_SPAWN_ELF_ENCODING},
    {SHARED_OBJECT, LIB_ERR_SPAWN_ELF_TYPE},
    {OTHER_MACHINE, LIB_ERR_SPAWN_ELF_MACHINE},
    {BAD_PHENTSIZE, LIB_ERR_SPAWN_ELF_PHDRS},
    {NO_PHDRS, LIB_ERR_SPAWN_ELF_PHDRS},
    {TOO_MANY_PHDRS, LIB_ERR_SPAWN_ELF_PHDRS},
    {PHOFF_PAST_END, LIB_ERR_SPAWN_ELF_PHDRS},
    {PHOFF_WRAPS, LIB_ERR_SPAWN_ELF_PHDRS},
    {FILESZ_OVER_MEMSZ, LIB_ERR_SPAWN_ELF_SEGMENT_FILE},
    {OFFSET_PAST_END, LIB_ERR_SPAWN_ELF_SEGMENT_FILE},
    {OFFSET_WRAPS, LIB_ERR_SPAWN_ELF_SEGMENT_FILE},
    {AT_NULL_PAGE, LIB_ERR_SPAWN_ELF_SEGMENT_RANGE},
    {INTO_THE_STACK, LIB_ERR_SPAWN_ELF_SEGMENT_RANGE},
    {VADDR_WRAPS, LIB_ERR_SPAWN_ELF_SEGMENT_RANGE},
    {SHARED_PAGE, LIB_ERR_SPAWN_ELF_SEGMENT_OVERLAP},
    {NOTHING_LOADABLE, LIB_ERR_SPAWN_ELF_NO_SEGMENTS},
    {ENTRY_IN_DATA, LIB_ERR_SPAWN_ELF_ENTRY},
    {ENTRY_OUTSIDE, LIB_ERR_SPAWN_ELF_ENTRY},
    {TOO_MANY_SEGMENTS, LIB_ERR_SPAWN_ELF_PHDRS},
};

static size_t make_fault(enum fault f)
{
    build_elf(&elf, good_segs, GOOD_SEGS, GOOD_ENTRY);
    uint64_t max = is64() ? UINT64_MAX : UINT32_MAX;
    switch (f) {
    case EMPTY_FILE:
        return 0;
    case IDENT_ONLY:
        return 16;
    case BAD_MAGIC:
        elf.bytes[3] = 'f';
        break;
    case OTHER_CLASS:
        elf.bytes[EI_CLASS] = is64() ? ELFCLASS32 : ELFCLASS64;
        break;
    case MSB_FIRST:
        elf.bytes[EI_DATA] = 2;
        break;
    case BAD_VERSION:
        elf.bytes[EI_VERSION] = 0;
        break;
    case SHARED_OBJECT:
        poke(E_TYPE, 3, 2);
        break;
    case OTHER_MACHINE:
        poke(E_MACHINE, is64() ? 40 : 62, 2);
        break;
    case BAD_PHENTSIZE:
        poke(E_PHENTSIZE, phdr_bytes() + 4, 2);
        break;
    case NO_PHDRS:
        poke(E_PHNUM, 0, 2);
        break;
    case TOO_MANY_PHDRS:
        poke(E_PHNUM, SPAWN_PHDRS_MAX + 1, 2);
        break;
    case PHOFF_PAST_END:
        poke(E_PHOFF, elf.len - phdr_bytes(), WORD); /* the table's end lies past the file */
        break;
    case PHOFF_WRAPS:
        poke(E_PHOFF, max - 8, WORD);
        break;
    case FILESZ_OVER_MEMSZ:
        poke(P_FILESZ(0), good_segs[0].memsz + 1, WORD);
        break;
    case OFFSET_PAST_END:
        poke(P_OFFSET(3), elf.len - good_segs[3].filesz + 1, WORD);
        break;
    case OFFSET_WRAPS:
        poke(P_OFFSET(0), max - 0x100, WORD);
        break;
    case AT_NULL_PAGE:
        poke(P_VADDR(0), 0, WORD);
        break;
    case INTO_THE_STACK:
        poke(P_VADDR(3), DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - 0x1000, WORD);
        break;
    case VADDR_WRAPS:
        poke(P_VADDR(1), max - 0x1000, WORD);
        break;
    case SHARED_PAGE:
        poke(P_VADDR(1), DOMAIN_IMAGE_BASE + 0x1800, WORD); /* in the text's last page */
        break;
    case NOTHING_LOADABLE:
        for (int i = 0; i < GOOD_SEGS; i++) {
            poke(elf_phdr_at(i), 4, 4); /* p_type: PT_NOTE */
        }
        break;
    case ENTRY_IN_DATA:
        poke(E_ENTRY, DOMAIN_IMAGE_BASE + 0x3100, WORD);
        break;
    case ENTRY_OUTSIDE:
        poke(E_ENTRY, DOMAIN_IMAGE_BASE + 0x1800, WORD); /* just past the text */
        break;
    case TOO_MANY_SEGMENTS: {
        static struct test_seg many[SPAWN_SEGMENTS_MAX + 1];
        for (int i = 0; i <= SPAWN_SEGMENTS_MAX; i++) {
            many[i] = (struct test_seg){PT_LOAD, DOMAIN_IMAGE_BASE + (uint64_t)i * PAGE, 4, 4,
                                        PF_R | PF_X};
        }
        build_elf(&elf, many, SPAWN_SEGMENTS_MAX + 1, DOMAIN_IMAGE_BASE);
        break;
    }
    }
    return elf.len;
}

START_TEST(each_malformation_is_refused_with_its_error)
{
    size_t len = make_fault(faults[_i].fault);
    struct spawn_elf out;
    errval_t err = check(len, &out);
    ck_assert_msg(err_no(err) == faults[_i].want && err_pop(err) == SYS_ERR_OK,
                  "case %d: expected %s, got %s", _i, err_getcode(faults[_i].want),
                  err_getcode(err));
}
END_TEST

/* What the check leaves alone: an unaligned table, empty segments, the most segments allowed. */
START_TEST(what_the_check_accepts_at_its_limits)
{
    static struct test_seg most[SPAWN_SEGMENTS_MAX + 1];
    for (int i = 0; i < SPAWN_SEGMENTS_MAX; i++) {
        most[i] =
            (struct test_seg){PT_LOAD, DOMAIN_IMAGE_BASE + (uint64_t)i * PAGE, 4, 4, PF_R | PF_X};
    }
    most[SPAWN_SEGMENTS_MAX] = (struct test_seg){PT_LOAD, 0, 0, 0, PF_R}; /* no memory: skipped */
    build_elf(&elf, most, SPAWN_SEGMENTS_MAX + 1, DOMAIN_IMAGE_BASE);
    struct spawn_elf out;
    ck_assert_ok(check(elf.len, &out));
    ck_assert_int_eq(out.count, SPAWN_SEGMENTS_MAX);

    /* The program headers at an odd offset: read byte-wise, not through a misaligned pointer. */
    build_elf(&elf, good_segs, GOOD_SEGS, GOOD_ENTRY);
    size_t table = elf_phdr_at(GOOD_SEGS) - elf_phdr_at(0);
    memmove(elf.bytes + elf.len + 1, elf.bytes + elf_phdr_at(0), table);
    poke(E_PHOFF, elf.len + 1, WORD);
    ck_assert_ok(check(elf.len + 1 + table, &out));
    ck_assert_int_eq(out.count, 3);

    /* A segment may end exactly where the stack begins. */
    struct test_seg last = {PT_LOAD, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES - PAGE, 8, PAGE,
                            PF_R | PF_X};
    build_elf(&elf, &last, 1, last.vaddr);
    ck_assert_ok(check(elf.len, &out));
}
END_TEST

Suite *spawn_elf_suite(void)
{
    Suite *s = suite_create("libspawn ELF check");
    TCase *tc = tcase_create("images");
    tcase_add_test(tc, a_good_image_lists_its_loadable_segments_with_their_rights);
    tcase_add_test(tc, every_prefix_of_an_image_is_refused);
    tcase_add_loop_test(tc, each_malformation_is_refused_with_its_error, 0,
                        sizeof(faults) / sizeof(faults[0]));
    tcase_add_test(tc, what_the_check_accepts_at_its_limits);
    suite_add_tcase(s, tc);
    return s;
}
