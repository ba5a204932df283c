/* Formatted output without libc: %s %c %d %u %x %p %%, lengths l ll z, flags 0 - #, widths
 * (%08llx, %-20s, %#lx). */
#ifndef LIBABI_FORMAT_H
#define LIBABI_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Where formatted characters go: put is called once per character. */
struct format_sink {
    void (*put)(struct format_sink *sink, char c);
};

/* Formats into sink; returns the number of characters produced. */
int format_v(struct format_sink *sink, const char *fmt, va_list ap);

/* Character by character through putc (a console). */
int format_vputc(void (*putc)(char c), const char *fmt, va_list ap);

/* Into a buffer, always NUL-terminated when bytes > 0; returns the full length, like snprintf. */
int format_vsnprintf(char *buf, size_t bytes, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t bytes, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
