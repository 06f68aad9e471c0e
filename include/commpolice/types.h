/**
 * @file commpolice/types.h
 * @brief The opaque handle types and small value types used across the API.
 *
 * Handles are opaque: their layout is private and may change in any release.
 * Only pointers to them cross the API.
 */
#ifndef COMMPOLICE_TYPES_H
#define COMMPOLICE_TYPES_H

#include "common.h"

CPOL_BEGIN_DECL

/**
 * A library context: one open connection to one storage (a SQLite file, an
 * in-memory store, a PostgreSQL database). Created by cpol_ctx_open(),
 * destroyed by cpol_ctx_close().
 */
typedef struct cpol_ctx cpol_ctx;

/** An iterator over station settings; see commpolice/setting.h. */
typedef struct cpol_setting_iter cpol_setting_iter;

/**
 * A 16-byte identifier (see commpolice/id.h). A plain value, not a handle:
 * copy and compare it freely.
 */
typedef struct cpol_id {
    unsigned char bytes[16]; /**< the UUID bytes in network (big-endian) order */
} cpol_id;

CPOL_END_DECL

#endif /* COMMPOLICE_TYPES_H */
