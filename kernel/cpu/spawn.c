/* Starts init from an ELF image: CSpace, address space built through capabilities, memory. */
#include <domain_layout.h>
#include <elf.h>
#include <kcheck.h>
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
    if (objtype_is_vnode(type)) {
        paging_entries_written(type, base, 0, paging_table_entries(type));
    }
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

/* The leaf table for vaddr, making the tables on the way (from boot memory, as capabilities). */
static struct cte *leaf_table(struct spawn_state *s, uint64_t vaddr)
{
    struct cte *table = &s->pagecn[PAGECN_SLOT_VROOT];
    for (;;) {
        enum objtype type = table->cap.type;
        gensize_t span = paging_entry_span_bytes(type);
        if (span == BASE_PAGE_BYTES) {
            return table;
        }
        cslot_t slot = (cslot_t)((vaddr / span) % paging_table_entries(type));
        uint64_t entry = paging_read_entry(type, table->cap.base, slot);
        struct cte *child;
        if (paging_entry_is_present(type, entry)) {
            child = table_cap(s, paging_entry_paddr(type, entry));
        } else {
            enum objtype child_type = paging_child_table_type(type);
            child = new_object(s, child_type, objtype_info[child_type].fixed_bytes);
            if (child != NULL &&
                err_is_fail(paging_map(table, slot, child, VREGION_FLAGS_READ, 0, 1))) {
                child = NULL;
            }
        }
        if (child == NULL) {
            return NULL;
        }
        table = child;
    }
}

/* The pages of [vaddr, end) that share vaddr's leaf table. */
static uint64_t run_end(const struct cte *leaf, uint64_t vaddr, uint64_t end)
{
    gensize_t leaf_span = BASE_PAGE_BYTES * paging_table_entries(leaf->cap.type);
    uint64_t table_end = (vaddr / leaf_span + 1) * leaf_span;
    return table_end < end ? table_end : end;
}

/*
 * Maps [vaddr, end) (page-aligned) with fresh frames, one frame per leaf
 * table, filled by fill (which may be NULL for zeroes).
 */
static bool map_fresh(struct spawn_state *s, uint64_t vaddr, uint64_t end, uint64_t flags,
                      void (*fill)(void *dest, uint64_t vaddr, gensize_t bytes, const void *arg),
                      const void *arg)
{
    while (vaddr < end) {
        /* Stop at the first failure: each has printed its reason once. */
        struct cte *leaf = leaf_table(s, vaddr);
        if (leaf == NULL) {
            return false;
        }
        uint64_t stop = run_end(leaf, vaddr, end);
        struct cte *frame = new_object(s, ObjType_Frame, stop - vaddr);
        if (frame == NULL) {
            return false;
        }
        if (fill != NULL) {
            fill(phys_to_kernel_ptr(frame->cap.base), vaddr, stop - vaddr, arg);
        }
        cslot_t slot = (cslot_t)((vaddr / BASE_PAGE_BYTES) % paging_table_entries(leaf->cap.type));
        if (err_is_fail(
                paging_map(leaf, slot, frame, flags, 0, (stop - vaddr) / BASE_PAGE_BYTES))) {
            return false;
        }
        vaddr = stop;
    }
    return true;
}

struct segment_source {
    const uint8_t *image;
    const struct elf_segment *seg;
};

/* Copies the file's bytes of the segment that fall into [vaddr, vaddr + bytes). */
static void fill_segment(void *dest, uint64_t vaddr, gensize_t bytes, const void *arg)
{
    const struct segment_source *src = arg;
    const struct elf_segment *seg = src->seg;
    uint64_t from = vaddr > seg->vaddr ? vaddr : seg->vaddr;
    uint64_t file_end = seg->vaddr + seg->filesz;
    uint64_t to = vaddr + bytes < file_end ? vaddr + bytes : file_end;
    if (to > from) {
        __builtin_memcpy((uint8_t *)dest + (from - vaddr),
                         src->image + seg->offset + (from - seg->vaddr), to - from);
    }
}

static uint64_t segment_flags(uint32_t p_flags)
{
    return VREGION_FLAGS_READ | ((p_flags & PF_W) ? VREGION_FLAGS_WRITE : 0) |
           ((p_flags & PF_X) ? VREGION_FLAGS_EXECUTE : 0);
}

