/**
 * @file commpolice/id.h
 * @brief 16-byte, time-ordered, globally unique identifiers.
 *
 * Every stored object is identified by a #cpol_id. Ids are UUIDs in the
 * RFC 9562 version-7 layout: the first 48 bits are the creation time in
 * milliseconds (from the context's clock), followed by a 12-bit counter that
 * keeps ids created by one context strictly increasing within a millisecond,
 * and 62 random bits from libuuid. Ordered ids keep database indexes
 * append-mostly (random v4 ids halve SQLite insert speed at 10^6 rows) and
 * let stations and kiosks create ids independently and merge later.
 *
 * A #cpol_id is a plain value (16 bytes); copy it freely.
 */
#ifndef COMMPOLICE_ID_H
#define COMMPOLICE_ID_H

#include "common.h"
#include "types.h"

CPOL_BEGIN_DECL

/** Buffer size for cpol_id_format(): 36 characters plus the terminating NUL. */
#define CPOL_ID_STRING_SIZE 37

/**
 * Create a new id whose time part comes from the context's clock.
 *
 * Ids from one context are strictly increasing (byte-wise), even if the clock
 * stands still or steps backwards.
 *
 * @param ctx  an open context
 * @param[out] out  receives the id
 * @return #CPOL_OK; #CPOL_EMISUSE if @p ctx or @p out is NULL
 * @since 0.1
 */
CPOL_API int cpol_id_new(cpol_ctx *ctx, cpol_id *out);

/**
 * Parse the canonical text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
 * (hexadecimal, either case).
 *
 * @param[out] out  receives the id; left unchanged on failure
 * @param text  NUL-terminated text
 * @return #CPOL_OK; #CPOL_EMISUSE if an argument is NULL; #CPOL_EINVALID if
 *         @p text is not exactly 36 characters in that form (the message says
 *         which position is wrong)
 * @since 0.1
 */
CPOL_API int cpol_id_parse(cpol_id *out, const char *text);

/**
 * Write the canonical lower-case text form of an id.
 *
 * @param id  the id
 * @param[out] buf  receives 36 characters and a NUL
 * @param size  size of @p buf in bytes, at least #CPOL_ID_STRING_SIZE
 * @return #CPOL_OK; #CPOL_EMISUSE if a pointer is NULL; #CPOL_ETOOLONG if
 *         @p size is smaller than #CPOL_ID_STRING_SIZE (nothing is written)
 * @since 0.1
 */
CPOL_API int cpol_id_format(const cpol_id *id, char *buf, size_t size);

/**
 * Compare two ids byte-wise, which for ids from cpol_id_new() is creation order.
 * @param a  first id (NULL sorts before any id)
 * @param b  second id (NULL sorts before any id)
 * @return negative, 0 or positive as @p a sorts before, equal to or after @p b
 * @since 0.1
 */
CPOL_API int cpol_id_compare(const cpol_id *a, const cpol_id *b);

/**
 * Whether an id is the nil id (all 16 bytes zero), which never names an object.
 * @param id  the id (NULL counts as nil)
 * @return 1 if nil, 0 otherwise
 * @since 0.1
 */
CPOL_API int cpol_id_is_nil(const cpol_id *id);

/**
 * The creation time embedded in a version-7 id.
 * @param id  the id
 * @return milliseconds since the epoch, or -1 if @p id is NULL or not a version-7 id
 * @since 0.1
 */
CPOL_API cpol_time cpol_id_time(const cpol_id *id);

CPOL_END_DECL

#endif /* COMMPOLICE_ID_H */
