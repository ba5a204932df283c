/* printf and friends for domains: the shared formatter onto the kernel console. */
#include <format.h>
#include <libcap/syscalls.h>
#include <stdio.h>

int vprintf(const char *fmt, va_list ap)
{
    return format_vputc(sys_putchar, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = vprintf(fmt, ap);
    va_end(ap);
    return written;
}

int vsnprintf(char *buf, size_t bytes, const char *fmt, va_list ap)
{
    return format_vsnprintf(buf, bytes, fmt, ap);
}

int snprintf(char *buf, size_t bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = vsnprintf(buf, bytes, fmt, ap);
    va_end(ap);
    return written;
}

int putchar(int c)
{
    sys_putchar((char)c);
    return c;
}

int puts(const char *s)
{
    while (*s != '\0') {
        sys_putchar(*s++);
    }
    sys_putchar('\n');
    return 0;
}
