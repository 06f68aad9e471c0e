/**
 * @file commpolice/version.h
 * @brief Compile-time and run-time version numbers and the feature query.
 *
 * The macros describe the headers you compiled against; the functions describe
 * the library you are running with. A program can assert
 * `cpol_version_number() == CPOL_VERSION_NUMBER` (exact match) or, more usefully,
 * that the major versions are equal and the run-time minor is at least the
 * compile-time one: that is the compatibility the SONAME promises.
 *
 * CMake reads the version of the whole project from the three macros below;
 * this file is the single place where it is written.
 */
#ifndef COMMPOLICE_VERSION_H
#define COMMPOLICE_VERSION_H

#include "common.h"

/** Major version: incompatible ABI changes (while 0, the minor plays this role). */
#define CPOL_VERSION_MAJOR 0
/** Minor version: additions, ABI compatible within the same major (from 1.0 on). */
#define CPOL_VERSION_MINOR 1
/** Patch version: fixes only. */
#define CPOL_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define CPOL_VERSION "0.1.0"
/** The version as one integer: MAJOR*1000000 + MINOR*1000 + PATCH. */
#define CPOL_VERSION_NUMBER 1000

CPOL_BEGIN_DECL

/**
 * The run-time library version as MAJOR*1000000 + MINOR*1000 + PATCH.
 * @return the version number; never fails
 * @since 0.1
 */
CPOL_API unsigned int cpol_version_number(void);

/**
 * The run-time library version as a string such as "0.1.0".
 * @return a static string (never NULL; do not free)
 * @since 0.1
 */
CPOL_API const char *cpol_version_string(void);

/**
 * Ask whether an optional feature is available in this build.
 *
 * Names:
 * - `"storage.memory"`, `"storage.sqlite"`, `"storage.postgresql"`: a storage
 *   backend is compiled in (or, for any other `"storage.NAME"`, registered at
 *   run time with cpol_storage_register());
 * - `"threads"`: contexts may be used from several threads (one at a time per
 *   context; see the thread-safety contract in commpolice.h).
 *
 * @param name  feature name (ASCII); NULL or unknown names give 0
 * @return 1 if available, 0 if not
 * @since 0.1
 */
CPOL_API int cpol_has_feature(const char *name);

CPOL_END_DECL

#endif /* COMMPOLICE_VERSION_H */
