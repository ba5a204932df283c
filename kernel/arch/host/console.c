/* The hosted kernel console: stdout, or a buffer a test captures it into. */
#include <host_machine.h>
#include <printk.h>
#include <stdio.h>

static char *capture_buf;
static size_t capture_bytes;
static size_t capture_length;

void platform_console_putchar(char c)
{
    if (capture_buf == NULL) {
        putchar(c);
        return;
    }
    if (capture_length + 1 < capture_bytes) {
        capture_buf[capture_length++] = c;
        capture_buf[capture_length] = '\0';
    }
}

void host_console_capture(char *buf, size_t bytes)
{
    capture_buf = bytes > 0 ? buf : NULL;
    capture_bytes = bytes;
    capture_length = 0;
    if (capture_buf != NULL) {
        capture_buf[0] = '\0';
    }
}
