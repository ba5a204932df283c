/* String and memory functions for freestanding code (kernel and domains). */
#ifndef LIBSTRING_STRING_H
#define LIBSTRING_STRING_H

#include <stddef.h>

void *memset(void *dest, int c, size_t bytes);
void *memcpy(void *restrict dest, const void *restrict src, size_t bytes);
void *memmove(void *dest, const void *src, size_t bytes);
int memcmp(const void *a, const void *b, size_t bytes);
size_t strlen(const char *s);
char *strcpy(char *restrict dest, const char *restrict src);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);

#endif
