/* Kernel console output: the shared formatter (libabi) onto the platform's console. */
#include <format.h>
#include <printk.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether a domain's output left a line open: the kernel's lines start in column 0. */
static bool domain_line_open;
/* Whether the domain's next character starts a line on the terminal (after '\n' or '\r'). */
static bool domain_at_column_0 = true;

/*
 * Lines that begin "kernel:" are the kernel's alone: the runner and the fault checks trust
 * them. A domain line that begins so (at column 0: after a newline or a carriage return) is
 * held back while it matches and then shown with forged_mark in front, so that no domain can
 * print a report, an exit line or a check verdict that passes for the kernel's.
 */
static const char kernel_tag[] = "kernel:";
#define KERNEL_TAG_CHARS (sizeof(kernel_tag) - 1)
static const char forged_mark[] = "[domain] ";
static size_t tag_held; /* characters of kernel_tag a domain line has begun with, not yet shown */

static void console_puts(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        platform_console_putchar(s[i]);
    }
}

static void release_held_tag(void)
{
    if (tag_held > 0) {
        console_puts(kernel_tag, tag_held);
        domain_line_open = true;
        domain_at_column_0 = false;
        tag_held = 0;
    }
}

void console_putchar_from_domain(char c)
{
    if (domain_at_column_0 && c == kernel_tag[tag_held]) {
        if (++tag_held < KERNEL_TAG_CHARS) {
            return;
        }
        console_puts(forged_mark, sizeof(forged_mark) - 1);
        release_held_tag();
        return;
    }
    release_held_tag();
    platform_console_putchar(c);
    domain_line_open = c != '\n';
    domain_at_column_0 = c == '\n' || c == '\r'; /* a carriage return starts the line anew */
}

int vprintk(const char *fmt, va_list ap)
{
    release_held_tag();
    if (domain_line_open) {
        platform_console_putchar('\n');
        domain_line_open = false;
    }
    domain_at_column_0 = true;
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
