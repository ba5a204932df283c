/* Kernel console output: the shared formatter (libabi) onto the platform's console. */
#include <format.h>
#include <printk.h>

static void put_console(struct format_sink *sink, char c)
{
    (void)sink;
    platform_console_putchar(c);
}

int vprintk(const char *fmt, va_list ap)
{
    struct format_sink console = {.put = put_console};
    return format_v(&console, fmt, ap);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = vprintk(fmt, ap);
    va_end(ap);
    return written;
}
