/* TLB and cache maintenance on the hosted platform: recorded, so tests can assert every one. */
#include <host_machine.h>
#include <maintenance.h>

#include "host_internal.h"

#define LOG_CAPACITY 4096

static struct host_maintenance_event events[LOG_CAPACITY];
static size_t event_count; /* may exceed LOG_CAPACITY: later events are counted, not kept */

static void record(enum host_maintenance_kind kind, genpaddr_t root, uint64_t addr, uint64_t bytes)
{
    if (event_count < LOG_CAPACITY) {
        events[event_count] = (struct host_maintenance_event){
            .kind = kind, .root = root, .addr = addr, .bytes = bytes};
    }
    event_count++;
}

void platform_tlb_flush_range(genpaddr_t root, uint64_t vaddr, uint64_t bytes)
{
    record(HOST_TLB_FLUSH_RANGE, root, vaddr, bytes);
    host_mmu_views_flush(root, vaddr, bytes);
}

void platform_tlb_flush_all(void)
{
    record(HOST_TLB_FLUSH_ALL, 0, 0, 0);
    host_mmu_views_flush_all();
}

void platform_cache_clean_range(genpaddr_t paddr, gensize_t bytes)
{
    record(HOST_CACHE_CLEAN, 0, paddr, bytes);
}

size_t host_maintenance_count(void)
{
    return event_count;
}

const struct host_maintenance_event *host_maintenance_event(size_t index)
{
    return index < event_count && index < LOG_CAPACITY ? &events[index] : NULL;
}

void host_maintenance_reset(void)
{
    event_count = 0;
}
