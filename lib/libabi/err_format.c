/* Formats an errval_t's chain of causes without libc, for kernel and domains alike. */
#include <errors/errno.h>

struct text_sink {
    char *buf;
    size_t buf_bytes;
    size_t length; /* characters the whole text needs, even past buf_bytes */
};

static void sink_puts(struct text_sink *sink, const char *s)
{
    for (; *s != '\0'; s++) {
        if (sink->length + 1 < sink->buf_bytes) {
            sink->buf[sink->length] = *s;
        }
        sink->length++;
    }
}

size_t err_format(errval_t err, char *buf, size_t buf_bytes)
{
    struct text_sink sink = {.buf = buf, .buf_bytes = buf_bytes, .length = 0};
    bool first = true;

    do {
        if (!first) {
            sink_puts(&sink, " <- ");
        }
        sink_puts(&sink, err_getcode(err));
        sink_puts(&sink, " (");
        sink_puts(&sink, err_getstring(err));
        sink_puts(&sink, ")");
        first = false;
        err = err_pop(err);
    } while (err_is_fail(err));

    if (buf_bytes > 0) {
        size_t end = sink.length < buf_bytes ? sink.length : buf_bytes - 1;
        buf[end] = '\0';
    }
    return sink.length;
}
