/* The console on the PC: the first 16550 UART, polled. */
#include <printk.h>
#include <stdbool.h>
#include <x86.h>

#define COM1 0x3f8

static bool serial_ready;

static void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* divisor latch */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8 bits, no parity, one stop bit */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    serial_ready = true;
}

void platform_console_putchar(char c)
{
    if (!serial_ready) {
        serial_init();
    }
    if (c == '\n') {
        platform_console_putchar('\r');
    }
    while (!(inb(COM1 + 5) & 0x20)) {
        /* wait for the transmitter */
    }
    outb(COM1, (uint8_t)c);
}
