/* Free physical memory at boot, before any capability exists to describe it. */
#include <spawn.h>

void boot_memory_add(struct boot_memory *mem, genpaddr_t base, gensize_t bytes)
{
    genpaddr_t start = (base + BASE_PAGE_BYTES - 1) & ~(BASE_PAGE_BYTES - 1);
    genpaddr_t end = (base + bytes) & ~(BASE_PAGE_BYTES - 1);
    if (end > start && mem->count < BOOT_MEMORY_RANGES) {
        mem->base[mem->count] = start;
        mem->bytes[mem->count] = end - start;
        mem->count++;
    }
}

void boot_memory_reserve(struct boot_memory *mem, genpaddr_t base, gensize_t bytes)
{
    genpaddr_t end = base + bytes;
    for (int i = 0; i < mem->count; i++) {
        genpaddr_t r_start = mem->base[i];
        genpaddr_t r_end = r_start + mem->bytes[i];
        if (end <= r_start || base >= r_end) {
            continue;
        }
        /* Keep the part below the hole here, and add the part above it. */
        mem->bytes[i] = base > r_start ? base - r_start : 0;
        if (end < r_end) {
            boot_memory_add(mem, end, r_end - end);
        }
    }
}

genpaddr_t boot_memory_take(struct boot_memory *mem, gensize_t bytes, gensize_t align_bytes)
{
    for (int i = 0; i < mem->count; i++) {
        genpaddr_t start = (mem->base[i] + align_bytes - 1) & ~(align_bytes - 1);
        genpaddr_t end = mem->base[i] + mem->bytes[i];
        if (start >= end || end - start < bytes) {
            continue;
        }
        genpaddr_t old_base = mem->base[i];
        mem->base[i] = start + bytes;
        mem->bytes[i] = end - (start + bytes);
        boot_memory_add(mem, old_base, start - old_base); /* the alignment gap stays free */
        return start;
    }
    return 0;
}
