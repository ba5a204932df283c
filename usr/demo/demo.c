/* The demo domain `make run` boots: it maps frames through capabilities and shows the result. */
#include "demo.h"
#include <domain_layout.h>
#include <stdio.h>
#include <string.h>

static struct pmap pmap;

static void print_line(const char *line)
{
    printf("%s\n", line);
}

void demo_check(const char *what, errval_t err)
{
    char text[200] = "ok";
    if (err_is_fail(err)) {
        err_format(err, text, sizeof(text));
    }
    printf("demo: %-44s %s\n", what, text);
}

int main(void)
{
    printf("demo: a domain maps its own memory through capabilities\n");
    demo_check("libcap_init", libcap_init());
    struct capref root = {.cnode = cnode_at_l1(ROOTCN_SLOT_PAGECN), .slot = PAGECN_SLOT_VROOT};
    demo_check("pmap_init_self (init's own root table)", pmap_init_self(&pmap));

    struct capref frame;
    struct capref big;
    const gensize_t large = pmap_arch_layout()->span_bytes[pmap_arch_layout()->levels - 2];
    genvaddr_t small_at;
    genvaddr_t large_at;
    demo_check("frame_alloc 16 KiB", frame_alloc(&frame, 16384, NULL));
    demo_check("frame_alloc_aligned one large page", frame_alloc_aligned(&big, large, large));
    demo_check("pmap_determine_addr 16 KiB", pmap_determine_addr(&pmap, 16384, 4096, &small_at));
    demo_check("pmap_map it read-write",
               pmap_map(&pmap, small_at, frame, 0, 16384, VREGION_FLAGS_READ_WRITE));
    demo_check("pmap_determine_addr, large-page aligned",
               pmap_determine_addr(&pmap, large, large, &large_at));
    demo_check("pmap_map it with large pages",
               pmap_map(&pmap, large_at, big, 0, large, VREGION_FLAGS_READ | VREGION_FLAGS_LARGE));

    char *text = (char *)(uintptr_t)small_at;
    strcpy(text + 8192, "hello through a capability-made mapping");
    printf("demo: wrote and read back at 0x%llx: \"%s\"\n", (unsigned long long)(small_at + 8192),
           text + 8192);
    demo_check("pmap_modify_flags page 1 read-only",
               pmap_modify_flags(&pmap, small_at + 4096, 4096, VREGION_FLAGS_READ));
    demo_check("pmap_unmap page 3", pmap_unmap(&pmap, small_at + 12288, 4096));

    printf("demo: the shadow tree (libpmap's view):\n");
    pmap_dump(&pmap, print_line);
    printf("demo: the hardware tables (the kernel's dump):\n");
    invoke_vnode_dump(get_cap_addr(root));
    demo_check("pmap_unmap the rest", pmap_unmap(&pmap, small_at, 16384));
    demo_check("pmap_unmap the large page", pmap_unmap(&pmap, large_at, large));
    demo_share(&pmap);
    demo_lazy(&pmap);
    printf("demo: done\n");
    return 0;
}
