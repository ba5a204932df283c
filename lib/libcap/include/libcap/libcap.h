/* libcap: the user side of capabilities. One include for all of it, and its start-up. */
#ifndef LIBCAP_LIBCAP_H
#define LIBCAP_LIBCAP_H

#include <libcap/capref.h>
#include <libcap/caps.h>
#include <libcap/dispatcher.h>
#include <libcap/ram_alloc.h>
#include <libcap/slot_alloc.h>

/* Sets up the RAM and slot allocators from init's boot capabilities. */
errval_t libcap_init(void);

#endif
