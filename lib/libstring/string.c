/* The memory and string functions freestanding code needs (the compiler emits memset/memcpy too).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Word-at-a-time once aligned: zeroing page tables and frames is on hot paths. */
typedef uintptr_t __attribute__((__may_alias__)) word_t;

void *memset(void *dest, int c, size_t bytes)
{
    unsigned char *d = dest;
    for (; bytes > 0 && (uintptr_t)d % sizeof(word_t) != 0; bytes--) {
        *d++ = (unsigned char)c;
    }
    word_t pattern = (word_t)-1 / 0xff * (unsigned char)c;
    for (; bytes >= sizeof(word_t); bytes -= sizeof(word_t), d += sizeof(word_t)) {
        *(word_t *)d = pattern;
    }
    while (bytes-- > 0) {
        *d++ = (unsigned char)c;
    }
    return dest;
}

void *memcpy(void *restrict dest, const void *restrict src, size_t bytes)
{
    unsigned char *d = dest;
    const unsigned char *s = src;
    if ((uintptr_t)d % sizeof(word_t) == (uintptr_t)s % sizeof(word_t)) {
        for (; bytes > 0 && (uintptr_t)d % sizeof(word_t) != 0; bytes--) {
            *d++ = *s++;
        }
        for (; bytes >= sizeof(word_t); bytes -= sizeof(word_t)) {
            *(word_t *)d = *(const word_t *)s;
            d += sizeof(word_t);
            s += sizeof(word_t);
        }
    }
    while (bytes-- > 0) {
        *d++ = *s++;
    }
    return dest;
}

void *memmove(void *dest, const void *src, size_t bytes)
{
    unsigned char *d = dest;
    const unsigned char *s = src;
    if (d < s) {
        return memcpy(dest, src, bytes);
    }
    while (bytes-- > 0) {
        d[bytes] = s[bytes];
    }
    return dest;
}

int memcmp(const void *a, const void *b, size_t bytes)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < bytes; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

char *strcpy(char *restrict dest, const char *restrict src)
{
    char *d = dest;
    while ((*d++ = *src++) != '\0') {
        /* copy through the terminator */
    }
    return dest;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0') {
            return (unsigned char)*a - (unsigned char)*b;
        }
    }
    return 0;
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack != '\0'; haystack++) {
        if (strncmp(haystack, needle, n) == 0) {
            return (char *)haystack;
        }
    }
    return n == 0 ? (char *)haystack : NULL;
}
