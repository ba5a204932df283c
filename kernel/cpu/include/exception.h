/* User exceptions: to the domain's own handler when it registered one and can take it. */
#ifndef KERNEL_EXCEPTION_H
#define KERNEL_EXCEPTION_H

#include <fault.h>
#include <stdbool.h>

struct dcb;

/*
 * Delivers the exception the entry frame holds to dcb's handler: saves the
 * faulting context into its enabled area, writes the fault's facts into its
 * frame, disables it and makes the entry frame return to the handler.
 * exception_class is DISPATCHER_FAULT_PAGE, _UNDEFINED or _OTHER. False,
 * with nothing changed, when the domain has no handler, is disabled or
 * inside its resume code: the caller reports the fault and ends the domain.
 */
bool exception_upcall(struct dcb *dcb, const struct fault_info *f, unsigned exception_class);

/*
 * A user exception of dcb: its handler if it is enabled and has one (exception_upcall), else
 * its pager if it has one that can take the fault now (blocked until the pager resumes it),
 * else the standard report and its end (FAULTED); a domain whose pager declined or died ends
 * at its next exception. Leaves the entry frame as the domain (or the next one) returns.
 */
void exception_user(struct dcb *dcb, const struct fault_info *f, unsigned exception_class);

/* exception_user in two halves, so that the fault path fills in the registers only for a
   report: true when the handler or the pager took the exception; else the caller describes
   the registers into f and calls exception_user_end (the report and the end). */
bool exception_user_take(struct dcb *dcb, const struct fault_info *f, unsigned exception_class);
void exception_user_end(struct dcb *dcb, const struct fault_info *f);

#endif
