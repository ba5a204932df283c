/* Kernel console output: the shared formatter (libabi) onto the platform's console. */
#include <format.h>
#include <printk.h>

int vprintk(const char *fmt, va_list ap)
{
    return format_vputc(platform_console_putchar, fmt, ap);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = vprintk(fmt, ap);
    va_end(ap);
    return written;
}
