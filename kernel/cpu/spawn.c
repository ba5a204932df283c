/* Starts init from an ELF image: CSpace, address space built through capabilities, memory. */
#include <domain_layout.h>
#include <elf.h>
#include <mdb.h>
#include <paging.h>
#include <paging_arch.h>
#include <phys_mem.h>
#include <platform.h>
#include <printk.h>
#include <spawn.h>
#include <startup.h>

struct spawn_state {
    struct dcb *init;
    struct boot_memory *mem;
    struct cte *pagecn;
    cslot_t next_slot;
};

/* A zeroed object of type from boot memory, as a capability in the next PAGECN slot. */
static struct cte *new_object(struct spawn_state *s, enum objtype type, gensize_t bytes)
{
    gensize_t align = objtype_info[type].align_bytes;
    genpaddr_t base =
        boot_memory_take(s->mem, bytes, align > BASE_PAGE_BYTES ? align : BASE_PAGE_BYTES);
    if (base == 0 || s->next_slot == L2_CNODE_SLOTS) {
        printk("kernel: spawn: out of %s for init's image\n",
               base == 0 ? "memory" : "PAGECN slots");
        return NULL;
    }
    __builtin_memset(phys_to_kernel_ptr(base), 0, bytes);
    struct cte *cte = &s->pagecn[s->next_slot++];
    caps_create_from_nothing(cte, type, base, bytes);
    return cte;
}

/* The capability of the table at base: one of the PAGECN slots made so far. */
static struct cte *table_cap(struct spawn_state *s, genpaddr_t base)
{
    for (cslot_t i = 0; i < s->next_slot; i++) {
        if (s->pagecn[i].cap.base == base && objtype_is_vnode(s->pagecn[i].cap.type)) {
            return &s->pagecn[i];
        }
    }
    return NULL;
}

/* Maps the frame at vaddr, making the tables on the way (from boot memory, as capabilities). */
static bool map_page(struct spawn_state *s, uint64_t vaddr, struct cte *frame, uint64_t flags)
{
    struct cte *table = &s->pagecn[PAGECN_SLOT_VROOT];
    for (;;) {
        enum objtype type = table->cap.type;
        gensize_t span = paging_entry_span_bytes(type);
        cslot_t slot = (cslot_t)((vaddr / span) % paging_table_entries(type));
        if (span == BASE_PAGE_BYTES) {
            return err_is_ok(paging_map(table, slot, frame, flags, 0, 1));
        }
        uint64_t entry = paging_read_entry(type, table->cap.base, slot);
        struct cte *child;
        if (paging_entry_is_present(type, entry)) {
            child = table_cap(s, paging_entry_paddr(type, entry));
        } else {
            enum objtype child_type = paging_child_table_type(type);
            child = new_object(s, child_type, objtype_info[child_type].fixed_bytes);
            if (child == NULL ||
                err_is_fail(paging_map(table, slot, child, VREGION_FLAGS_READ, 0, 1))) {
                return false;
            }
        }
        if (child == NULL) {
            return false;
        }
        table = child;
    }
}

/* A fresh page at vaddr holding bytes from src (the rest zero). */
static bool load_page(struct spawn_state *s, uint64_t vaddr, const uint8_t *src, size_t bytes,
                      uint64_t flags)
{
    struct cte *frame = new_object(s, ObjType_Frame, BASE_PAGE_BYTES);
    if (frame == NULL) {
        return false;
    }
    if (bytes > 0) {
        __builtin_memcpy(phys_to_kernel_ptr(frame->cap.base), src, bytes);
    }
    return map_page(s, vaddr, frame, flags);
}

static uint64_t segment_flags(uint32_t p_flags)
{
    return VREGION_FLAGS_READ | ((p_flags & PF_W) ? VREGION_FLAGS_WRITE : 0) |
           ((p_flags & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
}

static bool load_segment(struct spawn_state *s, const uint8_t *image, const struct elf64_phdr *ph)
{
    uint64_t start = ph->p_vaddr & ~(BASE_PAGE_BYTES - 1);
    for (uint64_t page = start; page < ph->p_vaddr + ph->p_memsz; page += BASE_PAGE_BYTES) {
        /* The part of the file that lands in this page. */
        uint64_t from = page > ph->p_vaddr ? page : ph->p_vaddr;
        uint64_t file_end = ph->p_vaddr + ph->p_filesz;
        uint64_t to = page + BASE_PAGE_BYTES < file_end ? page + BASE_PAGE_BYTES : file_end;
        uint8_t buf[4096];
        __builtin_memset(buf, 0, sizeof(buf));
        if (to > from) {
            __builtin_memcpy(buf + (from - page), image + ph->p_offset + (from - ph->p_vaddr),
                             to - from);
        }
        if (!load_page(s, page, buf, sizeof(buf), segment_flags(ph->p_flags))) {
            return false;
        }
    }
    return true;
}

static bool load_elf(struct spawn_state *s, const void *elf, size_t elf_bytes, uint64_t *entry)
{
    const struct elf64_ehdr *eh = elf;
    if (elf_bytes < sizeof(*eh) || *(const uint32_t *)eh->e_ident != ELF_MAGIC ||
        eh->e_ident[4] != DOMAIN_ELF_CLASS || eh->e_machine != DOMAIN_ELF_MACHINE ||
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > elf_bytes) {
        printk("kernel: spawn: the init image is not an ELF executable for this machine\n");
        return false;
    }
    const struct elf64_phdr *ph = (const void *)((const uint8_t *)elf + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD &&
            (ph[i].p_offset + ph[i].p_filesz > elf_bytes || !load_segment(s, elf, &ph[i]))) {
            return false;
        }
    }
    *entry = eh->e_entry;
    return true;
}

static bool map_stack(struct spawn_state *s)
{
    for (uint64_t page = DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES; page < DOMAIN_STACK_TOP;
         page += BASE_PAGE_BYTES) {
        if (!load_page(s, page, NULL, 0, VREGION_FLAGS_READ_WRITE)) {
            return false;
        }
    }
    return true;
}

static void hand_out_memory(struct dcb *init, struct boot_memory *mem)
{
    for (int i = 0; i < mem->count; i++) {
        if (mem->bytes[i] >= BASE_PAGE_BYTES) {
            startup_hand_memory(init, ROOTCN_SLOT_SUPERCN, ObjType_RAM, mem->base[i],
                                mem->bytes[i]);
        }
    }
}

bool spawn_init(struct dcb *init, const void *elf, size_t elf_bytes, struct boot_memory *mem,
                struct spawn_result *ret)
{
    genpaddr_t cspace = boot_memory_take(mem, INIT_CSPACE_BYTES, BASE_PAGE_BYTES);
    if (cspace == 0) {
        printk("kernel: spawn: no memory for init's CSpace\n");
        return false;
    }
    startup_init_cspace(init, cspace);
    struct spawn_state s = {
        .init = init,
        .mem = mem,
        .pagecn = cnode_slots(&cnode_slots(&init->cspace.cap)[ROOTCN_SLOT_PAGECN].cap),
        .next_slot = PAGECN_SLOT_VROOT,
    };
    enum objtype root_type = paging_root_type();
    struct cte *root = new_object(&s, root_type, objtype_info[root_type].fixed_bytes);
    if (root == NULL) {
        return false;
    }
    platform_root_table_created(root->cap.base);
    if (!load_elf(&s, elf, elf_bytes, &ret->entry) || !map_stack(&s)) {
        return false;
    }
    hand_out_memory(init, mem);
    ret->stack_top = DOMAIN_STACK_TOP;
    ret->root = root->cap.base;
    return true;
}
