/* Kernel console output: the shared formatter (libabi) onto the platform's console. */
#include <format.h>
#include <printk.h>
#include <stdbool.h>

/* Whether a domain's output left a line open: the kernel's lines start in column 0. */
static bool domain_line_open;

void console_putchar_from_domain(char c)
{
    platform_console_putchar(c);
    domain_line_open = c != '\n';
}

int vprintk(const char *fmt, va_list ap)
{
    if (domain_line_open) {
        platform_console_putchar('\n');
        domain_line_open = false;
    }
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
