/* Console output for domains: printf and friends over the kernel's console system call. */
#ifndef LIBRT_STDIO_H
#define LIBRT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t bytes, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t bytes, const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);

#endif
