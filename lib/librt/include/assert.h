/* assert for domains: prints the failed condition and where, then ends the domain. */
#ifndef LIBRT_ASSERT_H
#define LIBRT_ASSERT_H

_Noreturn void assert_failed(const char *expr, const char *file, int line);

#define assert(e) ((e) ? (void)0 : assert_failed(#e, __FILE__, __LINE__))

#endif
