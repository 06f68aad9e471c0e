/* The seam between the registry and the built-in backends.
 *
 * The registry (lib/store) must not name a backend: the store layer sits
 * below the backends, and naming them here made the include circle
 * context -> store -> registry -> sqlite -> context. So the store layer only
 * declares what it needs, a list of method tables, and lib/backends/builtins.c
 * supplies it. A build without PostgreSQL simply returns a shorter list. */
#ifndef CPOL_STORE_BUILTINS_H
#define CPOL_STORE_BUILTINS_H

#include <stddef.h>

#include <commpolice/sys/storage.h>

/* Upper bound on the number of built-in backends. */
#define CPOL__BUILTINS_MAX 8

/* Writes up to max method tables of the built-in backends to out, in the
 * order they are registered, and returns how many were written. */
size_t cpol__storage_builtins(const cpol_storage_methods **out, size_t max);

#endif
