/**
 * @file commpolice/common.h
 * @brief Export macro, C++ guards and the basic scalar types shared by every header.
 *
 * Nothing here needs a context; every other public header includes this one.
 */
#ifndef COMMPOLICE_COMMON_H
#define COMMPOLICE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def CPOL_API
 * @brief Marks a function as part of the exported ABI.
 *
 * The library is built with hidden visibility, so only declarations carrying
 * this macro (and listed in the linker version script) are exported.
 * Define `CPOL_STATIC` before including when linking the static library on
 * platforms where that matters (Windows).
 */
#if defined(_WIN32) && !defined(CPOL_STATIC)
#  if defined(CPOL_BUILDING_SHARED)
#    define CPOL_API __declspec(dllexport)
#  else
#    define CPOL_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define CPOL_API __attribute__((visibility("default")))
#else
#  define CPOL_API
#endif

/** @cond INTERNAL */
#ifdef __cplusplus
#  define CPOL_BEGIN_DECL extern "C" {
#  define CPOL_END_DECL }
#else
#  define CPOL_BEGIN_DECL
#  define CPOL_END_DECL
#endif
/** @endcond */

CPOL_BEGIN_DECL

/**
 * A point in time: milliseconds since 1970-01-01T00:00:00Z (UTC).
 *
 * Every time the library stores or returns uses this unit; it comes from the
 * context's clock (see cpol_open_options::clock), never from the system clock
 * directly, so tests and simulations can fix or advance time.
 */
typedef int64_t cpol_time;

/**
 * The latest time the library works with: 9999-12-31 23:59:59.999 UTC. A
 * clock that returns more is held at this value, so adding any documented
 * duration to a time can never overflow.
 */
#define CPOL_TIME_MAX INT64_C(253402300799999)

/**
 * Free memory that the library allocated and handed to the caller
 * (for example the string from cpol_setting_get()).
 *
 * Always use this function, never the C library's free(): the library may be
 * using a custom allocator (see commpolice/sys/alloc.h).
 *
 * @param ptr  memory from the library, or NULL (a no-op)
 * @since 0.1
 */
CPOL_API void cpol_free(void *ptr);

CPOL_END_DECL

#endif /* COMMPOLICE_COMMON_H */
