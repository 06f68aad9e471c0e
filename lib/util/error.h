/* Internal error helpers on top of the per-thread error of errors.h. */
#ifndef CPOL_CORE_ERROR_H
#define CPOL_CORE_ERROR_H

#include <commpolice/errors.h>
#include <commpolice/sys/errors.h>

#if defined(__GNUC__) || defined(__clang__)
#  define CPOL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define CPOL__PRINTF(a, b)
#endif

/* Format the per-thread message and return code (printf-style; internal only,
 * the public cpol_error_set_str() stays non-variadic for FFI). */
int cpol__error(int code, const char *fmt, ...) CPOL__PRINTF(2, 3);

/* Report a NULL argument: returns CPOL_EMISUSE with "<func>: <what> is NULL". */
int cpol__null_arg(const char *func, const char *what);

#endif
