/* The console on QEMU virt: the PL011 UART the device tree names, polled. */
#include <armv7_layout.h>
#include <printk.h>
#include <stdint.h>

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)

/* Until the device tree is read: QEMU virt's UART. */
static volatile uint8_t *uart = (volatile uint8_t *)(DEVICE_VBASE + 0x09000000);

void armv7_uart_set(uint64_t paddr);
void armv7_uart_set(uint64_t paddr)
{
    uart = (volatile uint8_t *)(uintptr_t)(DEVICE_VBASE + (uint32_t)paddr);
}

void platform_console_putchar(char c)
{
    if (c == '\n') {
        platform_console_putchar('\r');
    }
    while (*(volatile uint32_t *)(uart + UARTFR) & UARTFR_TXFF) {
        /* wait for room */
    }
    *(volatile uint32_t *)(uart + UARTDR) = (uint8_t)c;
}
