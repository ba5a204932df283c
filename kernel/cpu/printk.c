/* A small freestanding printf for the kernel console: no libc, no allocation. */
#include <printk.h>
#include <stdbool.h>
#include <stdint.h>

struct conversion {
    unsigned width;
    bool zero_pad;
    int longs; /* 0, 1 (l) or 2 (ll, z) */
};

static int put_string(const char *s, unsigned width)
{
    int n = 0;
    for (const char *p = s; *p != '\0'; p++) {
        n++;
    }
    int written = n;
    for (; (unsigned)written < width; written++) {
        platform_console_putchar(' ');
    }
    for (; *s != '\0'; s++) {
        platform_console_putchar(*s);
    }
    return written;
}

static int put_number(uint64_t value, unsigned base, bool negative, struct conversion c)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);
    int written = n + (negative ? 1 : 0);
    if (negative && c.zero_pad) {
        platform_console_putchar('-');
    }
    for (; (unsigned)written < c.width; written++) {
        platform_console_putchar(c.zero_pad ? '0' : ' ');
    }
    if (negative && !c.zero_pad) {
        platform_console_putchar('-');
    }
    while (n > 0) {
        platform_console_putchar(digits[--n]);
    }
    return written;
}

static uint64_t unsigned_arg(va_list *ap, int longs)
{
    return longs == 2   ? va_arg(*ap, unsigned long long)
           : longs == 1 ? va_arg(*ap, unsigned long)
                        : va_arg(*ap, unsigned int);
}

static int64_t signed_arg(va_list *ap, int longs)
{
    return longs == 2 ? va_arg(*ap, long long) : longs == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
}

/* Parses flags, width and length after '%'; returns the conversion character's position. */
static const char *parse_conversion(const char *p, struct conversion *c)
{
    *c = (struct conversion){0};
    if (*p == '0') {
        c->zero_pad = true;
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        c->width = c->width * 10 + (unsigned)(*p - '0');
    }
    for (; *p == 'l' || *p == 'z'; p++) {
        c->longs = *p == 'z' ? 2 : c->longs + 1;
    }
    return p;
}

static int put_conversion(char kind, struct conversion c, va_list *ap)
{
    switch (kind) {
    case 's': {
        const char *s = va_arg(*ap, const char *);
        return put_string(s != NULL ? s : "(null)", c.width);
    }
    case 'c':
        platform_console_putchar((char)va_arg(*ap, int));
        return 1;
    case 'd': {
        int64_t v = signed_arg(ap, c.longs);
        return put_number(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, v < 0, c);
    }
    case 'u':
        return put_number(unsigned_arg(ap, c.longs), 10, false, c);
    case 'x':
        return put_number(unsigned_arg(ap, c.longs), 16, false, c);
    case 'p':
        return put_string("0x", 0) + put_number((uintptr_t)va_arg(*ap, void *), 16, false, c);
    case '%':
        platform_console_putchar('%');
        return 1;
    default:
        platform_console_putchar('%');
        platform_console_putchar(kind);
        return 2;
    }
}

int vprintk(const char *fmt, va_list ap)
{
    int written = 0;
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%' || p[1] == '\0') {
            platform_console_putchar(*p);
            written++;
            continue;
        }
        struct conversion c;
        p = parse_conversion(p + 1, &c);
        written += put_conversion(*p, c, &args);
    }
    va_end(args);
    return written;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = vprintk(fmt, ap);
    va_end(ap);
    return written;
}
