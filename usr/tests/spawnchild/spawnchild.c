/*
 * A child domain for captest's spawn tests: text, read-only data, initialised data and bss of
 * known contents, so that a parent can compare what it loaded with the ELF file. Until dispatchers
 * exist nothing starts it; booted as init it checks its own data and says so.
 */
#include <stdio.h>
#include <string.h>

static const char greeting[] = "spawnchild: loaded from the boot image";
static unsigned char pattern[3 * 4096] = {1, 2, 3, 4, 5, 6, 7, 8};
static volatile unsigned char zeroes[2 * 4096];

int main(void)
{
    for (size_t i = 0; i < sizeof(zeroes); i++) {
        if (zeroes[i] != 0) {
            printf("spawnchild: bss not zero at %zu\n", i);
            return 1;
        }
    }
    pattern[sizeof(pattern) - 1] = pattern[0];
    printf("%s (%u)\n", greeting, (unsigned)strlen(greeting));
    return pattern[sizeof(pattern) - 1] == 1 ? 0 : 1;
}
