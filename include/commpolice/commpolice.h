/**
 * @file commpolice/commpolice.h
 * @brief Umbrella header: include this one to use libcommpolice.
 *
 * libcommpolice is the domain model of Chinese community-policing teams
 * ("1+1+N": one community officer, one auxiliary officer, N volunteers) as an
 * embeddable C library: people and teams, a points ledger, the closed-loop
 * case workflow, stored through a pluggable storage backend.
 *
 * ## Conventions that hold for every function
 *
 * **Status codes.** Fallible functions return an `int`: 0 on success, a
 * positive value for a non-error outcome (#CPOL_DONE, #CPOL_ALREADY), a
 * negative #cpol_status_t on failure, with the detail in cpol_error_message().
 * A failing call changes nothing in storage. NULL handles and NULL
 * out-pointers are reported as #CPOL_EMISUSE, never by crashing.
 *
 * **Ownership.**
 * 1. An object returned through a `T **out` parameter belongs to the caller,
 *    who frees it with the matching `cpol_T_free()` or `cpol_T_close()`. On
 *    failure `*out` is set to NULL.
 * 2. A pointer returned as a function's value, or through a `const T **`
 *    parameter, is *borrowed*: it belongs to the library and stays valid only
 *    as long as the documentation of that function says.
 * 3. Strings and structs passed in are copied before the call returns; the
 *    library never keeps the caller's pointers.
 * 4. Memory the library hands over as `char **out` is freed with cpol_free().
 * 5. Freeing NULL is always a harmless no-op.
 *
 * **Text.** Every string is UTF-8 and NUL-terminated. Invalid UTF-8 is refused
 * with #CPOL_EUTF8; strings over their documented limit with #CPOL_ETOOLONG.
 *
 * **Time.** Times are #cpol_time: milliseconds since the Unix epoch, UTC,
 * taken from the context's clock.
 *
 * ## Thread safety
 *
 * - A context (#cpol_ctx) and every object created from it (iterators) may be
 *   used by one thread at a time. Different threads may use the same context
 *   only if the caller serialises the calls (a mutex around them); the library
 *   does not lock a context internally.
 * - Different contexts are independent and may be used from different threads
 *   at the same time, including contexts open on the same SQLite file (the
 *   file's locks, with the busy timeout, arbitrate; see
 *   cpol_open_options::busy_timeout_ms).
 * - The error message (cpol_error_message()) is kept per thread.
 * - Functions without a context argument (version, ids, status names) are
 *   thread-safe. cpol_storage_register() and cpol_storage_unregister() are
 *   thread-safe. cpol_allocator_set() is not: call it before anything else.
 *
 * ## Versions and ABI
 *
 * The shared library's SONAME carries the ABI version (libcommpolice.so.0.1
 * while the major version is 0; libcommpolice.so.N from 1.0 on). Within one
 * SONAME, functions, enum values and struct fields are only ever added, never
 * changed or removed. See docs/abi-policy.md.
 */
#ifndef COMMPOLICE_COMMPOLICE_H
#define COMMPOLICE_COMMPOLICE_H

#include "common.h"
#include "version.h"
#include "errors.h"
#include "types.h"
#include "id.h"
#include "context.h"
#include "setting.h"
#include "actor.h"
#include "audit.h"
#include "area.h"
#include "person.h"
#include "case.h"
#include "case_analysis.h"
#include "case_metrics.h"
#include "ledger.h"
#include "shop.h"
#include "training.h"
#include "activity.h"
#include "team.h"
#include "dossier.h"

#endif /* COMMPOLICE_COMMPOLICE_H */
