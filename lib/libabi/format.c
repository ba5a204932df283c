/* A small freestanding printf core: formats into any sink (console, buffer), no libc needed. */
#include <format.h>
#include <stdbool.h>
#include <stdint.h>

struct conversion {
    unsigned width;
    bool zero_pad;
    bool left;      /* '-': pad on the right */
    bool alternate; /* '#': 0x before a non-zero %x */
    int longs;      /* 0, 1 (l) or 2 (ll, z) */
};

static void put_padding(struct format_sink *out, int n, char c)
{
    for (; n > 0; n--) {
        out->put(out, c);
    }
}

static int put_string(struct format_sink *out, const char *s, struct conversion c)
{
    int n = 0;
    for (const char *p = s; *p != '\0'; p++) {
        n++;
    }
    int pad = (unsigned)n < c.width ? (int)c.width - n : 0;
    if (!c.left) {
        put_padding(out, pad, ' ');
    }
    for (; *s != '\0'; s++) {
        out->put(out, *s);
    }
    if (c.left) {
        put_padding(out, pad, ' ');
    }
    return n + pad;
}

/* prefix ("-", "0x" or "") goes before the digits, and before zero padding. */
static int put_number(struct format_sink *out, uint64_t value, unsigned base, const char *prefix,
                      struct conversion c)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);
    int length = n;
    for (const char *p = prefix; *p != '\0'; p++) {
        length++;
    }
    int pad = (unsigned)length < c.width ? (int)c.width - length : 0;
    bool zeroes = c.zero_pad && !c.left;
    if (!c.left && !zeroes) {
        put_padding(out, pad, ' ');
    }
    for (; *prefix != '\0'; prefix++) {
        out->put(out, *prefix);
    }
    if (zeroes) {
        put_padding(out, pad, '0');
    }
    while (n > 0) {
        out->put(out, digits[--n]);
    }
    if (c.left) {
        put_padding(out, pad, ' ');
    }
    return length + pad;
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
    for (; *p == '0' || *p == '-' || *p == '#'; p++) {
        c->zero_pad |= *p == '0';
        c->left |= *p == '-';
        c->alternate |= *p == '#';
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        c->width = c->width * 10 + (unsigned)(*p - '0');
    }
    for (; *p == 'l' || *p == 'z'; p++) {
        /* z: size_t, as wide as long long, long or int on this machine */
        c->longs = *p != 'z'                                      ? c->longs + 1
                   : sizeof(size_t) == sizeof(unsigned long long) ? 2
                   : sizeof(size_t) == sizeof(unsigned long)      ? 1
                                                                  : 0;
    }
    return p;
}

static int put_conversion(struct format_sink *out, char kind, struct conversion c, va_list *ap)
{
    switch (kind) {
    case 's': {
        const char *s = va_arg(*ap, const char *);
        return put_string(out, s != NULL ? s : "(null)", c);
    }
    case 'c':
        out->put(out, (char)va_arg(*ap, int));
        return 1;
    case 'd': {
        int64_t v = signed_arg(ap, c.longs);
        return put_number(out, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, v < 0 ? "-" : "", c);
    }
    case 'u':
        return put_number(out, unsigned_arg(ap, c.longs), 10, "", c);
    case 'x': {
        uint64_t v = unsigned_arg(ap, c.longs);
        return put_number(out, v, 16, c.alternate && v != 0 ? "0x" : "", c);
    }
    case 'p':
        return put_number(out, (uintptr_t)va_arg(*ap, void *), 16, "0x", c);
    case '%':
        out->put(out, '%');
        return 1;
    default:
        out->put(out, '%');
        out->put(out, kind);
        return 2;
    }
}

int format_v(struct format_sink *out, const char *fmt, va_list ap)
{
    int written = 0;
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%' || p[1] == '\0') {
            out->put(out, *p);
            written++;
            continue;
        }
        struct conversion c;
        p = parse_conversion(p + 1, &c);
        written += put_conversion(out, *p, c, &args);
    }
    va_end(args);
    return written;
}

struct buffer_sink {
    struct format_sink sink;
    char *buf;
    size_t bytes;
    size_t length;
};

static void put_into_buffer(struct format_sink *sink, char c)
{
    struct buffer_sink *b = (struct buffer_sink *)sink;
    if (b->length + 1 < b->bytes) {
        b->buf[b->length] = c;
    }
    b->length++;
}

int format_vsnprintf(char *buf, size_t bytes, const char *fmt, va_list ap)
{
    struct buffer_sink b = {.sink = {.put = put_into_buffer}, .buf = buf, .bytes = bytes};
    int written = format_v(&b.sink, fmt, ap);
    if (bytes > 0) {
        buf[b.length < bytes ? b.length : bytes - 1] = '\0';
    }
    return written;
}

int format_snprintf(char *buf, size_t bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int written = format_vsnprintf(buf, bytes, fmt, ap);
    va_end(ap);
    return written;
}

struct putc_sink {
    struct format_sink sink;
    void (*putc)(char c);
};

static void put_through(struct format_sink *sink, char c)
{
    ((struct putc_sink *)sink)->putc(c);
}

int format_vputc(void (*putc)(char c), const char *fmt, va_list ap)
{
    struct putc_sink s = {.sink = {.put = put_through}, .putc = putc};
    return format_v(&s.sink, fmt, ap);
}
