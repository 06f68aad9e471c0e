/**
 * @file commpolice/sys/errors.h
 * @brief Setting the per-thread error from a storage plugin.
 */
#ifndef COMMPOLICE_SYS_ERRORS_H
#define COMMPOLICE_SYS_ERRORS_H

#include "../common.h"

CPOL_BEGIN_DECL

/**
 * Record a failure for cpol_error_code() and cpol_error_message(), and return
 * the code so a plugin can write `return cpol_error_set_str(CPOL_EIO, "...");`.
 *
 * Not variadic on purpose, so it can be called through any FFI. Messages
 * longer than 1023 bytes are cut at a UTF-8 character boundary.
 *
 * @param code     a negative #cpol_status_t
 * @param message  what went wrong, naming the object (NULL means the generic text of @p code)
 * @return @p code
 * @since 0.1
 */
CPOL_API int cpol_error_set_str(int code, const char *message);

CPOL_END_DECL

#endif /* COMMPOLICE_SYS_ERRORS_H */