static bool load_segment(struct spawn_state *s, const uint8_t *image, const struct elf_segment *seg)
{
    uint64_t start = seg->vaddr & ~(BASE_PAGE_BYTES - 1);
    uint64_t end = (seg->vaddr + seg->memsz + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
    struct segment_source src = {image, seg};
    return map_fresh(s, start, end, segment_flags(seg->flags), fill_segment, &src);
}

/* The i-th program header as a segment, if it is loadable; from either class of file. */
static bool segment_at(const uint8_t *elf, uint64_t phoff, int i, struct elf_segment *seg)
{
    if (DOMAIN_ELF_CLASS == ELFCLASS64) {
        const struct elf64_phdr *ph = (const void *)(elf + phoff + i * sizeof(*ph));
        *seg =
            (struct elf_segment){ph->p_offset, ph->p_vaddr, ph->p_filesz, ph->p_memsz, ph->p_flags};
        return ph->p_type == PT_LOAD;
    }
    const struct elf32_phdr *ph = (const void *)(elf + phoff + i * sizeof(*ph));
    *seg = (struct elf_segment){ph->p_offset, ph->p_vaddr, ph->p_filesz, ph->p_memsz, ph->p_flags};
    return ph->p_type == PT_LOAD;
}

static bool load_elf(struct spawn_state *s, const void *elf, size_t elf_bytes, uint64_t *entry)
{
    const uint8_t *b = elf;
    bool is64 = DOMAIN_ELF_CLASS == ELFCLASS64;
    const struct elf64_ehdr *e64 = elf;
    const struct elf32_ehdr *e32 = elf;
    size_t ehdr_bytes = is64 ? sizeof(*e64) : sizeof(*e32);
    uint64_t phoff = is64 ? e64->e_phoff : e32->e_phoff;
    int phnum = is64 ? e64->e_phnum : e32->e_phnum;
    size_t phent = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
    if (elf_bytes < ehdr_bytes || *(const uint32_t *)b != ELF_MAGIC || b[4] != DOMAIN_ELF_CLASS ||
        (is64 ? e64->e_machine : e32->e_machine) != DOMAIN_ELF_MACHINE ||
        phoff + (uint64_t)phnum * phent > elf_bytes) {
        printk("kernel: spawn: the init image is not an ELF executable for this machine\n");
        return false;
    }
    for (int i = 0; i < phnum; i++) {
        struct elf_segment seg;
        if (!segment_at(b, phoff, i, &seg)) {
            continue;
        }
        if (seg.filesz > elf_bytes || seg.offset > elf_bytes - seg.filesz) {
            printk("kernel: spawn: a segment of the init image lies beyond its end\n");
            return false;
        }
        if (!load_segment(s, b, &seg)) {
            return false;
        }
    }
    *entry = is64 ? e64->e_entry : e32->e_entry;
    return true;
}

static bool map_stack(struct spawn_state *s)
{
    return map_fresh(s, DOMAIN_STACK_TOP - DOMAIN_STACK_BYTES, DOMAIN_STACK_TOP,
                     VREGION_FLAGS_READ_WRITE, NULL, NULL);
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

/* init's dispatcher frame: a page mapped read-write, its copy in TASKCN for init to name. */
static const struct cte *map_dispatcher_frame(struct spawn_state *s)
{
    uint64_t vaddr = DOMAIN_DISPATCHER_FRAME_VADDR;
    if (!map_fresh(s, vaddr, vaddr + DISPATCHER_FRAME_BYTES, VREGION_FLAGS_READ_WRITE, NULL,
                   NULL)) {
        return NULL;
    }
    const struct cte *frame = &s->pagecn[s->next_slot - 1]; /* the frame map_fresh made last */
    struct cte *taskcn = cnode_slots(&cnode_slots(&s->init->cspace.cap)[ROOTCN_SLOT_TASKCN].cap);
    caps_copy(&taskcn[TASKCN_SLOT_DISPFRAME], frame, frame->cap.rights);
    return frame;
}

struct dcb *spawn_init(const void *elf, size_t elf_bytes, struct boot_memory *mem)
{
    kcheck_boot(); /* before any domain runs */
    /* The CSpace, then init's control block: a Dispatcher object in a page of its own. */
    genpaddr_t cspace = boot_memory_take(mem, INIT_CSPACE_BYTES + BASE_PAGE_BYTES, BASE_PAGE_BYTES);
    if (cspace == 0) {
        printk("kernel: spawn: no memory for init's CSpace\n");
        return NULL;
    }
    genpaddr_t dispatcher = cspace + INIT_CSPACE_BYTES;
    __builtin_memset(phys_to_kernel_ptr(dispatcher), 0, DISPATCHER_BYTES);
    struct dcb *init = dcb_of(&(struct capability){.base = dispatcher});
    startup_init_cspace(init, cspace);
    struct cte *taskcn = cnode_slots(&cnode_slots(&init->cspace.cap)[ROOTCN_SLOT_TASKCN].cap);
    caps_create_from_nothing(&taskcn[TASKCN_SLOT_DISPATCHER], ObjType_Dispatcher, dispatcher,
                             DISPATCHER_BYTES);
    struct spawn_state s = {
        .init = init,
        .mem = mem,
        .pagecn = cnode_slots(&cnode_slots(&init->cspace.cap)[ROOTCN_SLOT_PAGECN].cap),
        .next_slot = PAGECN_SLOT_VROOT,
    };
    enum objtype root_type = paging_root_type();
    struct cte *root = new_object(&s, root_type, objtype_info[root_type].fixed_bytes);
    if (root == NULL) {
        return NULL;
    }
    platform_root_table_created(root->cap.base);
    caps_hold(&init->vroot, root); /* the hardware walks it while init runs */
    uint64_t entry;
    const struct cte *frame;
    if (!load_elf(&s, elf, elf_bytes, &entry) || !map_stack(&s) ||
        (frame = map_dispatcher_frame(&s)) == NULL) {
        return NULL;
    }
    hand_out_memory(init, mem);
    dispatcher_init_domain(init, "init", frame, DOMAIN_DISPATCHER_FRAME_VADDR, entry,
                           DOMAIN_STACK_TOP);
    init->is_init = true;
    init->state = DISPATCHER_RUNNABLE;
    sched_make_runnable(init);
    return init;
}
