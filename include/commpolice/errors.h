/**
 * @file commpolice/errors.h
 * @brief Status codes and the per-thread error message.
 *
 * Every fallible function returns an `int` status:
 * - `0` (#CPOL_OK) on success;
 * - a positive value for a non-error outcome a caller branches on
 *   (#CPOL_DONE at the end of an iteration, #CPOL_ALREADY when an idempotent
 *   request was already applied);
 * - a negative #cpol_status_t on failure. Nothing was changed in storage.
 *
 * After a negative return, cpol_error_message() explains it in words that name
 * the problem (which argument, which file, which limit). The message is kept
 * per thread, so it also works for calls that have no context (opening,
 * parsing an id). It is meaningful only right after the failing call: later
 * calls on the same thread may replace it. Reading it never changes it.
 *
 * Codes are part of the ABI: values are explicit, never renumbered, and new
 * codes are only appended.
 */
#ifndef COMMPOLICE_ERRORS_H
#define COMMPOLICE_ERRORS_H

#include "common.h"

CPOL_BEGIN_DECL

/** Status codes returned by every fallible function. */
typedef enum cpol_status_t {
    CPOL_OK = 0,              /**< success */
    CPOL_DONE = 1,            /**< an iterator has no more items (not an error) */
    CPOL_ALREADY = 2,         /**< an idempotent request was applied before; nothing changed (not an error) */

    CPOL_ERROR = -1,          /**< unexpected internal failure; the message has the detail */
    CPOL_ENOMEM = -2,         /**< an allocation failed */
    CPOL_ENOTFOUND = -3,      /**< the object, key, file or directory does not exist */
    CPOL_EEXISTS = -4,        /**< an object with this identity already exists */
    CPOL_EINVALID = -5,       /**< an argument is malformed or out of range */
    CPOL_EMISUSE = -6,        /**< the API was used wrongly: NULL handle or out-pointer, wrong call order */
    CPOL_EVERSION = -7,       /**< a struct or plugin version is not supported by this library */
    CPOL_ENOTSUPPORTED = -8,  /**< the storage backend lacks an optional capability */
    CPOL_EBUSY = -9,          /**< the database is locked by another connection or process */
    CPOL_ESTORAGE = -10,      /**< the storage backend failed; the message has its detail */
    CPOL_ESCHEME = -11,       /**< the storage URI names a scheme no backend handles */
    CPOL_ECORRUPT = -12,      /**< the storage is damaged, truncated or not a libcommpolice database */
    CPOL_ESCHEMA = -13,       /**< the database was written by a newer library (schema version too high) */
    CPOL_EUTF8 = -14,         /**< a string is not valid UTF-8 */
    CPOL_ETOOLONG = -15,      /**< a string or buffer exceeds its documented limit */
    CPOL_EIO = -16,           /**< the operating system refused a read or write (permissions, disk full) */
    CPOL_EREADONLY = -17,     /**< a write was attempted on a context opened read-only */
    CPOL_EPERM = -18,         /**< the acting person's role lacks a permission; the message names it */
    CPOL_ESTATE = -19,        /**< the object's current state does not allow this step; the message names the state and the allowed steps */
    CPOL_ECONFLICT = -20,     /**< a request id was reused with different content; the message names the field */
    CPOL_ELIMIT = -21,        /**< a capacity, cap or size limit would be exceeded */
    CPOL_ERULE = -22,         /**< the request breaks a domain rule (one officer per team, no self-award, …); the message names it */
    CPOL_EFUNDS = -23,        /**< not enough points available (balance minus holds) for the request */
    CPOL_EKEY = -24,          /**< an encryption key is missing or wrong, or a store without one was not asked for with #CPOL_OPEN_PLAINTEXT */

    CPOL_EUSER = -100         /**< reserved: a caller's callback asked to stop with its own error */
} cpol_status_t;

/**
 * The status of the last failing call on this thread.
 * @return a #cpol_status_t value, #CPOL_OK if nothing has failed on this thread
 * @since 0.1
 */
CPOL_API int cpol_error_code(void);

/**
 * The message of the last failing call on this thread.
 *
 * @return a thread-local string owned by the library, valid until the next
 *         failing call on this thread; never NULL ("no error" when nothing
 *         failed yet). Do not free it.
 * @since 0.1
 */
CPOL_API const char *cpol_error_message(void);

/**
 * Forget the last error on this thread (code becomes #CPOL_OK, message "no error").
 * @since 0.1
 */
CPOL_API void cpol_error_clear(void);

/**
 * A generic English description of a status code, without the detail of any
 * particular failure.
 * @param code  any integer
 * @return a static string, never NULL ("unknown status" for unknown codes)
 * @since 0.1
 */
CPOL_API const char *cpol_strerror(int code);

/**
 * The symbolic name of a status code, such as "CPOL_ENOTFOUND".
 * @param code  any integer
 * @return a static string, never NULL ("CPOL_UNKNOWN" for unknown codes)
 * @since 0.1
 */
CPOL_API const char *cpol_status_name(int code);

CPOL_END_DECL

#endif /* COMMPOLICE_ERRORS_H */
