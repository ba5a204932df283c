/* Kernel console output: a small freestanding printf onto the platform's console. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Conversions: %s %c %d %u %x %p %%, with the length modifiers l, ll and z,
 * and an optional field width (%8x, %08llx). Returns characters written.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

/*
 * A domain's character (SYSCALL_PUTCHAR); the kernel's next line will not be glued onto it, and a
 * domain line beginning "kernel:" is shown as "[domain] kernel:": that prefix is the kernel's.
 */
void console_putchar_from_domain(char c);

/* Platform interface: writes one character to the console. */
void platform_console_putchar(char c);

#endif
