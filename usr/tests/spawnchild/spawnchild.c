/*
 * A child domain for captest's spawn tests: text, read-only data, initialised data and bss of
 * known contents, so that a parent can compare what it loaded with the ELF file. Started by a
 * parent that gave it an Endpoint (TASKCN_SLOT_PARENT), it serves the parent's commands
 * (child_protocol.h); booted as init it checks its own data and says so.
 */
#include "spawnchild.h"
#include <init_cspace.h>
#include <stdio.h>
#include <string.h>

static const char greeting[] = "spawnchild: loaded from the boot image";
static unsigned char pattern[3 * 4096] = {1, 2, 3, 4, 5, 6, 7, 8};
static volatile unsigned char zeroes[2 * 4096];

/* 0 when the image is as the ELF file says; 1 bss not zero; 2 data not as initialised. */
static int check_image(void)
{
    for (size_t i = 0; i < sizeof(zeroes); i++) {
        if (zeroes[i] != 0) {
            return 1;
        }
    }
    pattern[sizeof(pattern) - 1] = pattern[0];
    return pattern[sizeof(pattern) - 1] == 1 && strlen(greeting) == sizeof(greeting) - 1 ? 0 : 2;
}

int main(void)
{
    int image = check_image();
    struct capref parent = {.cnode = cnode_at_l1(ROOTCN_SLOT_TASKCN), .slot = TASKCN_SLOT_PARENT};
    struct cap_identity id;
    if (err_is_ok(cap_identify(parent, &id)) && id.type == ObjType_Endpoint) {
        return child_serve(parent, image);
    }
    printf("%s (%u): image check %d\n", greeting, (unsigned)strlen(greeting), image);
    return image;
}
