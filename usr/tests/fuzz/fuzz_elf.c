/*
 * Fuzz target elf: the input is an ELF file for libspawn's check (lib/libspawn/elf_image.c).
 * Every file is accepted or refused with one LIB_ERR_SPAWN_ELF_* error; an accepted file's
 * segments lie inside it and inside the image's part of the address space, share no page, and
 * hold the entry point in an executable one. ASan sees any read past the input.
 */
#include "fuzz.h"
#include <spawn/elf_image.h>

static bool elf_error(errval_t err)
{
    enum err_code c = err_no(err);
    return err_pop(err) == SYS_ERR_OK && c >= LIB_ERR_SPAWN_ELF_TRUNCATED &&
           c <= LIB_ERR_SPAWN_ELF_ENTRY;
}

static genvaddr_t page_down(genvaddr_t a)
{
    return a & ~(genvaddr_t)(BASE_PAGE_BYTES - 1);
}

static void check_accepted(const struct spawn_elf *elf, size_t size)
{
    fuzz_expect(elf->count > 0 && elf->count <= SPAWN_SEGMENTS_MAX, "%d segments", elf->count);
    bool entry = false;
    for (int i = 0; i < elf->count; i++) {
        const struct spawn_segment *s = &elf->segment[i];
        fuzz_expect(s->filesz <= s->memsz && s->offset <= size && s->filesz <= size - s->offset,
                    "segment %d's file bytes", i);
        fuzz_expect(s->memsz > 0 && s->vaddr >= spawn_image_min() &&
                        s->vaddr + s->memsz <= spawn_image_end() && s->vaddr + s->memsz > s->vaddr,
                    "segment %d at 0x%llx", i, (unsigned long long)s->vaddr);
        fuzz_expect(s->flags & VREGION_FLAGS_READ, "segment %d not readable", i);
        for (int j = 0; j < i; j++) {
            const struct spawn_segment *t = &elf->segment[j];
            fuzz_expect(page_down(s->vaddr + s->memsz - 1) < page_down(t->vaddr) ||
                            page_down(t->vaddr + t->memsz - 1) < page_down(s->vaddr),
                        "segments %d and %d share a page", j, i);
        }
        entry = entry || ((s->flags & VREGION_FLAGS_EXECUTE) && elf->entry >= s->vaddr &&
                          elf->entry < s->vaddr + s->memsz);
    }
    fuzz_expect(entry, "the entry 0x%llx in no executable segment", (unsigned long long)elf->entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spawn_elf elf;
    errval_t err = spawn_elf_check(data, size, &elf);
    fuzz_expect(err_is_ok(err) || elf_error(err), "spawn_elf_check: %s", err_getcode(err));
    if (err_is_ok(err)) {
        check_accepted(&elf, size);
    }
    return 0;
}
